// Every shape, pad and index rule of a Conv2d, computed and validated once.
// Forward, backward, animation and hover all read the same ConvGeometry.

import { ConvolabError } from './errors'
import { formatShape } from './tensor'

export type Pair = number | readonly [number, number]
export type Padding = Pair | 'same' | 'valid'
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular'
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular']

export interface Conv2dOptions {
  stride?: Pair
  padding?: Padding
  dilation?: Pair
  groups?: number
  paddingMode?: PaddingMode
}

/** What every sliding-window layer's geometry has: the input's size, the window, its steps and the output's size. */
export interface WindowGeometry {
  batch: number
  inH: number
  inW: number
  kernelH: number
  kernelW: number
  strideH: number
  strideW: number
  dilationH: number
  dilationW: number
  outH: number
  outW: number
}

/** What a convolution's geometry adds (Conv2d and ConvTranspose2d): channels, groups and bias. */
export interface ChannelGeometry extends WindowGeometry {
  inChannels: number
  outChannels: number
  groups: number
  inChannelsPerGroup: number
  outChannelsPerGroup: number
  hasBias: boolean
}

export interface ConvGeometry extends ChannelGeometry {
  padTop: number
  padBottom: number
  padLeft: number
  padRight: number
  paddingMode: PaddingMode
  paddedH: number
  paddedW: number
}

/** Largest value accepted for any one dimension or hyper-parameter; beyond it nothing is useful. */
export const MAX_DIMENSION = 1 << 16

/** A whole number >= min and <= MAX_DIMENSION, else a ConvolabError naming it. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConvolabError('not-positive-int', { name, min, value: String(value) })
  }
  if (value > MAX_DIMENSION) throw new ConvolabError('too-large', { name, value, limit: MAX_DIMENSION })
  return value
}

/** An int or an (h, w) pair as [h, w], each checked by checkInteger. */
export function toPair(name: string, value: Pair | undefined, fallback: number, min: number): [number, number] {
  if (value === undefined) return [fallback, fallback]
  if (typeof value === 'number') {
    checkInteger(name, value, min)
    return [value, value]
  }
  if (!Array.isArray(value) || value.length !== 2) {
    throw new ConvolabError('pair-value', { name, value: JSON.stringify(value) })
  }
  return [checkInteger(name, value[0], min), checkInteger(name, value[1], min)]
}

/** A 4-D shape of whole positive dimensions. */
export function checkShape(name: string, shape: readonly number[], layout: string): void {
  if (shape.length !== 4) throw new ConvolabError('bad-rank', { name, rank: 4, layout, shape: formatShape(shape) })
  const axes = layout.slice(1, -1).split(', ')
  shape.forEach((dim, axis) => {
    // A zero-size dimension (an empty .npy, say) is named, so the user knows which one.
    if (dim === 0) throw new ConvolabError('empty-dimension', { name, axis: axes[axis], shape: formatShape(shape) })
    checkInteger(`${name} ${axes[axis]}`, dim, 1)
  })
}

/** PyTorch's padding rules for one axis: [before, after]. */
function axisPadding(padding: Padding, axis: 0 | 1, kernel: number, dilation: number, stride: number): [number, number] {
  if (padding === 'valid') return [0, 0]
  if (padding === 'same') {
    if (stride !== 1) throw new ConvolabError('same-stride', { stride })
    const total = dilation * (kernel - 1)
    const before = Math.floor(total / 2)
    return [before, total - before]
  }
  if (typeof padding === 'number' || Array.isArray(padding)) {
    const value = typeof padding === 'number' ? padding : padding[axis]
    if (typeof value === 'number' && Number.isInteger(value) && value < 0) {
      throw new ConvolabError('negative-padding', { value })
    }
    const [pad] = toPair('padding', value, 0, 0)
    return [pad, pad]
  }
  throw new ConvolabError('padding-value', { value: JSON.stringify(padding) })
}

export function convGeometry(inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {}, biasLength?: number): ConvGeometry {
  checkShape('input', inputShape, '(N, C, H, W)')
  checkShape('weight', weightShape, '(C_out, C_in/groups, KH, KW)')
  const [batch, inChannels, inH, inW] = inputShape
  const [outChannels, weightInChannels, kernelH, kernelW] = weightShape

  const groups = checkInteger('groups', options.groups ?? 1, 1)
  if (inChannels % groups !== 0) throw new ConvolabError('groups-divide-in', { groups, inChannels })
  if (outChannels % groups !== 0) throw new ConvolabError('groups-divide-out', { groups, outChannels })
  const inChannelsPerGroup = inChannels / groups
  if (weightInChannels !== inChannelsPerGroup) {
    throw new ConvolabError('weight-channels', {
      got: weightInChannels,
      inChannels,
      groups,
      expected: inChannelsPerGroup,
    })
  }
  if (biasLength !== undefined && biasLength !== outChannels) {
    throw new ConvolabError('bias-size', { got: biasLength, expected: outChannels })
  }

  const paddingMode = options.paddingMode ?? 'zeros'
  if (!PADDING_MODES.includes(paddingMode)) throw new ConvolabError('padding-mode', { value: String(paddingMode) })

  const [strideH, strideW] = toPair('stride', options.stride, 1, 1)
  const [dilationH, dilationW] = toPair('dilation', options.dilation, 1, 1)
  const padding = options.padding ?? 0
  const [padTop, padBottom] = axisPadding(padding, 0, kernelH, dilationH, Math.max(strideH, strideW))
  const [padLeft, padRight] = axisPadding(padding, 1, kernelW, dilationW, Math.max(strideH, strideW))

  checkPaddingMode(paddingMode, Math.max(padTop, padBottom), inH, 'height')
  checkPaddingMode(paddingMode, Math.max(padLeft, padRight), inW, 'width')

  const paddedH = inH + padTop + padBottom
  const paddedW = inW + padLeft + padRight
  const spanH = dilationH * (kernelH - 1) + 1
  const spanW = dilationW * (kernelW - 1) + 1
  if (spanH > paddedH || spanW > paddedW) {
    throw new ConvolabError('kernel-too-large', {
      kernel: `${spanH}×${spanW}`,
      padded: `${paddedH}×${paddedW}`,
    })
  }

  return {
    batch,
    inChannels,
    outChannels,
    groups,
    inChannelsPerGroup,
    outChannelsPerGroup: outChannels / groups,
    inH,
    inW,
    kernelH,
    kernelW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop,
    padBottom,
    padLeft,
    padRight,
    paddingMode,
    paddedH,
    paddedW,
    outH: Math.floor((paddedH - spanH) / strideH) + 1,
    outW: Math.floor((paddedW - spanW) / strideW) + 1,
    hasBias: biasLength !== undefined,
  }
}

function checkPaddingMode(mode: PaddingMode, padding: number, size: number, axis: 'height' | 'width'): void {
  if (mode === 'reflect' && padding >= size) {
    throw new ConvolabError('reflect-padding', { padding, axis, size })
  }
  if (mode === 'circular' && padding > size) {
    throw new ConvolabError('circular-padding', { padding, axis, size })
  }
}

export function outputShape(geometry: ConvGeometry): [number, number, number, number] {
  return [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
}

/** Multiply-adds of one forward pass; the same count for each gradient. */
export function multiplyAdds(geometry: ConvGeometry): number {
  const { batch, outChannels, outH, outW, inChannelsPerGroup, kernelH, kernelW } = geometry
  return batch * outChannels * outH * outW * inChannelsPerGroup * kernelH * kernelW
}

/** The seed's shape formula with the numbers of one axis substituted. */
export function describeOutputSize(geometry: ConvGeometry, axis: 'H' | 'W'): string {
  const g = geometry
  const [size, kernel, stride, dilation, before, after, out] =
    axis === 'H'
      ? [g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom, g.outH]
      : [g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight, g.outW]
  const pads = before === after ? `2·${before}` : `${before}+${after}`
  return `${axis}_out = ⌊(${size} + ${pads} − ${dilation}·(${kernel}−1) − 1) / ${stride}⌋ + 1 = ${out}`
}

/**
 * Where a coordinate of the padded input reads from on one axis of the real input,
 * or -1 for a zero (zero padding).
 */
export function sourceIndex(padded: number, before: number, size: number, mode: PaddingMode): number {
  const index = padded - before
  if (index >= 0 && index < size) return index
  switch (mode) {
    case 'zeros':
      return -1
    case 'reflect':
      return index < 0 ? -index : 2 * (size - 1) - index
    case 'replicate':
      return index < 0 ? 0 : size - 1
    case 'circular':
      return ((index % size) + size) % size
  }
}

/** Source index tables for the rows and the columns of the padded input. */
export function paddingMaps(geometry: ConvGeometry): { rows: Int32Array; cols: Int32Array } {
  const rows = new Int32Array(geometry.paddedH)
  const cols = new Int32Array(geometry.paddedW)
  for (let p = 0; p < rows.length; p++) {
    rows[p] = sourceIndex(p, geometry.padTop, geometry.inH, geometry.paddingMode)
  }
  for (let p = 0; p < cols.length; p++) {
    cols[p] = sourceIndex(p, geometry.padLeft, geometry.inW, geometry.paddingMode)
  }
  return { rows, cols }
}
