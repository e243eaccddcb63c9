// Shared by the fast-kernel tests: turns FastKernels into the reference suite's interface.

import { expect } from 'vitest'
import type { Conv2dOptions, Tensor } from '../../core'
import { conv2d, conv2dBackward, convGeometry, normalTensor, outputShape, seededSource } from '../../core'
import type { Dtype, FastKernels, FloatArray } from '../../core/fast'
import type { Conv2dImplementation } from '../reference/suite'

export function asTensor(shape: readonly number[], data: FloatArray | null): Tensor {
  if (!data) throw new Error('missing result')
  return { shape: [...shape], data: data instanceof Float64Array ? data : Float64Array.from(data) }
}

export function fastImplementation(kernels: FastKernels, dtype: Dtype = 'f64'): Conv2dImplementation {
  return {
    forward(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions) {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      return asTensor(outputShape(geometry), kernels.forward(x.data, weight.data, bias?.data ?? null, geometry, dtype))
    },
    backward(x: Tensor, weight: Tensor, bias: Tensor | null, gradOutput: Tensor, options: Conv2dOptions) {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      const grads = kernels.backward(x.data, weight.data, gradOutput.data, geometry, dtype)
      return {
        gradInput: asTensor(x.shape, grads.gradInput),
        gradWeight: asTensor(weight.shape, grads.gradWeight),
        gradBias: bias ? asTensor(bias.shape, grads.gradBias) : null,
      }
    },
  }
}

/**
 * The largest error of `actual` against `expected`: per element relative to max(1, |expected|),
 * or relative to the tensor's largest |value|. A NaN where a number was expected counts as ∞.
 */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, scale: 'element' | 'tensor'): number {
  let largest = 0
  for (let k = 0; k < expected.length; k++) largest = Math.max(largest, Math.abs(expected[k]))
  let result = 0
  for (let k = 0; k < expected.length; k++) {
    const error = Math.abs(actual[k] - expected[k]) / (scale === 'element' ? Math.max(1, Math.abs(expected[k])) : largest)
    if (!(error <= result)) result = Number.isNaN(error) ? Infinity : error
  }
  return result
}

/** One convolution of N(0, 1) tensors drawn from `seed`, with a bias. */
export interface KernelCase {
  input: number[]
  weight: number[]
  options: Conv2dOptions
  seed: number
}

/**
 * The kernels' y, dE/dx and dE/dw of one case against core's scalar kernels: float64 within
 * 1e-12 per element (relative to max(1, |value|)), float32 within 1e-5 of the largest value.
 */
export function checkAgainstCore(kernels: FastKernels, dtype: Dtype, s: KernelCase): void {
  const source = seededSource(s.seed)
  const x = normalTensor(s.input, source)
  const weight = normalTensor(s.weight, source)
  const bias = normalTensor([s.weight[0]], source)
  const geometry = convGeometry(s.input, s.weight, s.options, s.weight[0])
  const gradOutput = normalTensor(outputShape(geometry), source)
  const expected = conv2d(x, weight, bias, s.options).output
  const grads = conv2dBackward(x, weight, bias, gradOutput, s.options)
  const scale = dtype === 'f64' ? 'element' : 'tensor'
  const tolerance = dtype === 'f64' ? 1e-12 : 1e-5
  const label = `${kernels.kind} ${dtype} ${JSON.stringify(s)}`
  expect(worstError(kernels.forward(x.data, weight.data, bias.data, geometry, dtype), expected.data, scale), `output ${label}`).toBeLessThanOrEqual(tolerance)
  const fast = kernels.backward(x.data, weight.data, gradOutput.data, geometry, dtype)
  expect(worstError(fast.gradInput!, grads.gradInput.data, scale), `grad input ${label}`).toBeLessThanOrEqual(tolerance)
  expect(worstError(fast.gradWeight!, grads.gradWeight.data, scale), `grad weight ${label}`).toBeLessThanOrEqual(tolerance)
}
