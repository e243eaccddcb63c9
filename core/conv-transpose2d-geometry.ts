// Every shape rule of a ConvTranspose2d (PyTorch's conv_transpose2d), computed and validated
// once, with the Conv2d whose input gradient it is: forward, backward and frames read the same object.

import { ConvolabError } from './errors'
import type { ChannelGeometry, ConvGeometry, Pair } from './geometry'
import { MAX_DIMENSION, checkInteger, checkShape, convGeometry, toPair } from './geometry'

export interface ConvTranspose2dOptions {
  stride?: Pair
  /** Zero padding P: removes P rows/columns from each side of the full result. */
  padding?: Pair
  /** Extra rows/columns on the bottom/right (OP < max(stride, dilation) per axis). */
  outputPadding?: Pair
  /** A wanted output size (H, W): picks the output padding, as nn.ConvTranspose2d(x, output_size=...). */
  outputSize?: readonly [number, number]
  dilation?: Pair
  groups?: number
}

export interface ConvTranspose2dGeometry extends ChannelGeometry {
  /** C_in: the channels of the transposed layer's input, weight.shape[0]. */
  inChannels: number
  /** C_out = weight.shape[1] · groups. */
  outChannels: number
  padH: number
  padW: number
  outputPaddingH: number
  outputPaddingW: number
  /**
   * The Conv2d of the same weight, stride, padding, dilation and groups whose input is this
   * layer's output (N, C_out, outH, outW) and whose output is this layer's input (N, C_in, inH,
   * inW): this layer's forward is its dE/dx, this layer's dE/dx is its forward. Its outH/outW
   * are the transposed input's size; they are below the floor formula's only when the output
   * padding reaches the stride (OP >= S, allowed when D > S), and then the rows past them are
   * the ones the Conv2d reads but this layer never writes.
   */
  conv: ConvGeometry
}

/** A_out = (A − 1)·S − 2P + D·(K − 1) + OP + 1, with OP = 0. */
function smallestOutput(size: number, stride: number, padding: number, dilation: number, kernel: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1
}

interface Axis {
  name: 'height' | 'width'
  size: number
  kernel: number
  stride: number
  padding: number
  dilation: number
}

function outputPaddingFor(axis: Axis, given: number | undefined, wanted: number | undefined): number {
  const smallest = smallestOutput(axis.size, axis.stride, axis.padding, axis.dilation, axis.kernel)
  let outputPadding = given ?? 0
  if (wanted !== undefined) {
    // nn.ConvTranspose2d reaches sizes from the smallest up to smallest + stride − 1
    const largest = smallest + axis.stride - 1
    if (wanted < smallest || wanted > largest) {
      throw new ConvolabError('output-size-range', {
        axis: axis.name,
        wanted,
        min: smallest,
        max: largest,
        input: axis.size,
      })
    }
    const needed = wanted - smallest
    // PyTorch's module silently drops output_padding when output_size is given; a user who
    // typed both means both, so they must agree
    if (given !== undefined && given !== needed) {
      throw new ConvolabError('output-size-and-padding', { size: wanted, needed, given })
    }
    outputPadding = needed
  }
  if (outputPadding >= Math.max(axis.stride, axis.dilation)) {
    throw new ConvolabError('output-padding-too-large', {
      outputPadding,
      axis: axis.name,
      stride: axis.stride,
      dilation: axis.dilation,
    })
  }
  return outputPadding
}

function describeSmallest(axis: Axis, outputPadding: number): string {
  return `(${axis.size}−1)·${axis.stride} − 2·${axis.padding} + ${axis.dilation}·(${axis.kernel}−1) + ${outputPadding} + 1`
}

export function convTranspose2dGeometry(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: ConvTranspose2dOptions = {},
  biasLength?: number,
): ConvTranspose2dGeometry {
  checkShape('input', inputShape, '(N, C_in, H, W)')
  checkShape('weight', weightShape, '(C_in, C_out/groups, KH, KW)')
  const [batch, inChannels, inH, inW] = inputShape
  const [weightInChannels, outChannelsPerGroup, kernelH, kernelW] = weightShape

  const groups = checkInteger('groups', options.groups ?? 1, 1)
  if (weightInChannels % groups !== 0) {
    throw new ConvolabError('groups-divide-in', { groups, inChannels: weightInChannels })
  }
  if (inChannels !== weightInChannels) {
    throw new ConvolabError('input-channels', { got: inChannels, expected: weightInChannels })
  }
  const outChannels = outChannelsPerGroup * groups
  if (biasLength !== undefined && biasLength !== outChannels) {
    throw new ConvolabError('bias-size', { got: biasLength, expected: outChannels })
  }

  const [strideH, strideW] = toPair('stride', options.stride, 1, 1)
  const [dilationH, dilationW] = toPair('dilation', options.dilation, 1, 1)
  const [padH, padW] = toPair('padding', options.padding, 0, 0)
  const given = options.outputPadding === undefined ? undefined : toPair('output padding', options.outputPadding, 0, 0)
  let wanted: [number, number] | undefined
  if (options.outputSize !== undefined) {
    const size = options.outputSize as unknown
    if (!Array.isArray(size) || size.length !== 2) {
      throw new ConvolabError('pair-value', { name: 'output size', value: JSON.stringify(size) })
    }
    wanted = [checkInteger('output height', size[0], 1), checkInteger('output width', size[1], 1)]
  }

  const height: Axis = { name: 'height', size: inH, kernel: kernelH, stride: strideH, padding: padH, dilation: dilationH }
  const width: Axis = { name: 'width', size: inW, kernel: kernelW, stride: strideW, padding: padW, dilation: dilationW }
  const outputPaddingH = outputPaddingFor(height, given?.[0], wanted?.[0])
  const outputPaddingW = outputPaddingFor(width, given?.[1], wanted?.[1])
  const outH = smallestOutput(inH, strideH, padH, dilationH, kernelH) + outputPaddingH
  const outW = smallestOutput(inW, strideW, padW, dilationW, kernelW) + outputPaddingW
  if (outH < 1 || outW < 1) {
    throw new ConvolabError('transposed-output-too-small', {
      size: `${outH}×${outW}`,
      formula: `H_out = ${describeSmallest(height, outputPaddingH)}, W_out = ${describeSmallest(width, outputPaddingW)}`,
    })
  }
  if (outH > MAX_DIMENSION || outW > MAX_DIMENSION) {
    throw new ConvolabError('too-large', { name: 'the output size', value: `${outH}×${outW}`, limit: MAX_DIMENSION })
  }

  const natural = convGeometry([batch, outChannels, outH, outW], [inChannels, outChannelsPerGroup, kernelH, kernelW], {
    stride: [strideH, strideW],
    padding: [padH, padW],
    dilation: [dilationH, dilationW],
    groups,
  })
  const conv: ConvGeometry = { ...natural, outH: inH, outW: inW }

  return {
    batch,
    inChannels,
    outChannels,
    groups,
    inChannelsPerGroup: inChannels / groups,
    outChannelsPerGroup,
    inH,
    inW,
    kernelH,
    kernelW,
    strideH,
    strideW,
    padH,
    padW,
    dilationH,
    dilationW,
    outputPaddingH,
    outputPaddingW,
    outH,
    outW,
    hasBias: biasLength !== undefined,
    conv,
  }
}

export function transposedOutputShape(geometry: ConvTranspose2dGeometry): [number, number, number, number] {
  return [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
}

/** The output-size formula of one axis with its numbers substituted. */
export function describeTransposedOutputSize(geometry: ConvTranspose2dGeometry, axis: 'H' | 'W'): string {
  const g = geometry
  const [size, kernel, stride, padding, dilation, outputPadding, out] =
    axis === 'H'
      ? [g.inH, g.kernelH, g.strideH, g.padH, g.dilationH, g.outputPaddingH, g.outH]
      : [g.inW, g.kernelW, g.strideW, g.padW, g.dilationW, g.outputPaddingW, g.outW]
  return `${axis}_out = (${size} − 1)·${stride} − 2·${padding} + ${dilation}·(${kernel}−1) + ${outputPadding} + 1 = ${out}`
}

/** Multiply-adds of the forward pass (the same for each gradient): every input cell stamps the kernel. */
export function transposedMultiplyAdds(geometry: ConvTranspose2dGeometry): number {
  const g = geometry
  return g.batch * g.inChannels * g.inH * g.inW * g.outChannelsPerGroup * g.kernelH * g.kernelW
}
