// Gradient descent on the kernel toward a target in the engine: core's learnStep, step for step,
// with the engine's kernel (the fast one where it is plugged in), so photos learn off the page.

import type { Tensor } from '../../core'
import { ConvolabError, meanSquaredError } from '../../core'
import type { LearnStepRequest, LearnStepResult } from '../../contract'
import type { ConvKernel } from './kernel'

export async function learnSteps(kernel: ConvKernel, inputs: ReadonlyMap<string, Tensor>, request: LearnStepRequest): Promise<LearnStepResult> {
  const input = inputs.get(request.inputId)
  const target = inputs.get(request.targetId)
  if (!input || !target) throw new ConvolabError('unknown-input')
  const rate = request.learningRate
  let weight: Tensor = { shape: [...request.weight.shape], data: Float64Array.from(request.weight.data) }
  let bias: Tensor | null = request.bias ? { shape: [...request.bias.shape], data: Float64Array.from(request.bias.data) } : null
  const losses: number[] = []
  for (let step = 0; step < request.steps; step++) {
    const { output } = await kernel.forward(input, weight, bias, request.options, { stableInput: true })
    const { loss, gradOutput } = meanSquaredError(output, target)
    // only dE/dw and dE/db: dE/dx (the size of the input) is not needed to learn the kernel
    const grads = kernel.weightGradients
      ? await kernel.weightGradients(input, weight, bias, gradOutput, request.options, { stableInput: true })
      : await kernel.backward(input, weight, bias, gradOutput, request.options, { stableInput: true })
    losses.push(loss)
    weight = { shape: weight.shape, data: weight.data.map((w, k) => w - rate * grads.gradWeight.data[k]) }
    if (bias && grads.gradBias) bias = { shape: bias.shape, data: bias.data.map((b, k) => b - rate * grads.gradBias!.data[k]) }
  }
  return { weight: { shape: [...weight.shape], data: weight.data }, bias: bias ? { shape: [...bias.shape], data: bias.data } : null, losses }
}
