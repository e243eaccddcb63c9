// The padded input (N, C, Hp, Wp) for any padding mode, and the way back for gradients.

import type { ConvGeometry } from './geometry'
import { paddingMaps } from './geometry'

/** Pads x (N, C, H, W) with the geometry's pads and mode. */
export function padInput(x: Float64Array, geometry: ConvGeometry): Float64Array {
  const { batch, inChannels, inH, inW, paddedH, paddedW } = geometry
  const { rows, cols } = paddingMaps(geometry)
  const padded = new Float64Array(batch * inChannels * paddedH * paddedW)
  for (let plane = 0; plane < batch * inChannels; plane++) {
    const source = plane * inH * inW
    const target = plane * paddedH * paddedW
    for (let p = 0; p < paddedH; p++) {
      const row = rows[p]
      if (row < 0) continue
      const sourceRow = source + row * inW
      const targetRow = target + p * paddedW
      for (let q = 0; q < paddedW; q++) {
        const col = cols[q]
        if (col >= 0) padded[targetRow + q] = x[sourceRow + col]
      }
    }
  }
  return padded
}

/**
 * Folds a gradient of the padded input back onto the input: each padded cell's gradient
 * flows to the input cell it copies (none for zero padding).
 */
export function unpadGradient(gradPadded: Float64Array, geometry: ConvGeometry): Float64Array {
  const { batch, inChannels, inH, inW, paddedH, paddedW } = geometry
  const { rows, cols } = paddingMaps(geometry)
  const grad = new Float64Array(batch * inChannels * inH * inW)
  for (let plane = 0; plane < batch * inChannels; plane++) {
    const source = plane * paddedH * paddedW
    const target = plane * inH * inW
    for (let p = 0; p < paddedH; p++) {
      const row = rows[p]
      if (row < 0) continue
      for (let q = 0; q < paddedW; q++) {
        const col = cols[q]
        if (col >= 0) grad[target + row * inW + col] += gradPadded[source + p * paddedW + q]
      }
    }
  }
  return grad
}
