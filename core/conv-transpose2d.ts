// ConvTranspose2d forward and backward as PyTorch computes them. Its forward is the input
// gradient of the Conv2d in geometry.conv, its dE/dx is that Conv2d's forward and its dE/dw is
// that Conv2d's dE/dw with x and dE/dy swapped; given FastKernels, those very kernels run.

import { conv2dForward } from './conv2d'
import { conv2dBackwardKernel, sumPerChannel } from './conv2d-backward'
import type { ConvTranspose2dGeometry, ConvTranspose2dOptions } from './conv-transpose2d-geometry'
import { convTranspose2dGeometry, transposedOutputShape } from './conv-transpose2d-geometry'
import { ConvolabError } from './errors'
import type { ConvGeometry } from './geometry'
import { padInput } from './padding'
import type { Tensor } from './tensor'
import { formatShape, sameShape, sizeOf } from './tensor'
// type only: core stays free of the wasm bytes unless a caller brings its kernels
import type { FastKernels } from './fast/kernels'

/** The part of FastKernels this layer uses (core/fast's createFastKernels gives one). */
export type ConvKernels = Pick<FastKernels, 'forward' | 'backward'>

export interface ConvTranspose2dResult {
  output: Tensor
  geometry: ConvTranspose2dGeometry
}

export interface ConvTranspose2dGradients {
  gradInput: Tensor
  gradWeight: Tensor
  gradBias: Tensor | null
}

function isGeometry(value: ConvTranspose2dOptions | ConvTranspose2dGeometry): value is ConvTranspose2dGeometry {
  return 'conv' in value
}

function expectShape(which: 'input' | 'weight' | 'bias', got: readonly number[], expected: readonly number[]): void {
  if (!sameShape(got, expected)) {
    throw new ConvolabError('tensor-shape', { tensor: which, got: formatShape(got), expected: formatShape(expected) })
  }
}

/** The geometry from options, or a given geometry checked against the tensors. */
function resolveGeometry(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  optionsOrGeometry: ConvTranspose2dOptions | ConvTranspose2dGeometry,
): ConvTranspose2dGeometry {
  if (!isGeometry(optionsOrGeometry)) return convTranspose2dGeometry(x.shape, weight.shape, optionsOrGeometry, bias?.data.length)
  const g = optionsOrGeometry
  expectShape('input', x.shape, [g.batch, g.inChannels, g.inH, g.inW])
  expectShape('weight', weight.shape, [g.inChannels, g.outChannelsPerGroup, g.kernelH, g.kernelW])
  if (bias) expectShape('bias', bias.shape.length === 1 ? bias.shape : [bias.data.length], [g.outChannels])
  return g
}

export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvTranspose2dOptions | ConvTranspose2dGeometry = {},
  kernels?: ConvKernels,
): ConvTranspose2dResult {
  const geometry = resolveGeometry(x, weight, bias, options)
  const shape = transposedOutputShape(geometry)
  let data: Float64Array
  if (kernels) {
    // the Conv2d's grad-input with dE/dy = x; its "input" argument only sizes the result there
    const target = new Float64Array(sizeOf(shape))
    const grads = kernels.backward(target, weight.data, x.data, geometry.conv, 'f64', { input: true, weight: false, bias: false }, { gradInput: target })
    data = grads.gradInput as Float64Array
  } else {
    data = new Float64Array(sizeOf(shape))
    scatterForward(x.data, weight.data, data, geometry)
  }
  if (bias) addBias(data, bias.data, geometry)
  return { output: { shape, data }, geometry }
}

/**
 * The scalar kernel in the scatter view: every input cell x[n, c, i, j] stamps x·w[c, o] into the
 * output at (i·S − P + a·D, j·S − P + b·D); stamps that land in the cropped padding are dropped.
 * It is the Conv2d grad-input loop of conv2dBackwardKernel, read as a layer of its own.
 */
export function scatterForward(x: Float64Array, weight: Float64Array, output: Float64Array, geometry: ConvTranspose2dGeometry): void {
  const g = geometry
  const inPlane = g.inH * g.inW
  const outPlane = g.outH * g.outW
  const kernelPlane = g.kernelH * g.kernelW
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      const group = Math.floor(c / g.inChannelsPerGroup)
      const input = (n * g.inChannels + c) * inPlane
      for (let o = 0; o < g.outChannelsPerGroup; o++) {
        const out = (n * g.outChannels + group * g.outChannelsPerGroup + o) * outPlane
        const kernel = (c * g.outChannelsPerGroup + o) * kernelPlane
        for (let a = 0; a < g.kernelH; a++) {
          const rowShift = a * g.dilationH - g.padH
          for (let b = 0; b < g.kernelW; b++) {
            const w = weight[kernel + a * g.kernelW + b]
            const colShift = b * g.dilationW - g.padW
            // the input columns whose stamp lands inside the output: 0 <= j·S + colShift < outW
            const j0 = Math.max(0, Math.ceil(-colShift / g.strideW))
            const j1 = Math.min(g.inW, Math.ceil((g.outW - colShift) / g.strideW))
            for (let i = 0; i < g.inH; i++) {
              const row = i * g.strideH + rowShift
              if (row < 0 || row >= g.outH) continue
              const inRow = input + i * g.inW
              const outRow = out + row * g.outW + colShift
              for (let j = j0; j < j1; j++) output[outRow + j * g.strideW] += w * x[inRow + j]
            }
          }
        }
      }
    }
  }
}

function addBias(output: Float64Array, bias: Float64Array, geometry: ConvTranspose2dGeometry): void {
  const plane = geometry.outH * geometry.outW
  for (let n = 0; n < geometry.batch; n++) {
    for (let m = 0; m < geometry.outChannels; m++) {
      const start = (n * geometry.outChannels + m) * plane
      const value = bias[m]
      for (let k = start; k < start + plane; k++) output[k] += value
    }
  }
}

/**
 * dE/dx (the Conv2d's forward of dE/dy), dE/dw (the Conv2d's dE/dw with x and dE/dy swapped)
 * and dE/db (dE/dy summed per output channel) from dE/dy of shape (N, C_out, H_out, W_out).
 */
export function convTranspose2dBackward(
  x: Tensor,
  weight: Tensor,
  gradOutput: Tensor,
  geometry: ConvTranspose2dGeometry,
  withBias: boolean,
  kernels?: ConvKernels,
): ConvTranspose2dGradients {
  const g = resolveGeometry(x, weight, null, geometry)
  const expected = transposedOutputShape(g)
  if (!sameShape(gradOutput.shape, expected)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(gradOutput.shape), expected: formatShape(expected) })
  }
  return {
    gradInput: convTranspose2dGradInput(gradOutput, weight, g, kernels),
    gradWeight: convTranspose2dGradWeight(x, gradOutput, weight.shape, g, kernels),
    gradBias: withBias ? { shape: [g.outChannels], data: sumPerChannel(gradOutput.data, outputPlanes(g)) } : null,
  }
}

/** dE/dx alone: the Conv2d's forward of dE/dy with the same weight, shape (N, C_in, H, W). */
export function convTranspose2dGradInput(gradOutput: Tensor, weight: Tensor, geometry: ConvTranspose2dGeometry, kernels?: ConvKernels): Tensor {
  const conv = geometry.conv
  let data: Float64Array
  if (kernels) data = kernels.forward(gradOutput.data, weight.data, null, conv, 'f64') as Float64Array
  else {
    data = new Float64Array(conv.batch * conv.outChannels * conv.outH * conv.outW)
    conv2dForward(padInput(gradOutput.data, conv), weight.data, null, data, conv)
  }
  return { shape: [geometry.batch, geometry.inChannels, geometry.inH, geometry.inW], data }
}

/** dE/dw alone: the Conv2d's dE/dw with its input dE/dy and its dE/dy this layer's x. */
export function convTranspose2dGradWeight(
  x: Tensor,
  gradOutput: Tensor,
  weightShape: readonly number[],
  geometry: ConvTranspose2dGeometry,
  kernels?: ConvKernels,
): Tensor {
  const conv = geometry.conv
  // dE/dw does not read the weight's values, only its size: zeros stand in for them
  const size = sizeOf(weightShape)
  let data: Float64Array
  if (kernels) {
    const wants = { input: false, weight: true, bias: false }
    data = kernels.backward(gradOutput.data, new Float64Array(size), x.data, conv, 'f64', wants).gradWeight as Float64Array
  } else {
    data = new Float64Array(size)
    conv2dBackwardKernel(padInput(gradOutput.data, conv), new Float64Array(size), x.data, null, data, conv)
  }
  return { shape: [...weightShape], data }
}

/** The output seen as a Conv2d output, for sumPerChannel: (N, C_out, H_out, W_out). */
function outputPlanes(g: ConvTranspose2dGeometry): ConvGeometry {
  return { ...g.conv, outChannels: g.outChannels, outH: g.outH, outW: g.outW }
}
