// Shared by the fast-kernel tests: turns FastKernels into the reference suite's interface.

import type { Conv2dOptions, Tensor } from '../../core'
import { convGeometry, outputShape } from '../../core'
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
