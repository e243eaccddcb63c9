// The padded input of one batch item as RGBA pixels: what each padded cell holds (a copy of an
// input cell, or 0), coloured as RGB for 3 channels and grayscale otherwise.

import type { Tensor } from '../../../../core/tensor'
import type { ReceptiveFieldMap } from '../geometry/receptive-field'
import type { InnerRegion } from '../grid/types'

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

export function paddedView(input: Tensor, n: number, map: ReceptiveFieldMap | null): PaddedView {
  const [, channels, height, width] = input.shape
  const identity = (size: number) => Int32Array.from({ length: size }, (_, k) => k)
  const sourceRows = map ? map.rows.source : identity(height)
  const sourceCols = map ? map.cols.source : identity(width)
  const rows = sourceRows.length
  const cols = sourceCols.length
  const plane = height * width
  const start = n * channels * plane
  const [low, high] = range(input.data, start, channels * plane)
  // Images decoded as 0..255 and drawings as 0..1 both fill the display range.
  const rgbDivisor = high > 1 ? 255 : 1
  const grayLow = Math.min(0, low)
  const graySpan = Math.max(1, high) - grayLow || 1
  const pixels = new Uint8ClampedArray(rows * cols * 4)
  for (let r = 0; r < rows; r++) {
    const sr = sourceRows[r]
    for (let c = 0; c < cols; c++) {
      const sc = sourceCols[c]
      const p = (r * cols + c) * 4
      pixels[p + 3] = 255
      const at = sr < 0 || sc < 0 ? -1 : sr * width + sc
      if (channels === 3) {
        for (let ch = 0; ch < 3; ch++) pixels[p + ch] = at < 0 ? 0 : (input.data[start + ch * plane + at] / rgbDivisor) * 255
      } else {
        let sum = 0
        if (at >= 0) for (let ch = 0; ch < channels; ch++) sum += input.data[start + ch * plane + at]
        const v = ((at < 0 ? 0 : sum / channels) - grayLow) / graySpan
        pixels[p] = pixels[p + 1] = pixels[p + 2] = v * 255
      }
    }
  }
  const g = map?.geometry
  return {
    rows,
    cols,
    pixels,
    inner: { top: g?.padTop ?? 0, left: g?.padLeft ?? 0, height, width },
    sourceOf: (r, c) => (sourceRows[r] < 0 || sourceCols[c] < 0 ? null : { r: sourceRows[r], c: sourceCols[c] }),
  }
}
