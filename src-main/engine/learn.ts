// Gradient descent on the kernel toward a target in the engine: core's learnStep, step for step,
// with the engine's kernel (the fast one where it is plugged in), so photos learn off the page.
// The transposed layer learns the same way (its weight (C_in, C_out/groups, KH, KW)); a pool has
// nothing to learn and is refused.

import type { Tensor } from '../../core'
import { ConvolabError, convTranspose2dGeometry, meanSquaredError } from '../../core'
import type { LearnStepRequest, LearnStepResult } from '../../contract'
import { refusePool, transposedForward, transposedWeightGradients } from './family-layer'
import type { ConvKernel } from './kernel'

type Gradients = { gradWeight: Tensor; gradBias: Tensor | null }
/** One step's E and its gradients for the current weight and bias. */
type Step = (weight: Tensor, bias: Tensor | null) => Promise<{ loss: number; grads: Gradients }>

export async function learnSteps(kernel: ConvKernel, inputs: ReadonlyMap<string, Tensor>, request: LearnStepRequest): Promise<LearnStepResult> {
  refusePool(request.layer)
  const input = inputs.get(request.inputId)
  const target = inputs.get(request.targetId)
  if (!input || !target) throw new ConvolabError('unknown-input')
  const rate = request.learningRate
  let weight: Tensor = { shape: [...request.weight.shape], data: Float64Array.from(request.weight.data) }
  let bias: Tensor | null = request.bias ? { shape: [...request.bias.shape], data: Float64Array.from(request.bias.data) } : null
  const step =
    request.layer?.type === 'conv-transpose2d' ? transposedStep(kernel, input, target, weight, bias, request) : convStep(kernel, input, target, request)
  const losses: number[] = []
  for (let k = 0; k < request.steps; k++) {
    const { loss, grads } = await step(weight, bias)
    losses.push(loss)
    weight = { shape: weight.shape, data: weight.data.map((w, i) => w - rate * grads.gradWeight.data[i]) }
    if (bias && grads.gradBias) bias = { shape: bias.shape, data: bias.data.map((b, i) => b - rate * grads.gradBias!.data[i]) }
  }
  return { weight: { shape: [...weight.shape], data: weight.data }, bias: bias ? { shape: [...bias.shape], data: bias.data } : null, losses }
}

function convStep(kernel: ConvKernel, input: Tensor, target: Tensor, request: LearnStepRequest): Step {
  return async (weight, bias) => {
    const { output } = await kernel.forward(input, weight, bias, request.options, { stableInput: true })
    const { loss, gradOutput } = meanSquaredError(output, target)
    // only dE/dw and dE/db: dE/dx (the size of the input) is not needed to learn the kernel
    const grads = kernel.weightGradients
      ? await kernel.weightGradients(input, weight, bias, gradOutput, request.options, { stableInput: true })
      : await kernel.backward(input, weight, bias, gradOutput, request.options, { stableInput: true })
    return { loss, grads }
  }
}

/** E = mean((convT(x, w) + b − target)²) and its dE/dw, dE/db; the shapes are checked once, up front. */
function transposedStep(kernel: ConvKernel, input: Tensor, target: Tensor, weight: Tensor, bias: Tensor | null, request: LearnStepRequest): Step {
  const options = request.layer?.type === 'conv-transpose2d' ? request.layer.options : {}
  const geometry = convTranspose2dGeometry(input.shape, weight.shape, options, bias?.data.length)
  return async (w, b) => {
    // x is the stored input: its spread copy may stay in the kernels' memory between steps
    const output = await transposedForward(kernel, input, w, b, geometry, { stableInput: true })
    const { loss, gradOutput } = meanSquaredError(output, target)
    return { loss, grads: await transposedWeightGradients(kernel, input, w, b !== null, gradOutput, geometry) }
  }
}
