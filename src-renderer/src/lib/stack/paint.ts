// Pixels of the stack strip that are not one channel through a colour map: the input photo in its
// own colours, and the effective receptive field as a heat map laid over it.

import type { MapStack } from '../../../../contract'
import type { Tensor } from '../../../../core/tensor'
import type { Window } from '../../../../frames/stack-window'

// The window around a field and the maps cut to it are the frames' own (the backward animation from a unit shows them).
export { cropMaps, windowAround } from '../../../../frames/stack-window'
export type { Window } from '../../../../frames/stack-window'

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

/** Sample `n` of a tensor cut to a window (every channel), as a tensor of one sample. */
export function cropTensor(input: Tensor, n: number, window: Window): Tensor {
  const [, channels, h, w] = input.shape
  const rows = window.rows[1] - window.rows[0] + 1
  const cols = window.cols[1] - window.cols[0] + 1
  const data = new Float64Array(channels * rows * cols)
  for (let c = 0; c < channels; c++)
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < cols; k++) data[(c * rows + r) * cols + k] = input.data[((n * channels + c) * h + window.rows[0] + r) * w + window.cols[0] + k]
  return { shape: [1, channels, rows, cols], data }
}

/** The heat map's cells inside a window of the exact map (the heat map may be box-averaged: its cells are looked up by position). */
export function cropHeat(
  values: Float64Array,
  peak: number,
  display: { height: number; width: number },
  exact: { height: number; width: number },
  window: Window,
): Pixels {
  const rows = window.rows[1] - window.rows[0] + 1
  const cols = window.cols[1] - window.cols[0] + 1
  const cut = new Float64Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    const dr = Math.min(display.height - 1, Math.floor(((window.rows[0] + r) * display.height) / exact.height))
    for (let c = 0; c < cols; c++) {
      const dc = Math.min(display.width - 1, Math.floor(((window.cols[0] + c) * display.width) / exact.width))
      cut[r * cols + c] = values[dr * display.width + dc]
    }
  }
  return heatPixels(cut, peak, cols, rows)
}
