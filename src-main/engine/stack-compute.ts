// One computeStack request: forward through every layer that fits (core's stack, its Conv2d
// layers on the engine's fast kernels), backward from the seed, and every layer's display maps.
// A layer that cannot take its input (or would take the stack past the memory bound) is the
// refusal; the layers before it are still computed and returned. `isStale` is asked between
// layers so superseded work stops early. The exact tensors stay in the worker for probeStack.

import type { AsyncStackKernels, Layer, LayerForward, StackForward, StackPlan, Tensor } from '../../core'
import { ConvolabError, formatShape, layerBackwardAsync, layerForwardAsync, planStack, receptiveFields, sizeOf, startGradient, TORCH_CLASS } from '../../core'
import { scalarKernels } from '../../core/fast'
import type { StackComputeRequest, StackComputeResult, StackLayerResult, StackRefusal, TensorPayload, WireReceptiveField } from '../../contract'
import { Superseded } from './compute'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'
import { toMapStack } from './map-stack'

/**
 * Most float64 values one stack result holds: every layer's output, and with a backward pass
 * every dE/dy and dE/dx too (2^27 values, 1 GiB). A 512×512 photo through 8 layers of 16
 * channels with its gradients is 67 M values; a layer that would go past the bound is refused
 * (code 'stack-memory') and the layers before it are computed, so a 2048×2048 photo through
 * 16-channel layers computes what fits instead of exhausting the machine.
 */
export const STACK_VALUE_BUDGET = 1 << 27

/** A max-pool's argmax indices travel in the result up to this many values (probeStack reads any). */
export const STACK_EXACT_INDICES = 1 << 16

/** The exact tensors of the last stack result, kept in the worker for probeStack. */
export interface KeptStack {
  requestId: number
  input: Tensor
  outputs: Tensor[]
  /** dE/dy per computed layer (null where the backward pass did not reach). */
  gradOutputs: Array<Tensor | null>
  gradInput: Tensor | null
  /** Max-pool layers' argmax, flat positions in each input plane. */
  indices: Array<Int32Array | null>
}

/** core's scalar loops behind the asynchronous face, for a kernel without stack kernels. */
const scalarStack: AsyncStackKernels = (() => {
  const kernels = scalarKernels()
  return {
    conv: { forward: async (...args) => kernels.forward(...args), backward: async (...args) => kernels.backward(...args) },
    kernels,
  }
})()

/** The first layer past the value budget (or null): its outputs, and gradients when asked, counted from the input. */
function budgetFailure(layers: readonly Layer[], plan: StackPlan, withGradients: boolean): ConvolabError | null {
  let values = withGradients ? sizeOf(plan.inputShape) : 0
  for (let index = 0; index < plan.plans.length; index++) {
    values += sizeOf(plan.plans[index].outputShape) * (withGradients ? 2 : 1)
    if (values > STACK_VALUE_BUDGET) {
      return new ConvolabError('stack-memory', {
        index,
        kind: TORCH_CLASS[layers[index].type],
        shape: formatShape(plan.plans[index].inputShape),
        mib: Math.ceil((values * 8) / 2 ** 20),
        limitMib: (STACK_VALUE_BUDGET * 8) / 2 ** 20,
      })
    }
  }
  return null
}

/** The plan cut at the budget's refusal, when there is one before the shape refusal. */
export function boundedPlan(layers: readonly Layer[], inputShape: readonly number[], withGradients: boolean): StackPlan {
  const plan = planStack(layers, inputShape)
  const failure = budgetFailure(layers, plan, withGradients)
  if (!failure) return plan
  return { ...plan, plans: plan.plans.slice(0, Number(failure.params.index)), failure }
}

function refusalOf(failure: ConvolabError, layer: number): StackRefusal {
  return { layer, code: failure.code, params: failure.params, message: failure.messageIn('en') }
}

const exactPayload = (tensor: Tensor): TensorPayload => ({ shape: [...tensor.shape], data: tensor.data.slice() })

function wireField(field: ReturnType<typeof receptiveFields>[number]): WireReceptiveField | null {
  return field.box ? { size: [...field.size], jump: [...field.jump], start: [...field.start] } : null
}

export async function runStack(
  input: Tensor,
  request: StackComputeRequest,
  kernel: ConvKernel,
  isStale: () => boolean = () => false,
): Promise<{ result: StackComputeResult; kept: KeptStack }> {
  const started = performance.now()
  const layers: readonly Layer[] = request.layers
  const run = kernel.stack ?? scalarStack
  const seed = request.gradient
  const plan = boundedPlan(layers, input.shape, seed !== undefined)
  const refusedAt = plan.plans.length

  // forward through every layer that fits
  const computed: LayerForward[] = []
  let current = input
  for (let index = 0; index < plan.plans.length; index++) {
    const result = await layerForwardAsync(layers[index], plan.plans[index], current, run)
    if (isStale()) throw new Superseded()
    computed.push(result)
    current = result.output
  }
  const forward: StackForward = { plan, input, layers: computed, output: current, failure: plan.failure }

  // backward from the seed, when it lies within the computed layers
  const gradOutputs: Array<Tensor | null> = computed.map(() => null)
  const gradWeights: Array<Tensor | null> = computed.map(() => null)
  const gradBiases: Array<Tensor | null> = computed.map(() => null)
  let gradInput: Tensor | null = null
  let loss: number | undefined
  const reachable = seed && (seed.kind === 'output' ? !plan.failure : seed.layer < refusedAt || !plan.failure)
  if (seed && reachable) {
    let start: { from: number; grad: Tensor }
    if (seed.kind === 'output') {
      const upstream = upstreamGradient(seed.gradOutput, current)
      loss = upstream.loss
      start = startGradient(forward, { kind: 'output', gradOutput: upstream.gradOutput })
    } else {
      start = startGradient(forward, { kind: 'unit', layer: seed.layer, unit: seed.unit })
    }
    // a unit's gradient is its effective receptive field: dE/dx alone, about half the work
    const withWeights = seed.kind === 'output'
    let grad = start.grad
    for (let index = start.from; index >= 0; index--) {
      gradOutputs[index] = grad
      const x = index === 0 ? input : computed[index - 1].output
      const result = await layerBackwardAsync(layers[index], plan.plans[index], x, computed[index], grad, run, withWeights)
      if (isStale()) throw new Superseded()
      gradWeights[index] = result.gradWeight
      gradBiases[index] = result.gradBias
      grad = result.gradInput
    }
    gradInput = grad
  }

  const maxSide = request.display.maxSide
  const fields = receptiveFields(layers, plan)
  const results: StackLayerResult[] = computed.map((layer, index) => {
    const entry: StackLayerResult = {
      type: layers[index].type,
      output: toMapStack(layer.output, maxSide),
      receptiveField: wireField(fields[index]),
    }
    const gradOutput = gradOutputs[index]
    if (gradOutput) entry.gradOutput = toMapStack(gradOutput, maxSide)
    const gradWeight = gradWeights[index]
    if (gradWeight) {
      entry.gradWeight = exactPayload(gradWeight)
      const gradBias = gradBiases[index]
      entry.gradBias = gradBias ? exactPayload(gradBias) : null
    }
    if (layer.indices && layer.indices.length <= STACK_EXACT_INDICES) {
      entry.indices = { shape: [...layer.output.shape], data: Float64Array.from(layer.indices) }
    }
    return entry
  })
  const result: StackComputeResult = {
    requestId: request.requestId,
    inputShape: [input.shape[0], input.shape[1], input.shape[2], input.shape[3]],
    layers: results,
    kernel: kernel.name,
    timings: { computeMs: 0 },
  }
  if (plan.failure) result.refused = refusalOf(plan.failure, refusedAt)
  if (gradInput) result.gradInput = toMapStack(gradInput, maxSide)
  if (loss !== undefined) result.loss = loss
  result.timings.computeMs = performance.now() - started
  const kept: KeptStack = {
    requestId: request.requestId,
    input,
    outputs: computed.map((layer) => layer.output),
    gradOutputs,
    gradInput,
    indices: computed.map((layer) => layer.indices ?? null),
  }
  return { result, kept }
}

/** Buffers of a stack result that can be moved (not copied) to the other thread. */
export function stackTransferables(result: StackComputeResult): ArrayBuffer[] {
  const maps = [result.gradInput, ...result.layers.flatMap((layer) => [layer.output, layer.gradOutput])].filter((m) => m !== undefined)
  const buffers: ArrayBufferLike[] = maps.flatMap((m) => [m.data.buffer, m.min.buffer, m.max.buffer, m.nonFinite.buffer])
  for (const layer of result.layers) {
    for (const payload of [layer.gradWeight, layer.gradBias, layer.indices]) if (payload) buffers.push(payload.data.buffer)
  }
  return [...new Set(buffers)] as ArrayBuffer[]
}
