// MaxPool2d with indices, forward and backward, as PyTorch's CPU kernel: padding is −∞ (never
// chosen), windows are scanned row-major, a larger value or any NaN takes the place.

import { ConvolabError } from './errors'
import type { Pool2dOptions, PoolGeometry } from './pool-geometry'
import { poolGeometry, poolOutputShape } from './pool-geometry'
import type { Tensor } from './tensor'
import { formatShape, sameShape, sizeOf } from './tensor'
// type only: core stays free of the wasm bytes unless a caller brings its kernels
import type { FastKernels } from './fast/kernels'

/** The part of FastKernels the pools use (core/fast's createFastKernels gives one). */
export type PoolKernels = Pick<FastKernels, 'maxPool' | 'maxPoolBackward' | 'avgPool' | 'avgPoolBackward'>

export interface MaxPool2dResult {
  output: Tensor
  /** For each output cell, the flat position h·W + w of its maximum in its input plane (int64 in PyTorch). */
  indices: Int32Array
  geometry: PoolGeometry
}

function isPoolGeometry(value: Pool2dOptions | PoolGeometry): value is PoolGeometry {
  return 'outH' in value
}

/** The geometry from options, or a given geometry checked against the input's shape. */
export function resolvePoolGeometry(x: Tensor, optionsOrGeometry: Pool2dOptions | PoolGeometry): PoolGeometry {
  if (!isPoolGeometry(optionsOrGeometry)) return poolGeometry(x.shape, optionsOrGeometry)
  const g = optionsOrGeometry
  const expected = [g.batch, g.channels, g.inH, g.inW]
  if (!sameShape(x.shape, expected)) {
    throw new ConvolabError('tensor-shape', { tensor: 'input', got: formatShape(x.shape), expected: formatShape(expected) })
  }
  return g
}

/**
 * Given kernels, the WebAssembly pool kernels run, with the very same results (and may write
 * them into `into`, an array of the output's length no one reads any more).
 */
export function maxPool2d(x: Tensor, options: Pool2dOptions | PoolGeometry, kernels?: PoolKernels, into?: Float64Array): MaxPool2dResult {
  const geometry = resolvePoolGeometry(x, options)
  const shape = poolOutputShape(geometry)
  if (kernels) {
    const { output, indices } = kernels.maxPool(x.data, geometry, into)
    return { output: { shape, data: output }, indices, geometry }
  }
  const output = new Float64Array(sizeOf(shape))
  const indices = new Int32Array(output.length)
  maxPoolForward(x.data, output, indices, geometry)
  return { output: { shape, data: output }, indices, geometry }
}

/**
 * PyTorch's rule: the window starts at the first real cell (padding is skipped, so its −∞ is
 * never chosen), the maximum starts at −∞ with that cell's index, and a cell replaces it when
 * `value > max || isnan(value)` — so the first of equal maxima stays, and the last NaN wins.
 */
export function maxPoolForward(x: Float64Array, output: Float64Array, indices: Int32Array, geometry: PoolGeometry): void {
  const g = geometry
  const { inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW } = g
  const inPlane = inH * inW
  // first and last+1 real row (column) of each window, stepping by the dilation
  const rowStart = new Int32Array(outH)
  const rowEnd = new Int32Array(outH)
  const colStart = new Int32Array(outW)
  const colEnd = new Int32Array(outW)
  maxPoolWindowRange(outH, strideH, padH, dilationH, kernelH, inH, rowStart, rowEnd)
  maxPoolWindowRange(outW, strideW, padW, dilationW, kernelW, inW, colStart, colEnd)
  // window by window: measured faster than taps-outside loops or separable passes (bench/README.md)
  let k = 0
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * inPlane
    for (let i = 0; i < outH; i++) {
      const h0 = rowStart[i]
      const h1 = rowEnd[i]
      for (let j = 0; j < outW; j++) {
        const w0 = colStart[j]
        const w1 = colEnd[j]
        let max = -Infinity
        let index = h0 * inW + w0
        for (let h = h0; h < h1; h += dilationH) {
          const row = h * inW
          for (let w = w0; w < w1; w += dilationW) {
            const value = x[base + row + w]
            if (value > max || value !== value) {
              max = value
              index = row + w
            }
          }
        }
        output[k] = max
        indices[k++] = index
      }
    }
  }
}

/**
 * For each output position, the first real cell of its window (stepping over the padding by
 * whole dilations) and the end of its window clipped to the input.
 */
export function maxPoolWindowRange(
  out: number,
  stride: number,
  padding: number,
  dilation: number,
  kernel: number,
  size: number,
  start: Int32Array,
  end: Int32Array,
): void {
  for (let i = 0; i < out; i++) {
    let first = i * stride - padding
    const last = Math.min(first + (kernel - 1) * dilation + 1, size)
    while (first < 0) first += dilation
    start[i] = first
    end[i] = last
  }
}

/** dE/dx: each dE/dy cell is added at its argmax; overlapping windows accumulate. */
export function maxPool2dBackward(
  gradOutput: Tensor,
  indices: Int32Array | Float64Array,
  geometry: PoolGeometry,
  kernels?: PoolKernels,
  into?: Float64Array,
): Tensor {
  const g = geometry
  const expected = poolOutputShape(g)
  if (!sameShape(gradOutput.shape, expected)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(gradOutput.shape), expected: formatShape(expected) })
  }
  if (indices.length !== gradOutput.data.length) {
    throw new ConvolabError('data-size', { name: 'indices', got: indices.length, expected: gradOutput.data.length, shape: formatShape(expected) })
  }
  const shape = [g.batch, g.channels, g.inH, g.inW]
  if (kernels) return { shape, data: kernels.maxPoolBackward(gradOutput.data, indices instanceof Int32Array ? indices : Int32Array.from(indices), g, into) }
  return { shape, data: maxPoolBackwardLoop(gradOutput.data, indices, g) }
}

/** The scalar loop of maxPool2dBackward, in the order of the output cells. */
export function maxPoolBackwardLoop(dy: Float64Array, indices: Int32Array | Float64Array, geometry: PoolGeometry): Float64Array {
  const g = geometry
  const inPlane = g.inH * g.inW
  const outPlane = g.outH * g.outW
  const gradInput = new Float64Array(g.batch * g.channels * inPlane)
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * inPlane
    const start = plane * outPlane
    for (let k = start; k < start + outPlane; k++) gradInput[base + indices[k]] += dy[k]
  }
  return gradInput
}
