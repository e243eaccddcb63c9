// The stack's forward and backward with Conv2d layers on an asynchronous runner (the engine's
// two-thread WebAssembly runner has FastKernels' calls, returning promises); every other layer
// runs as in stack.ts, on the synchronous fast kernels when given. Same numbers, same results.

import type { ConvGeometry } from './geometry'
import type { Layer } from './layer'
import type { LayerForward, LayerGradients, LayerPlan, Scratch } from './layer-compute'
import { layerBackward, layerForward } from './layer-compute'
import type { BackwardOptions, GradientSeed, StackForward, StackGradients } from './stack'
import { planStack, startGradient } from './stack'
import type { Tensor } from './tensor'
import { sizeOf } from './tensor'
import type { FastKernels } from './fast/kernels'
import type { FastGradients, GradientRequest, ResultTargets } from './fast/plans'
import type { BackwardMapped, ForwardMapped } from './fast/mapped-plans'
import type { FloatArray } from './fast/memory-layout'

/** FastKernels' two calls, asynchronous (ParallelRunner in src-main/engine/parallel has them). */
export interface AsyncConvKernels {
  forward(x: Float64Array, weight: Float64Array, bias: Float64Array | null, geometry: ConvGeometry, dtype: 'f64', into?: ResultTargets): Promise<FloatArray>
  backward(
    x: Float64Array,
    weight: Float64Array,
    gradOutput: Float64Array,
    geometry: ConvGeometry,
    dtype: 'f64',
    wants?: GradientRequest,
    into?: ResultTargets,
  ): Promise<FastGradients>
  /**
   * The Conv2d with its maps, and a ReLU beside it, made where the kernels run (the two-thread
   * runner has them); null: not on this runner (or not for this geometry), the caller makes them.
   */
  forwardMapped?: (...args: Parameters<ForwardMapped>) => ReturnType<ForwardMapped> | null
  backwardMapped?: BackwardMapped
  /**
   * The arrays given to the mapped passes may change from now on (called before each stack);
   * resolves once no kernel thread writes into them any more.
   */
  forget?(): Promise<void>
}

export interface AsyncStackKernels {
  /** Runs every Conv2d. */
  conv: AsyncConvKernels
  /** Runs the other convolutions (transposed) on this thread; core's loops when absent. */
  kernels?: FastKernels
}

/** One layer's forward, its Conv2d on the asynchronous runner. */
export async function layerForwardAsync(layer: Layer, plan: LayerPlan, x: Tensor, run: AsyncStackKernels, scratch?: Scratch): Promise<LayerForward> {
  if (layer.type !== 'conv2d' || plan.type !== 'conv2d') return layerForward(layer, plan, x, run.kernels, scratch)
  const output = scratch?.(sizeOf(plan.outputShape))
  const data = await run.conv.forward(x.data, layer.weight.data, layer.bias?.data ?? null, plan.geometry, 'f64', { output })
  return { output: { shape: plan.outputShape, data: data as Float64Array } }
}

/**
 * One layer's backward, its Conv2d on the asynchronous runner. `biasElsewhere`: the caller sums
 * a Conv2d's dE/db itself (core's sumPerChannel of dE/dy, the same numbers) while the runner's
 * threads compute, so the runner leaves it out (gradBias null).
 */
export async function layerBackwardAsync(
  layer: Layer,
  plan: LayerPlan,
  x: Tensor,
  forward: LayerForward,
  gradOutput: Tensor,
  run: AsyncStackKernels,
  withWeights: boolean,
  scratch?: Scratch,
  biasElsewhere = false,
): Promise<LayerGradients> {
  if (layer.type !== 'conv2d' || plan.type !== 'conv2d') {
    return layerBackward(layer, plan, x, forward, gradOutput, run.kernels, withWeights, scratch)
  }
  const wants = { input: true, weight: withWeights, bias: withWeights && !biasElsewhere }
  const grads = await run.conv.backward(x.data, layer.weight.data, gradOutput.data, plan.geometry, 'f64', wants, {
    gradInput: scratch?.(sizeOf(plan.inputShape)),
  })
  return {
    gradInput: { shape: plan.inputShape, data: grads.gradInput as Float64Array },
    gradWeight: grads.gradWeight ? { shape: [...layer.weight.shape], data: grads.gradWeight as Float64Array } : null,
    gradBias: grads.gradBias ? { shape: [plan.geometry.outChannels], data: grads.gradBias as Float64Array } : null,
  }
}

/** stackForward with Conv2d layers on an asynchronous runner. */
export async function stackForwardAsync(layers: readonly Layer[], x: Tensor, run: AsyncStackKernels): Promise<StackForward> {
  const plan = planStack(layers, x.shape)
  const computed: LayerForward[] = []
  let current = x
  for (let index = 0; index < plan.plans.length; index++) {
    const result = await layerForwardAsync(layers[index], plan.plans[index], current, run)
    computed.push(result)
    current = result.output
  }
  return { plan, input: x, layers: computed, output: current, failure: plan.failure }
}

/** stackBackward with Conv2d layers on an asynchronous runner. */
export async function stackBackwardAsync(
  layers: readonly Layer[],
  forward: StackForward,
  seed: GradientSeed,
  run: AsyncStackKernels,
  options: BackwardOptions = {},
): Promise<StackGradients> {
  const start = startGradient(forward, seed)
  const from = start.from
  let grad = start.grad
  const gradOutputs: Array<Tensor | null> = new Array(layers.length).fill(null)
  const gradWeights: Array<Tensor | null> = new Array(layers.length).fill(null)
  const gradBiases: Array<Tensor | null> = new Array(layers.length).fill(null)
  for (let index = from; index >= 0; index--) {
    gradOutputs[index] = grad
    const input = index === 0 ? forward.input : forward.layers[index - 1].output
    const result = await layerBackwardAsync(layers[index], forward.plan.plans[index], input, forward.layers[index], grad, run, options.weights ?? true)
    gradWeights[index] = result.gradWeight
    gradBiases[index] = result.gradBias
    grad = result.gradInput
  }
  return { from, gradInput: grad, gradOutputs, gradWeights, gradBiases }
}
