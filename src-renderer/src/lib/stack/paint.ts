// Pixels of the stack strip that are not one channel through a colour map: the input photo in its
// own colours, and the effective receptive field as a heat map laid over it.

import type { MapStack } from '../../../../contract'
import type { Tensor } from '../../../../core/tensor'

export interface Pixels {
  width: number
  height: number
  /** RGBA, row-major. */
  data: Uint8ClampedArray
}

/**
 * Sample `n` of an RGB input as an image (values in [0, 1] as a photo's, clipped), box-averaged
 * down to at most `maxSide` pixels a side.
 */
export function rgbPixels(input: Tensor, n: number, maxSide: number): Pixels {
  const [, channels, h, w] = input.shape
  const box = Math.max(1, Math.ceil(Math.max(h, w) / maxSide))
  const height = Math.ceil(h / box)
  const width = Math.ceil(w / box)
  const sums = new Float64Array(height * width * 3)
  const counts = new Float64Array(height * width)
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const at = Math.floor(r / box) * width + Math.floor(c / box)
      counts[at]++
      for (let k = 0; k < 3; k++) sums[at * 3 + k] += input.data[((n * channels + Math.min(k, channels - 1)) * h + r) * w + c]
    }
  }
  const data = new Uint8ClampedArray(height * width * 4)
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < 3; k++) data[p * 4 + k] = Math.round(Math.max(0, Math.min(1, sums[p * 3 + k] / counts[p])) * 255)
    data[p * 4 + 3] = 255
  }
  return { width, height, data }
}

/** Σ over channels of |dE/dx| of sample `n`: the effective receptive field's magnitude per display cell, and its peak. */
export function fieldMagnitude(gradInput: MapStack, n: number): { values: Float64Array; peak: number } {
  const [, channels] = gradInput.shape
  const plane = gradInput.displayH * gradInput.displayW
  const values = new Float64Array(plane)
  for (let c = 0; c < channels; c++) {
    const offset = (n * channels + c) * plane
    for (let k = 0; k < plane; k++) values[k] += Math.abs(gradInput.data[offset + k])
  }
  let peak = 0
  for (const v of values) if (v > peak) peak = v
  return { values, peak }
}

/**
 * The heat map: transparent where nothing reaches the unit, up to opaque yellow-white at the peak
 * through red (a square root, so the faint tails the effective field is known for still show).
 */
export function heatPixels(values: Float64Array, peak: number, width: number, height: number): Pixels {
  const data = new Uint8ClampedArray(width * height * 4)
  if (peak > 0) {
    for (let k = 0; k < width * height; k++) {
      const t = Math.sqrt(values[k] / peak)
      if (t <= 0) continue
      data[k * 4] = 255
      data[k * 4 + 1] = Math.round(255 * Math.max(0, t * 1.6 - 0.6))
      data[k * 4 + 2] = Math.round(255 * Math.max(0, t * 2.5 - 1.5))
      data[k * 4 + 3] = Math.round(60 + 195 * t)
    }
  }
  return { width, height, data }
}
