// The transposed layer on the engine's kernel, for learn steps, checks and targets: its forward
// is the Conv2d grad-input of geometry.conv (dE/dy = x), its dE/dx that Conv2d's forward of dE/dy,
// its dE/dw that Conv2d's dE/dw with x and dE/dy swapped (core/conv-transpose2d.ts, on the
// ConvKernel's asynchronous face so the fast and threaded kernels run it). A pool has no weight.

import type { Conv2dOptions, Tensor } from '../../core'
import { ConvolabError, convTranspose2d, convTranspose2dGradInput, convTranspose2dGradWeight, transposedOutputShape } from '../../core'
import { sumPerChannel } from '../../core/conv2d-backward'
import type { ConvTranspose2dGeometry } from '../../core/conv-transpose2d-geometry'
import type { FamilyLayerSpec } from '../../contract'
import type { ConvKernel, ResultBuffers } from './kernel'

/** The options of the Conv2d a transposed layer is the input gradient of. */
export function transposedConvOptions(geometry: ConvTranspose2dGeometry): Conv2dOptions {
  const g = geometry
  return { stride: [g.strideH, g.strideW], padding: [g.padH, g.padW], dilation: [g.dilationH, g.dilationW], groups: g.groups }
}

/**
 * Whether the Conv2d of those options has this layer's input size: not when the output padding
 * reaches the stride (allowed when the dilation is larger), where its floor formula gives one
 * row or column more. Those rare layers run on core's loops.
 */
function onKernel(geometry: ConvTranspose2dGeometry): boolean {
  const c = geometry.conv
  const natural = (size: number, pad: number, dilation: number, kernel: number, stride: number) =>
    Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1
  return (
    natural(geometry.outH, geometry.padH, c.dilationH, c.kernelH, c.strideH) === geometry.inH &&
    natural(geometry.outW, geometry.padW, c.dilationW, c.kernelW, c.strideW) === geometry.inW
  )
}

/** y = convT(x, w) + b. */
export async function transposedForward(
  kernel: ConvKernel,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  geometry: ConvTranspose2dGeometry,
  into?: ResultBuffers,
): Promise<Tensor> {
  if (!onKernel(geometry)) return convTranspose2d(x, weight, bias, geometry).output
  const shape = transposedOutputShape(geometry)
  const options = transposedConvOptions(geometry)
  const output = kernel.inputGradient
    ? await kernel.inputGradient(shape, weight, x, options, into)
    : (await kernel.backward({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) }, weight, null, x, options)).gradInput
  if (bias) {
    const plane = geometry.outH * geometry.outW
    const data = output.data
    for (let n = 0; n < geometry.batch; n++) {
      for (let m = 0; m < geometry.outChannels; m++) {
        const start = (n * geometry.outChannels + m) * plane
        const value = bias.data[m]
        for (let k = start; k < start + plane; k++) data[k] += value
      }
    }
  }
  return { shape, data: output.data }
}

/** dE/dx: the Conv2d's forward of dE/dy with the same weight. */
export async function transposedGradInput(kernel: ConvKernel, gradOutput: Tensor, weight: Tensor, geometry: ConvTranspose2dGeometry): Promise<Tensor> {
  if (!onKernel(geometry)) return convTranspose2dGradInput(gradOutput, weight, geometry)
  const { output } = await kernel.forward(gradOutput, weight, null, transposedConvOptions(geometry))
  return output
}

/** dE/dw (the Conv2d's dE/dw with its input dE/dy and its dE/dy this layer's x) and dE/db. */
export async function transposedWeightGradients(
  kernel: ConvKernel,
  x: Tensor,
  weight: Tensor,
  withBias: boolean,
  gradOutput: Tensor,
  geometry: ConvTranspose2dGeometry,
): Promise<{ gradWeight: Tensor; gradBias: Tensor | null }> {
  const g = geometry
  const gradBias = withBias
    ? { shape: [g.outChannels], data: sumPerChannel(gradOutput.data, { ...g.conv, outChannels: g.outChannels, outH: g.outH, outW: g.outW }) }
    : null
  if (!onKernel(g)) return { gradWeight: convTranspose2dGradWeight(x, gradOutput, weight.shape, g), gradBias }
  const options = transposedConvOptions(g)
  const grads = kernel.weightGradients
    ? await kernel.weightGradients(gradOutput, weight, null, x, options)
    : await kernel.backward(gradOutput, weight, null, x, options)
  return { gradWeight: { shape: [...weight.shape], data: grads.gradWeight.data }, gradBias }
}

/** Learning a kernel and a preset's target need a weight: a pool is refused with a message. */
export function refusePool(layer: FamilyLayerSpec | undefined): void {
  if (layer && (layer.type === 'max-pool2d' || layer.type === 'avg-pool2d')) {
    throw new ConvolabError('pool-no-weights', { layer: layer.type === 'max-pool2d' ? 'MaxPool2d' : 'AvgPool2d' })
  }
}
