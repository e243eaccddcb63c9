// A stack of layers, as torch.nn.Sequential: shapes checked layer by layer, forward through
// every layer that fits, and backward by the chain rule from dE/dy at the output or from one
// unit of any layer. A layer that cannot take its input stops the stack there, named with its
// index and the reason; the layers before it are still computed.

import { ConvolabError, causeParams } from './errors'
import type { Layer } from './layer'
import { TORCH_CLASS } from './layer'
import type { LayerForward, LayerPlan } from './layer-compute'
import { layerBackward, layerForward, planLayer } from './layer-compute'
import type { Tensor } from './tensor'
import { formatShape, sameShape, sizeOf, tensor } from './tensor'
import type { FastKernels } from './fast/kernels'

export interface StackPlan {
  inputShape: number[]
  /** Layers in the stack, computed or not. */
  layerCount: number
  /** One plan per layer that fits, in order; shorter than the stack when a layer does not fit. */
  plans: LayerPlan[]
  /** The first layer that cannot take its input, or null when the whole stack fits. */
  failure: ConvolabError | null
}

export interface StackForward {
  plan: StackPlan
  input: Tensor
  /** One per computed layer: its output (the next layer's input) and what backward needs. */
  layers: LayerForward[]
  /** The stack's output: the last computed layer's output (or the input for an empty stack). */
  output: Tensor
  failure: ConvolabError | null
}

/** Where the backward pass starts: dE/dy at the stack's output, or dE/dy = 1 at one unit. */
export type GradientSeed = { kind: 'output'; gradOutput: Tensor } | { kind: 'unit'; layer: number; unit: readonly [number, number, number, number] }

export interface StackGradients {
  /** The layer the gradient starts from; layers after it have no gradient (null). */
  from: number
  /** dE/dx of the stack's input (the effective receptive field of a unit seed, in magnitude). */
  gradInput: Tensor
  /** Per layer: dE/dy of its output (the next layer's dE/dx). */
  gradOutputs: Array<Tensor | null>
  /** Per layer with weights: dE/dw and dE/db (null for layers without them or without bias). */
  gradWeights: Array<Tensor | null>
  gradBiases: Array<Tensor | null>
}

function checkInput(shape: readonly number[]): void {
  if (shape.length !== 4 || !shape.every((dim) => Number.isInteger(dim) && dim >= 1)) {
    throw new ConvolabError('bad-rank', { name: 'input', rank: 4, layout: '(N, C, H, W)', shape: formatShape(shape) })
  }
}

/** The error of layer `index` that cannot take an input of this shape, with the layer's own reason nested. */
export function layerError(layer: Layer, index: number, shape: readonly number[], cause: unknown): ConvolabError {
  return new ConvolabError('stack-layer', {
    index,
    kind: TORCH_CLASS[layer.type] ?? String(layer.type),
    shape: formatShape(shape),
    ...causeParams(cause),
  })
}

/** Every layer's shape rules for an input shape; stops at the first layer that does not fit. */
export function planStack(layers: readonly Layer[], inputShape: readonly number[]): StackPlan {
  checkInput(inputShape)
  const plans: LayerPlan[] = []
  let shape = [...inputShape]
  for (let index = 0; index < layers.length; index++) {
    try {
      const plan = planLayer(layers[index], shape)
      plans.push(plan)
      shape = plan.outputShape
    } catch (error) {
      return { inputShape: [...inputShape], layerCount: layers.length, plans, failure: layerError(layers[index], index, shape, error) }
    }
  }
  return { inputShape: [...inputShape], layerCount: layers.length, plans, failure: null }
}

/** Forward through every layer that fits. With `kernels`, convolutions run on the fast path. */
export function stackForward(layers: readonly Layer[], x: Tensor, kernels?: FastKernels): StackForward {
  const plan = planStack(layers, x.shape)
  const computed: LayerForward[] = []
  let current = x
  for (let index = 0; index < plan.plans.length; index++) {
    const result = layerForward(layers[index], plan.plans[index], current, kernels)
    computed.push(result)
    current = result.output
  }
  return { plan, input: x, layers: computed, output: current, failure: plan.failure }
}

/** dE/dy at one layer that is 1 at `unit` (n, c, h, w) and 0 elsewhere. */
export function unitGradient(forward: StackForward, layer: number, unit: readonly number[]): Tensor {
  const computed = forward.layers[layer]
  if (!computed) {
    const count = forward.plan.layerCount
    if (Number.isInteger(layer) && layer >= 0 && layer < count) {
      throw new ConvolabError('stack-not-computed', { index: layer, failed: forward.layers.length })
    }
    throw new ConvolabError('stack-no-layer', { index: layer, count })
  }
  const shape = computed.output.shape
  const fits = unit.length === 4 && unit.every((u, d) => Number.isInteger(u) && u >= 0 && u < shape[d])
  if (!fits) throw new ConvolabError('stack-unit', { unit: formatShape(unit), index: layer, shape: formatShape(shape) })
  const grad = tensor(shape)
  const [, c, h, w] = shape
  grad.data[((unit[0] * c + unit[1]) * h + unit[2]) * w + unit[3]] = 1
  return grad
}

/** Where a backward pass starts: the layer and its dE/dy, checked against the forward pass. */
export function startGradient(forward: StackForward, seed: GradientSeed): { from: number; grad: Tensor } {
  if (seed.kind === 'unit') return { from: seed.layer, grad: unitGradient(forward, seed.layer, seed.unit) }
  if (forward.failure) throw forward.failure
  if (!sameShape(seed.gradOutput.shape, forward.output.shape)) {
    throw new ConvolabError('grad-output-shape', {
      got: formatShape(seed.gradOutput.shape),
      expected: formatShape(forward.output.shape),
    })
  }
  return { from: forward.layers.length - 1, grad: seed.gradOutput }
}

export interface BackwardOptions {
  /** dE/dw and dE/db of every layer with weights (default true); false: dE/dx and dE/dy only. */
  weights?: boolean
}

/** The chain rule back through the stack; each layer's dE/dx is the previous layer's dE/dy. */
export function stackBackward(
  layers: readonly Layer[],
  forward: StackForward,
  seed: GradientSeed,
  kernels?: FastKernels,
  options: BackwardOptions = {},
): StackGradients {
  const start = startGradient(forward, seed)
  const from = start.from
  let grad = start.grad
  const gradOutputs: Array<Tensor | null> = new Array(layers.length).fill(null)
  const gradWeights: Array<Tensor | null> = new Array(layers.length).fill(null)
  const gradBiases: Array<Tensor | null> = new Array(layers.length).fill(null)
  for (let index = from; index >= 0; index--) {
    gradOutputs[index] = grad
    const input = index === 0 ? forward.input : forward.layers[index - 1].output
    const result = layerBackward(layers[index], forward.plan.plans[index], input, forward.layers[index], grad, kernels, options.weights ?? true)
    gradWeights[index] = result.gradWeight
    gradBiases[index] = result.gradBias
    grad = result.gradInput
  }
  return { from, gradInput: grad, gradOutputs, gradWeights, gradBiases }
}

/** Number of values a stack computes for an input shape (all activations), for budgeting. */
export function stackActivationCount(plan: StackPlan): number {
  return plan.plans.reduce((total, layer) => total + sizeOf(layer.outputShape), 0)
}
