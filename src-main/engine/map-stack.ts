// Tensors for the screen: float32 planes, box-downsampled to at most maxSide per side,
// with each plane's exact range and its count of NaN/±∞ so nothing non-finite hides.

import type { Tensor } from '../../core'
import type { MapStack } from '../../contract'
import { boxFactor, planeRange } from '../../core/fast'

export { boxFactor }

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
  // box sums of one display row, summed row by row so the source is read in memory order
  const sums = factor === 1 ? null : new Float64Array(displayW)
  for (let p = 0; p < planes; p++) {
    const source = p * plane
    const target = p * displayH * displayW
    let low = Infinity
    let high = -Infinity
    let poison = 0
    if (sums === null) {
      ;[low, high, poison] = planeRange(values, source, source + plane)
      // set() converts float64 to float32 natively: several times faster than an element loop
      data.set(values.subarray(source, source + plane), target)
    } else {
      // A plain mean per box: NaN and ±∞ carry through to the box that holds them. The range
      // is taken in the same pass; a non-finite value makes its box's sum non-finite, and then
      // the plane is counted again exactly (so the hot loop carries no NaN test).
      const fullBoxes = Math.floor(width / factor)
      for (let i = 0; i < displayH; i++) {
        sums.fill(0)
        const rowEnd = Math.min(height, (i + 1) * factor)
        for (let r = i * factor; r < rowEnd; r++) {
          const row = source + r * width
          let k = row
          for (let j = 0; j < fullBoxes; j++) {
            const end = k + factor
            // two running sums, so the additions do not wait on each other
            let even = 0
            let odd = 0
            for (; k + 1 < end; k += 2) {
              const a = values[k]
              const b = values[k + 1]
              even += a
              odd += b
              if (a < low) low = a
              if (a > high) high = a
              if (b < low) low = b
              if (b > high) high = b
            }
            if (k < end) {
              const v = values[k++]
              even += v
              if (v < low) low = v
              if (v > high) high = v
            }
            sums[j] += even + odd
          }
          if (fullBoxes < displayW) {
            let sum = 0
            for (const end = row + width; k < end; k++) {
              const v = values[k]
              sum += v
              if (v < low) low = v
              if (v > high) high = v
            }
            sums[fullBoxes] += sum
          }
        }
        const boxRows = rowEnd - i * factor
        const out = target + i * displayW
        for (let j = 0; j < displayW; j++) {
          const sum = sums[j]
          poison += sum * 0
          data[out + j] = sum / (boxRows * (Math.min(width, (j + 1) * factor) - j * factor))
        }
      }
      // a plane holding NaN or ±∞ (or whose sums overflow) is counted again exactly
      if (poison !== 0 || !Number.isFinite(low) || !Number.isFinite(high)) [low, high, poison] = planeRange(values, source, source + plane)
    }
    const bad = poison
    min[p] = bad === plane ? NaN : low
    max[p] = bad === plane ? NaN : high
    nonFinite[p] = bad
  }
  return { shape: [batch, channels, height, width], displayH, displayW, data, min, max, nonFinite }
}
