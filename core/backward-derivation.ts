// The backward pass exactly as the seed derives it, one visible stage at a time:
//   dE/dx = [dilate_S(dE/dy), padded by D·(K−1)] ⋆ rot180(w), stride 1, then the forward padding undone;
//   dE/dw = xpad ⋆ dilate_S(dE/dy), sampled every D.
// conv2dBackward computes the same numbers as a scatter; the two agree to rounding (tested).

import type { ConvGeometry } from './geometry'
import { unpadGradient } from './padding'

/** dE/dy with S−1 zeros inserted between elements: (N, M, (outH−1)·S_h+1, (outW−1)·S_w+1). */
export interface DilatedGradient {
  height: number
  width: number
  data: Float64Array
}

export function dilateByStride(gradOutput: Float64Array, geometry: ConvGeometry): DilatedGradient {
  const { batch, outChannels, outH, outW, strideH, strideW } = geometry
  const height = (outH - 1) * strideH + 1
  const width = (outW - 1) * strideW + 1
  const data = new Float64Array(batch * outChannels * height * width)
  for (let plane = 0; plane < batch * outChannels; plane++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        data[(plane * height + i * strideH) * width + j * strideW] = gradOutput[(plane * outH + i) * outW + j]
      }
    }
  }
  return { height, width, data }
}

/** Size of the "full" padding around the dilated gradient on each axis: D·(K−1). */
export function fullPadding(geometry: ConvGeometry): { rows: number; cols: number } {
  return { rows: geometry.dilationH * (geometry.kernelH - 1), cols: geometry.dilationW * (geometry.kernelW - 1) }
}

/**
 * The gradient of the padded input by the seed's full correlation with the rotated kernel.
 * Cell (p, q) of the padded input collects Σ rot180(w)[a, b] · dilated[p − D·(K−1) + a·D, q − D·(K−1) + b·D];
 * rows and columns past the last window (stride that does not divide) get zero.
 */
export function gradPaddedByCorrelation(dilated: DilatedGradient, weight: Float64Array, geometry: ConvGeometry): Float64Array {
  const g = geometry
  const { rows: fullRows, cols: fullCols } = fullPadding(g)
  const gradPadded = new Float64Array(g.batch * g.inChannels * g.paddedH * g.paddedW)
  const kernelPlane = g.kernelH * g.kernelW
  for (let n = 0; n < g.batch; n++) {
    for (let channel = 0; channel < g.inChannels; channel++) {
      const group = Math.floor(channel / g.inChannelsPerGroup)
      const c = channel - group * g.inChannelsPerGroup
      const target = (n * g.inChannels + channel) * g.paddedH * g.paddedW
      for (let p = 0; p < g.paddedH; p++) {
        for (let q = 0; q < g.paddedW; q++) {
          let sum = 0
          for (let mg = 0; mg < g.outChannelsPerGroup; mg++) {
            const m = group * g.outChannelsPerGroup + mg
            const source = (n * g.outChannels + m) * dilated.height * dilated.width
            const kernel = (m * g.inChannelsPerGroup + c) * kernelPlane
            for (let a = 0; a < g.kernelH; a++) {
              const row = p - fullRows + a * g.dilationH
              if (row < 0 || row >= dilated.height) continue
              for (let b = 0; b < g.kernelW; b++) {
                const col = q - fullCols + b * g.dilationW
                if (col < 0 || col >= dilated.width) continue
                // rot180(w)[a, b] = w[K−1−a, K−1−b]
                const rotated = weight[kernel + (g.kernelH - 1 - a) * g.kernelW + (g.kernelW - 1 - b)]
                sum += rotated * dilated.data[source + row * dilated.width + col]
              }
            }
          }
          gradPadded[target + p * g.paddedW + q] = sum
        }
      }
    }
  }
  return gradPadded
}

export function gradInputByCorrelation(gradOutput: Float64Array, weight: Float64Array, geometry: ConvGeometry): Float64Array {
  return unpadGradient(gradPaddedByCorrelation(dilateByStride(gradOutput, geometry), weight, geometry), geometry)
}

/** dE/dw[m, c, a, b] = Σ_{n, i', j'} xpad[n, c, a·D + i', b·D + j'] · dilated[n, m, i', j']. */
export function gradWeightByCorrelation(paddedInput: Float64Array, dilated: DilatedGradient, geometry: ConvGeometry): Float64Array {
  const g = geometry
  const gradWeight = new Float64Array(g.outChannels * g.inChannelsPerGroup * g.kernelH * g.kernelW)
  for (let m = 0; m < g.outChannels; m++) {
    const group = Math.floor(m / g.outChannelsPerGroup)
    for (let c = 0; c < g.inChannelsPerGroup; c++) {
      for (let a = 0; a < g.kernelH; a++) {
        for (let b = 0; b < g.kernelW; b++) {
          let sum = 0
          for (let n = 0; n < g.batch; n++) {
            const input = (n * g.inChannels + group * g.inChannelsPerGroup + c) * g.paddedH * g.paddedW
            const source = (n * g.outChannels + m) * dilated.height * dilated.width
            // Only every S-th cell of the dilated gradient is non-zero; visit those.
            for (let i = 0; i < dilated.height; i += g.strideH) {
              for (let j = 0; j < dilated.width; j += g.strideW) {
                sum += paddedInput[input + (a * g.dilationH + i) * g.paddedW + b * g.dilationW + j] * dilated.data[source + i * dilated.width + j]
              }
            }
          }
          gradWeight[((m * g.inChannelsPerGroup + c) * g.kernelH + a) * g.kernelW + b] = sum
        }
      }
    }
  }
  return gradWeight
}
