// AvgPool2d forward and backward as PyTorch's CPU kernel: the sum of a window's real cells over
// its divisor (divisor_override, else the window inside input + padding with count_include_pad,
// else its real cells only).

import { ConvolabError } from './errors'
import type { PoolKernels } from './max-pool2d'
import { resolvePoolGeometry } from './max-pool2d'
import type { Pool2dOptions, PoolGeometry } from './pool-geometry'
import { poolGeometry, poolOutputShape } from './pool-geometry'
import type { Tensor } from './tensor'
import { formatShape, sameShape, sizeOf } from './tensor'

export interface AvgPool2dResult {
  output: Tensor
  geometry: PoolGeometry
}

/** One axis of every window: first and last+1 real cell, and the span counted with padding. */
export interface AvgPoolAxisWindows {
  start: Int32Array
  end: Int32Array
  padded: Int32Array
}

export function avgPoolAxisWindows(out: number, stride: number, padding: number, kernel: number, size: number): AvgPoolAxisWindows {
  const windows = { start: new Int32Array(out), end: new Int32Array(out), padded: new Int32Array(out) }
  for (let i = 0; i < out; i++) {
    const first = i * stride - padding
    // a ceil-mode window may hang past input + padding; those cells count nowhere
    const last = Math.min(first + kernel, size + padding)
    windows.padded[i] = last - first
    windows.start[i] = Math.max(first, 0)
    windows.end[i] = Math.min(last, size)
  }
  return windows
}

/** poolGeometry for AvgPool2d: the same rules, and no dilation. */
export function avgPoolGeometry(inputShape: readonly number[], options: Pool2dOptions): PoolGeometry {
  const geometry = poolGeometry(inputShape, options)
  checkGeometry(geometry)
  return geometry
}

function checkGeometry(geometry: PoolGeometry): void {
  if (geometry.dilationH !== 1 || geometry.dilationW !== 1) {
    throw new ConvolabError('avg-pool-dilation', { value: `${geometry.dilationH},${geometry.dilationW}` })
  }
}

/** The divisor of every output window (SEMANTICS.md's rule), one row of the output plane. */
export function avgPoolDivisors(geometry: PoolGeometry): Float64Array {
  const g = geometry
  const rows = avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const divisors = new Float64Array(g.outH * g.outW)
  for (let i = 0; i < g.outH; i++) {
    for (let j = 0; j < g.outW; j++) {
      divisors[i * g.outW + j] =
        g.divisorOverride ?? (g.countIncludePad ? rows.padded[i] * cols.padded[j] : (rows.end[i] - rows.start[i]) * (cols.end[j] - cols.start[j]))
    }
  }
  return divisors
}

/** Given kernels, the WebAssembly pool kernels run, with the very same results (into: as maxPool2d's). */
export function avgPool2d(x: Tensor, options: Pool2dOptions | PoolGeometry, kernels?: PoolKernels, into?: Float64Array): AvgPool2dResult {
  const geometry = resolvePoolGeometry(x, options)
  checkGeometry(geometry)
  const g = geometry
  const shape = poolOutputShape(g)
  if (kernels) return { output: { shape, data: kernels.avgPool(x.data, g, into) }, geometry }
  const output = new Float64Array(sizeOf(shape))
  const rows = avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const divisors = avgPoolDivisors(g)
  const inPlane = g.inH * g.inW
  const data = x.data
  let k = 0
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * inPlane
    for (let i = 0; i < g.outH; i++) {
      const h0 = rows.start[i]
      const h1 = rows.end[i]
      for (let j = 0; j < g.outW; j++) {
        const w0 = cols.start[j]
        const w1 = cols.end[j]
        // summed row-major in one running sum, as PyTorch does
        let sum = 0
        for (let h = h0; h < h1; h++) {
          const row = base + h * g.inW
          for (let w = w0; w < w1; w++) sum += data[row + w]
        }
        // a window without real cells is 0 in PyTorch (it cannot happen with padding <= K/2)
        output[k] = h0 < h1 && w0 < w1 ? sum / divisors[i * g.outW + j] : 0
        k++
      }
    }
  }
  return { output: { shape, data: output }, geometry }
}

/** dE/dx: each dE/dy cell spreads g / divisor over its window's real input cells. */
export function avgPool2dBackward(gradOutput: Tensor, geometry: PoolGeometry, kernels?: PoolKernels, into?: Float64Array): Tensor {
  const g = geometry
  checkGeometry(g)
  const expected = poolOutputShape(g)
  if (!sameShape(gradOutput.shape, expected)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(gradOutput.shape), expected: formatShape(expected) })
  }
  if (kernels) return { shape: [g.batch, g.channels, g.inH, g.inW], data: kernels.avgPoolBackward(gradOutput.data, g, into) }
  const rows = avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const divisors = avgPoolDivisors(g)
  const inPlane = g.inH * g.inW
  const gradInput = new Float64Array(g.batch * g.channels * inPlane)
  const dy = gradOutput.data
  let k = 0
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const base = plane * inPlane
    for (let i = 0; i < g.outH; i++) {
      const h0 = rows.start[i]
      const h1 = rows.end[i]
      for (let j = 0; j < g.outW; j++) {
        const share = dy[k++] / divisors[i * g.outW + j]
        const w0 = cols.start[j]
        const w1 = cols.end[j]
        for (let h = h0; h < h1; h++) {
          const row = base + h * g.inW
          for (let w = w0; w < w1; w++) gradInput[row + w] += share
        }
      }
    }
  }
  return { shape: [g.batch, g.channels, g.inH, g.inW], data: gradInput }
}
