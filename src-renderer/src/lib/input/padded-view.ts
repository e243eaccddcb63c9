// The padded input of one batch item as RGBA pixels: what each padded cell holds (a copy of an
// input cell, or 0), coloured as RGB for 3 channels and grayscale otherwise. The input is
// coloured once; padding only rearranges those pixels, so a settings change stays cheap.

import type { Tensor } from '../../../../core/tensor'
import type { ReceptiveFieldMap } from '../geometry/receptive-field'
import type { InnerRegion } from '../grid/types'

export interface InputPixels {
  height: number
  width: number
  /** One RGBA pixel per cell, as 32-bit words. */
  pixels: Uint32Array
  /** The pixel a zero (zero padding) gets. */
  zero: number
}

export interface PaddedView {
  rows: number
  cols: number
  pixels: Uint8ClampedArray
  inner: InnerRegion
  /** Source cell of padded (r, c), or null for a zero pad. */
  sourceOf: (r: number, c: number) => { r: number; c: number } | null
}

function range(data: Float64Array, start: number, count: number): [number, number] {
  let low = Infinity
  let high = -Infinity
  for (let k = start; k < start + count; k++) {
    const v = data[k]
    if (v < low) low = v
    if (v > high) high = v
  }
  return [low, high]
}

export function inputPixels(input: Tensor, n: number): InputPixels {
  const [, channels, height, width] = input.shape
  const plane = height * width
  const start = n * channels * plane
  const [low, high] = range(input.data, start, channels * plane)
  // Values in [0, 1] (images, drawings) fill the display range; others are stretched to fit.
  const rgbLow = Math.min(0, low)
  const rgbSpan = Math.max(1, high) - rgbLow || 1
  const bytes = new Uint8ClampedArray(plane * 4 + 4)
  const data = input.data
  for (let k = 0; k < plane; k++) {
    const p = k * 4
    bytes[p + 3] = 255
    if (channels === 3) {
      bytes[p] = ((data[start + k] - rgbLow) / rgbSpan) * 255
      bytes[p + 1] = ((data[start + plane + k] - rgbLow) / rgbSpan) * 255
      bytes[p + 2] = ((data[start + 2 * plane + k] - rgbLow) / rgbSpan) * 255
    } else {
      let sum = 0
      for (let ch = 0; ch < channels; ch++) sum += data[start + ch * plane + k]
      bytes[p] = bytes[p + 1] = bytes[p + 2] = ((sum / channels - rgbLow) / rgbSpan) * 255
    }
  }
  // The last pixel is the colour of a zero.
  bytes[plane * 4] = bytes[plane * 4 + 1] = bytes[plane * 4 + 2] = ((0 - rgbLow) / rgbSpan) * 255
  bytes[plane * 4 + 3] = 255
  const words = new Uint32Array(bytes.buffer)
  return { height, width, pixels: words.subarray(0, plane), zero: words[plane] }
}

export function paddedView(base: InputPixels, map: ReceptiveFieldMap | null): PaddedView {
  const { height, width } = base
  const identity = (size: number) => Int32Array.from({ length: size }, (_, k) => k)
  // The map may still describe the previous input for a moment; then show the input unpadded.
  const fits = map && map.geometry.inH === height && map.geometry.inW === width
  const sourceRows = fits ? map.rows.source : identity(height)
  const sourceCols = fits ? map.cols.source : identity(width)
  const rows = sourceRows.length
  const cols = sourceCols.length
  const words = new Uint32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    const sr = sourceRows[r]
    for (let c = 0; c < cols; c++) {
      const sc = sourceCols[c]
      words[r * cols + c] = sr < 0 || sc < 0 ? base.zero : base.pixels[sr * width + sc]
    }
  }
  const g = fits ? map.geometry : null
  return {
    rows,
    cols,
    pixels: new Uint8ClampedArray(words.buffer),
    inner: { top: g?.padTop ?? 0, left: g?.padLeft ?? 0, height, width },
    sourceOf: (r, c) => (sourceRows[r] < 0 || sourceCols[c] < 0 ? null : { r: sourceRows[r], c: sourceCols[c] }),
  }
}
