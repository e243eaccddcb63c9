// Forward Conv2d exactly as PyTorch computes it: cross-correlation of the padded input.

import type { Conv2dOptions, ConvGeometry } from './geometry'
import { convGeometry, outputShape } from './geometry'
import { padInput } from './padding'
import type { Tensor } from './tensor'
import { tensor } from './tensor'

export interface Conv2dResult {
  output: Tensor
  geometry: ConvGeometry
}

export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions = {}): Conv2dResult {
  const geometry = convGeometry(x.shape, weight.shape, options, bias ? bias.data.length : undefined)
  const output = tensor(outputShape(geometry))
  conv2dForward(padInput(x.data, geometry), weight.data, bias?.data ?? null, output.data, geometry)
  return { output, geometry }
}

/** The scalar kernel: y = b + Σ w·xpad, over an input already padded. */
export function conv2dForward(paddedInput: Float64Array, weight: Float64Array, bias: Float64Array | null, output: Float64Array, geometry: ConvGeometry): void {
  const g = geometry
  const outPlane = g.outH * g.outW
  const inPlane = g.paddedH * g.paddedW
  const kernelPlane = g.kernelH * g.kernelW
  for (let n = 0; n < g.batch; n++) {
    for (let m = 0; m < g.outChannels; m++) {
      const group = Math.floor(m / g.outChannelsPerGroup)
      const out = (n * g.outChannels + m) * outPlane
      output.fill(bias ? bias[m] : 0, out, out + outPlane)
      for (let c = 0; c < g.inChannelsPerGroup; c++) {
        const inputPlane = (n * g.inChannels + group * g.inChannelsPerGroup + c) * inPlane
        const kernel = (m * g.inChannelsPerGroup + c) * kernelPlane
        for (let a = 0; a < g.kernelH; a++) {
          for (let b = 0; b < g.kernelW; b++) {
            const w = weight[kernel + a * g.kernelW + b]
            for (let i = 0; i < g.outH; i++) {
              const row = inputPlane + (i * g.strideH + a * g.dilationH) * g.paddedW + b * g.dilationW
              const outRow = out + i * g.outW
              for (let j = 0; j < g.outW; j++) output[outRow + j] += w * paddedInput[row + j * g.strideW]
            }
          }
        }
      }
    }
  }
}
