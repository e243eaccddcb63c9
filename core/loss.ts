// Losses that give the upstream gradient dE/dy, and gradient descent on a kernel.

import { ConvolabError } from './errors'
import { conv2d } from './conv2d'
import { conv2dBackward } from './conv2d-backward'
import type { Conv2dOptions } from './geometry'
import type { Tensor } from './tensor'
import { formatShape, sameShape } from './tensor'

/** E = mean((y − target)²), dE/dy = 2 (y − target) / size. */
export function meanSquaredError(output: Tensor, target: Tensor): { loss: number; gradOutput: Tensor } {
  if (!sameShape(output.shape, target.shape)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(target.shape), expected: formatShape(output.shape) })
  }
  const size = output.data.length
  const gradient = new Float64Array(size)
  let sum = 0
  for (let k = 0; k < size; k++) {
    const difference = output.data[k] - target.data[k]
    sum += difference * difference
    gradient[k] = (2 * difference) / size
  }
  return { loss: sum / size, gradOutput: { shape: [...output.shape], data: gradient } }
}

export interface LearningState {
  weight: Tensor
  bias: Tensor | null
  step: number
  losses: number[]
}

/** One step of plain gradient descent on the kernel (and bias) toward `target`. */
export function learnStep(state: LearningState, input: Tensor, target: Tensor, options: Conv2dOptions, learningRate: number): LearningState {
  const { output } = conv2d(input, state.weight, state.bias, options)
  const { loss, gradOutput } = meanSquaredError(output, target)
  const grads = conv2dBackward(input, state.weight, state.bias, gradOutput, options)
  const weight = { shape: state.weight.shape, data: state.weight.data.map((w, k) => w - learningRate * grads.gradWeight.data[k]) }
  const bias =
    state.bias && grads.gradBias ? { shape: state.bias.shape, data: state.bias.data.map((b, k) => b - learningRate * grads.gradBias!.data[k]) } : state.bias
  return { weight, bias, step: state.step + 1, losses: [...state.losses, loss] }
}
