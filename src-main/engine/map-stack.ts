// Tensors for the screen: float32 planes, box-downsampled to at most maxSide per side,
// with each plane's exact range and its count of NaN/±∞ so nothing non-finite hides.

import type { Tensor } from '../../core'
import type { MapStack } from '../../contract'

/** Box size that brings the longest side to at most maxSide (1 = full size). */
export function boxFactor(height: number, width: number, maxSide: number): number {
  if (maxSide <= 0) return 1
  return Math.max(1, Math.ceil(Math.max(height, width) / maxSide))
}

export function toMapStack(tensor: Tensor, maxSide: number): MapStack {
  const [batch, channels, height, width] = tensor.shape
  const planes = batch * channels
  const factor = boxFactor(height, width, maxSide)
  const displayH = Math.ceil(height / factor)
  const displayW = Math.ceil(width / factor)
  const data = new Float32Array(planes * displayH * displayW)
  const min = new Float64Array(planes)
  const max = new Float64Array(planes)
  const nonFinite = new Uint32Array(planes)
  const values = tensor.data
  const plane = height * width
  for (let p = 0; p < planes; p++) {
    const source = p * plane
    let low = Infinity
    let high = -Infinity
    let bad = 0
    for (let k = source; k < source + plane; k++) {
      const v = values[k]
      if (v !== v || v === Infinity || v === -Infinity) bad++
      else {
        if (v < low) low = v
        if (v > high) high = v
      }
    }
    min[p] = bad === plane ? NaN : low
    max[p] = bad === plane ? NaN : high
    nonFinite[p] = bad
    const target = p * displayH * displayW
    if (factor === 1) {
      for (let k = 0; k < plane; k++) data[target + k] = values[source + k]
      continue
    }
    // A plain mean per box: NaN and ±∞ carry through to the box that holds them.
    for (let i = 0; i < displayH; i++) {
      const rowEnd = Math.min(height, (i + 1) * factor)
      for (let j = 0; j < displayW; j++) {
        const colEnd = Math.min(width, (j + 1) * factor)
        let sum = 0
        for (let r = i * factor; r < rowEnd; r++) {
          const row = source + r * width
          for (let c = j * factor; c < colEnd; c++) sum += values[row + c]
        }
        data[target + i * displayW + j] = sum / ((rowEnd - i * factor) * (colEnd - j * factor))
      }
    }
  }
  return { shape: [batch, channels, height, width], displayH, displayW, data, min, max, nonFinite }
}
