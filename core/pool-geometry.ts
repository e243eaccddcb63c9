// Every shape and window rule of MaxPool2d and AvgPool2d (PyTorch's), computed and validated once.

import { ConvolabError } from './errors'
import type { Pair, WindowGeometry } from './geometry'
import { checkShape, toPair } from './geometry'

export interface Pool2dOptions {
  kernelSize: Pair
  /** Default: the kernel size (PyTorch's; edunn's default of 1 differs). */
  stride?: Pair
  /** At most half the kernel size per axis. MaxPool2d pads with −∞, AvgPool2d with zeros. */
  padding?: Pair
  /** MaxPool2d only. */
  dilation?: Pair
  ceilMode?: boolean
  /** AvgPool2d only (default true): padding cells count in the divisor. */
  countIncludePad?: boolean
  /** AvgPool2d only: divide every window by this instead (any whole number but 0). */
  divisorOverride?: number | null
}

export interface PoolGeometry extends WindowGeometry {
  channels: number
  padH: number
  padW: number
  ceilMode: boolean
  countIncludePad: boolean
  divisorOverride: number | null
}

/**
 * PyTorch's pooling_output_shape: ⌊(A + 2P − D·(K−1) − 1 (+ S − 1 with ceil_mode)) / S⌋ + 1, and
 * with ceil_mode a last window that would start in the right padding or past it is dropped.
 */
export function poolOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1
  if (ceilMode && (out - 1) * stride >= size + padding) out--
  return out
}

export function poolGeometry(inputShape: readonly number[], options: Pool2dOptions): PoolGeometry {
  checkShape('input', inputShape, '(N, C, H, W)')
  const [batch, channels, inH, inW] = inputShape
  if (options.kernelSize === undefined) throw new ConvolabError('flag-required', { flag: 'kernel size' })
  const [kernelH, kernelW] = toPair('kernel size', options.kernelSize, 1, 1)
  const [strideH, strideW] = options.stride === undefined ? [kernelH, kernelW] : toPair('stride', options.stride, 1, 1)
  const [padH, padW] = toPair('padding', options.padding, 0, 0)
  const [dilationH, dilationW] = toPair('dilation', options.dilation, 1, 1)
  for (const [padding, kernel] of [
    [padH, kernelH],
    [padW, kernelW],
  ]) {
    // PyTorch compares with the undilated kernel size
    const limit = Math.floor(kernel / 2)
    if (padding > limit) throw new ConvolabError('pool-padding', { padding, kernel, limit })
  }
  const divisorOverride = options.divisorOverride ?? null
  if (divisorOverride !== null) {
    if (typeof divisorOverride !== 'number' || !Number.isInteger(divisorOverride)) {
      throw new ConvolabError('not-positive-int', { name: 'divisor override', min: 1, value: String(divisorOverride) })
    }
    if (divisorOverride === 0) throw new ConvolabError('divisor-zero')
  }
  const ceilMode = options.ceilMode ?? false
  const outH = poolOutputSize(inH, kernelH, strideH, padH, dilationH, ceilMode)
  const outW = poolOutputSize(inW, kernelW, strideW, padW, dilationW, ceilMode)
  if (outH < 1 || outW < 1) {
    throw new ConvolabError('pool-output-too-small', {
      window: `${dilationH * (kernelH - 1) + 1}×${dilationW * (kernelW - 1) + 1}`,
      padded: `${inH + 2 * padH}×${inW + 2 * padW}`,
      size: `${outH}×${outW}`,
    })
  }
  return {
    batch,
    channels,
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
    ceilMode,
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
    outH,
    outW,
  }
}

export function poolOutputShape(geometry: PoolGeometry): [number, number, number, number] {
  return [geometry.batch, geometry.channels, geometry.outH, geometry.outW]
}

/** The output-size formula of one axis with its numbers substituted (⌈⌉ with ceil_mode). */
export function describePoolOutputSize(geometry: PoolGeometry, axis: 'H' | 'W'): string {
  const g = geometry
  const [size, kernel, stride, padding, dilation, out] =
    axis === 'H' ? [g.inH, g.kernelH, g.strideH, g.padH, g.dilationH, g.outH] : [g.inW, g.kernelW, g.strideW, g.padW, g.dilationW, g.outW]
  const [open, close] = g.ceilMode ? ['⌈', '⌉'] : ['⌊', '⌋']
  const formula = `${axis}_out = ${open}(${size} + 2·${padding} − ${dilation}·(${kernel}−1) − 1) / ${stride}${close} + 1`
  const natural = Math.ceil((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1
  // ceil_mode drops a last window that would start in the right padding
  const dropped = g.ceilMode && natural !== out ? ` − 1 (last window would start in the padding)` : ''
  return `${formula}${dropped} = ${out}`
}

/** Window count times cells per window: the pool's comparisons or additions of one forward pass. */
export function poolWindowCells(geometry: PoolGeometry): number {
  const g = geometry
  return g.batch * g.channels * g.outH * g.outW * g.kernelH * g.kernelW
}
