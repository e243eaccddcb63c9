// One computeStack request: forward through every layer that fits (core's stack, its Conv2d
// layers on the engine's fast kernels), backward from the seed, and every layer's display maps.
// A layer that cannot take its input (or would take the stack past the memory bound) is the
// refusal; the layers before it are still computed and returned. `isStale` is asked between
// layers so superseded work stops early. The exact tensors stay in the worker for probeStack.

import type { AsyncStackKernels, ConvGeometry, Layer, LayerForward, LayerGradients, LayerPlan, Scratch, StackForward, StackPlan, Tensor } from '../../core'
import {
  activationBackward,
  activationForward,
  ConvolabError,
  formatShape,
  layerBackwardAsync,
  layerForwardAsync,
  planStack,
  receptiveFields,
  sizeOf,
  startGradient,
  sumPerChannel,
  TORCH_CLASS,
} from '../../core'
import type { PlaneMaps } from '../../core/fast'
import { scalarKernels } from '../../core/fast'
import { formatMessage } from '../../messages'
import type { MapStack, StackComputeRequest, StackComputeResult, StackLayerResult, StackRefusal, TensorPayload, WireReceptiveField } from '../../contract'
import { fixedGradientMaps, Superseded } from './compute'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'
import { toMapStack } from './map-stack'
import type { KeptForward } from './stack-reuse'
import { copyMaps, reusableLayers, spareMaps } from './stack-reuse'
import { reluBackwardWithMaps, reluForwardWithMaps } from './stack-relu-maps'

/**
 * Most float64 values one stack result holds: every layer's output, and with a backward pass
 * every dE/dy and dE/dx too (2^27 values, 1 GiB). A 512×512 photo through 8 layers of 16
 * channels with its gradients is 68 M values and fits. A layer that would go past the bound is
 * refused (code 'stack-memory', saying how much it would take) and the layers before it are
 * computed: a 2048×2048 photo through 16-channel layers computes two of them forward only, and
 * none with gradients (the first one's output and dE/dy are already 1 GiB), instead of
 * exhausting the machine. The kernels' own memory (about the largest layer's input and output)
 * comes on top.
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
  /** The arrays this run made (not the input, not the seed's dE/dy): the next run may write into them. */
  owned: Float64Array[]
  /** The forward pass, for the next stack on the same input with the same first layers. */
  forward: KeptForward
}

/**
 * Arrays of an earlier stack result no one reads any more, handed out by length (see core's
 * Scratch). Only as many of each length as this run can write are kept; the others are let go
 * before it computes, so the two results' values never add up.
 */
export function spareArrays(arrays: readonly Float64Array[], plan: StackPlan, withGradients: boolean): Scratch {
  const wanted = new Map<number, number>()
  const want = (shape: readonly number[], times: number): void => {
    const length = sizeOf(shape)
    wanted.set(length, (wanted.get(length) ?? 0) + times)
  }
  for (const layer of plan.plans) want(layer.outputShape, withGradients ? 2 : 1)
  if (withGradients) want(plan.inputShape, 1)
  const byLength = new Map<number, Float64Array[]>()
  for (const array of arrays) {
    const same = byLength.get(array.length) ?? []
    if (same.length < (wanted.get(array.length) ?? 0)) byLength.set(array.length, [...same, array])
  }
  return (length) => byLength.get(length)?.pop()
}

/**
 * Display maps of tensors, made when there is time (drain) or when asked for (of); and other
 * work that can wait for the kernel threads (tasks, run first at the next drain).
 */
class MapQueue {
  private readonly queued: Tensor[] = []
  private readonly tasks: Array<() => void> = []
  private readonly made = new Map<Tensor, MapStack>()

  constructor(readonly maxSide: number) {}

  add(tensor: Tensor): void {
    if (!this.made.has(tensor) && !this.queued.includes(tensor)) this.queued.push(tensor)
  }

  /** Work whose result is read after the next drain. */
  task(work: () => void): void {
    this.tasks.push(work)
  }

  set(tensor: Tensor, maps: MapStack): void {
    this.made.set(tensor, maps)
  }

  drain(): void {
    for (const work of this.tasks.splice(0)) work()
    for (const tensor of this.queued.splice(0)) if (!this.made.has(tensor)) this.made.set(tensor, toMapStack(tensor, this.maxSide))
  }

  has(tensor: Tensor): boolean {
    return this.made.has(tensor)
  }

  of(tensor: Tensor): MapStack {
    let maps = this.made.get(tensor)
    if (!maps) this.made.set(tensor, (maps = toMapStack(tensor, this.maxSide)))
    return maps
  }
}

/**
 * A ReLU layer's forward with the maps of its input and output made in the same pass (see
 * stack-relu-maps.ts); core's loop and later maps for an input with NaN or ±∞, or whose maps
 * are made already.
 */
function reluForward(x: Tensor, plan: LayerPlan, maps: MapQueue, spare: Scratch): LayerForward {
  const length = sizeOf(plan.outputShape)
  const data = spare(length) ?? new Float64Array(length)
  const output = { shape: plan.outputShape, data }
  const fused = maps.has(x) ? null : reluForwardWithMaps(x, data, maps.maxSide)
  if (!fused) return { output: { shape: plan.outputShape, data: activationForward('relu', x.data, undefined, data) } }
  maps.set(x, fused.inputMaps)
  maps.set(output, fused.outputMaps)
  return { output }
}

/** A ReLU layer's dE/dx with the maps of its dE/dy and dE/dx made in the same pass. */
function reluBackward(
  gradOutput: Tensor,
  x: Tensor,
  forward: LayerForward,
  plan: LayerPlan,
  maps: MapQueue,
  spare: Scratch,
  sums: Map<Tensor, Float64Array>,
): LayerGradients {
  const length = sizeOf(plan.inputShape)
  const data = spare(length) ?? new Float64Array(length)
  const gradInput = { shape: plan.inputShape, data }
  const fused = reluBackwardWithMaps(gradOutput, forward.output.data, data, maps.maxSide)
  if (fused) {
    if (!maps.has(gradOutput)) maps.set(gradOutput, fused.gradOutputMaps)
    maps.set(gradInput, fused.gradInputMaps)
    sums.set(gradInput, fused.channelSums)
  } else {
    activationBackward('relu', gradOutput.data, x.data, forward.output.data, 0, data)
  }
  return { gradInput, gradWeight: null, gradBias: null }
}

/** dE/db of the remembered ones / N(0,1) dE/dy: the same tensor on every change, summed once. */
let fixedSums: { tensor: Tensor; sums: Float64Array } | null = null

/** A Conv2d's dE/db: core's sum of dE/dy per channel (worked out once for the remembered dE/dy). */
function channelSums(gradOutput: Tensor, geometry: ConvGeometry, fixedSeed: Tensor | null): Float64Array {
  if (gradOutput !== fixedSeed) return sumPerChannel(gradOutput.data, geometry)
  if (fixedSums?.tensor !== gradOutput) fixedSums = { tensor: gradOutput, sums: sumPerChannel(gradOutput.data, geometry) }
  return fixedSums.sums.slice()
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
  return { layer, code: failure.code, params: failure.params, message: formatMessage(failure.code, failure.params, 'en') }
}

/** Maps made on the kernel threads, with the shape of their tensor. */
function withShape(tensor: Tensor, planeMaps: PlaneMaps): MapStack {
  const [batch, channels, height, width] = tensor.shape
  return { shape: [batch, channels, height, width], ...planeMaps }
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
  earlier: Pick<KeptStack, 'owned' | 'forward'> | null = null,
): Promise<{ result: StackComputeResult; kept: KeptStack }> {
  const started = performance.now()
  const layers: readonly Layer[] = request.layers
  const run = kernel.stack ?? scalarStack
  kernel.stack?.begin?.()
  // this stack's arrays may be an earlier one's, written again: nothing packed before counts,
  // and no kernel thread of a stopped stack may still be writing into them
  await run.conv.forget?.()
  const seed = request.gradient
  const plan = boundedPlan(layers, input.shape, seed !== undefined)
  const refusedAt = plan.plans.length
  // the first layers the last stack computed just so are taken as they are; the arrays of the
  // rest of it take this one's values
  const reused = reusableLayers(earlier?.forward ?? null, input, layers, refusedAt)
  const kept = new Set(earlier?.forward.outputs.slice(0, reused).map((layer) => layer.output.data))
  const spare = spareArrays(earlier?.owned.filter((array) => !kept.has(array)) ?? [], plan, seed !== undefined)

  // The display maps (and each Conv2d's dE/db) are made while the kernel threads compute a
  // Conv2d layer. A layer computed on this thread (an activation, a pool, a small convolution)
  // is done by the time its step starts: making maps then would only delay the next layer's
  // kernels, so they wait for the next Conv2d (or the end).
  const maps = new MapQueue(request.display.maxSide)
  const step = async <T>(work: Promise<T>, threaded: boolean): Promise<T> => {
    if (threaded) {
      // the runner posts its work to the kernel threads a few microtasks on: let it, then make maps
      await new Promise((resolve) => setImmediate(resolve))
      maps.drain()
    }
    const done = await work
    if (isStale()) throw new Superseded()
    return done
  }
  // a Conv2d runs on the kernel threads when the kernel has them (kernel.stack)
  const threaded = (layer: Layer): boolean => kernel.stack !== undefined && layer.type === 'conv2d'
  const maxSide = request.display.maxSide
  // a threaded Conv2d whose maps (and the ReLU after it) the kernel threads make; null: made here
  const mappedForward = (index: number, x: Tensor) => {
    const [layer, layerPlan] = [layers[index], plan.plans[index]]
    if (!threaded(layer) || layer.type !== 'conv2d' || layerPlan.type !== 'conv2d' || !run.conv.forwardMapped) return null
    const relu = layers[index + 1]?.type === 'relu' && index + 1 < plan.plans.length
    // the Conv2d after the ReLU finds relu(y) packed as its input
    const following = relu ? plan.plans[index + 2] : undefined
    const next = following?.type === 'conv2d' && layers[index + 2].type === 'conv2d' ? following.geometry : undefined
    const length = sizeOf(layerPlan.outputShape)
    const into = { output: spare(length), relu: relu ? spare(length) : undefined }
    return run.conv.forwardMapped(x.data, layer.weight.data, layer.bias?.data ?? null, layerPlan.geometry, maxSide, relu, into, next)
  }

  // forward through every layer that fits
  const computed: LayerForward[] = []
  let current = input
  for (let index = 0; index < plan.plans.length; index++) {
    const layerPlan = plan.plans[index]
    let result: LayerForward
    if (index < reused) result = earlier!.forward.outputs[index]
    else if (layers[index].type === 'relu' && index > 0) {
      result = reluForward(current, layerPlan, maps, spare)
      if (isStale()) throw new Superseded()
    } else {
      const mapped = mappedForward(index, current)
      if (mapped) {
        const done = await step(mapped, true)
        const output = { shape: layerPlan.outputShape, data: done.output.data }
        computed.push({ output })
        maps.set(output, withShape(output, done.output.maps))
        current = output
        if (done.relu) {
          // the ReLU after it, computed on the kernel threads too
          index++
          const activated = { shape: plan.plans[index].outputShape, data: done.relu.data }
          computed.push({ output: activated })
          maps.set(activated, withShape(activated, done.relu.maps))
          current = activated
        }
        continue
      }
      result = await step(layerForwardAsync(layers[index], layerPlan, current, run, spare), threaded(layers[index]))
    }
    computed.push(result)
    if (index < reused && earlier!.forward.maxSide === request.display.maxSide) maps.set(result.output, copyMaps(earlier!.forward.maps[index]))
    else maps.add(result.output)
    current = result.output
  }
  const forward: StackForward = { plan, input, layers: computed, output: current, failure: plan.failure }

  // backward from the seed, when it lies within the computed layers
  const gradOutputs: Array<Tensor | null> = computed.map(() => null)
  const gradWeights: Array<Tensor | null> = computed.map(() => null)
  const gradBiases: Array<Tensor | null> = computed.map(() => null)
  let gradInput: Tensor | null = null
  let seedGradient: Tensor | null = null
  let loss: number | undefined
  // the remembered ones / N(0,1) dE/dy, the same tensor on every change
  let fixedSeed: Tensor | null = null
  const reachable = seed && (seed.kind === 'output' ? !plan.failure : seed.layer < refusedAt || !plan.failure)
  if (seed && reachable) {
    let start: { from: number; grad: Tensor }
    if (seed.kind === 'output') {
      const upstream = upstreamGradient(seed.gradOutput, current)
      loss = upstream.loss
      start = startGradient(forward, { kind: 'output', gradOutput: upstream.gradOutput })
      // the remembered ones / N(0,1) tensor is the same on every change: its maps are made once
      const fixed = seed.gradOutput.kind === 'ones' || seed.gradOutput.kind === 'random'
      if (fixed) {
        maps.set(start.grad, fixedGradientMaps(start.grad, request.display.maxSide))
        fixedSeed = start.grad
      }
    } else {
      start = startGradient(forward, { kind: 'unit', layer: seed.layer, unit: seed.unit })
    }
    // a hovered unit's gradient is its effective receptive field: dE/dx alone, about half the
    // work; dE/dw and dE/db only when the request asks for them
    const withWeights = seed.kind === 'output' || seed.weights === true
    let grad = start.grad
    seedGradient = grad
    // dE/dy summed per channel by a fused ReLU pass: the Conv2d before it takes it as its dE/db
    const knownSums = new Map<Tensor, Float64Array>()
    for (let index = start.from; index >= 0; index--) {
      gradOutputs[index] = grad
      maps.add(grad)
      const x = index === 0 ? input : computed[index - 1].output
      const layer = layers[index]
      const layerPlan = plan.plans[index]
      // a threaded Conv2d's dE/db is summed here while the kernel threads compute its dE/dx and dE/dw
      let gradBias: Tensor | null = null
      const biasHere = withWeights && threaded(layer) && layer.type === 'conv2d' && layer.bias !== null && layerPlan.type === 'conv2d'
      if (biasHere) {
        const gradOutput = grad
        const known = knownSums.get(gradOutput)
        if (known) gradBias = { shape: [layerPlan.geometry.outChannels], data: known }
        else maps.task(() => (gradBias = { shape: [layerPlan.geometry.outChannels], data: channelSums(gradOutput, layerPlan.geometry, fixedSeed) }))
      }
      // a threaded Conv2d with the maps of its dE/dx (and the dE/dx of a ReLU before it) made on the kernel threads
      const reluBefore = index > 0 && layers[index - 1].type === 'relu'
      const mapped =
        threaded(layer) && layer.type === 'conv2d' && layerPlan.type === 'conv2d' && run.conv.backwardMapped
          ? run.conv.backwardMapped(
              x.data,
              layer.weight.data,
              grad.data,
              layerPlan.geometry,
              { input: true, weight: withWeights, bias: withWeights && !biasHere },
              maxSide,
              reluBefore,
              { gradInput: spare(sizeOf(layerPlan.inputShape)), relu: reluBefore ? spare(sizeOf(layerPlan.inputShape)) : undefined },
            )
          : null
      if (mapped && layer.type === 'conv2d') {
        const done = await step(mapped, true)
        gradWeights[index] = done.gradWeight ? { shape: [...layer.weight.shape], data: done.gradWeight as Float64Array } : null
        gradBiases[index] = biasHere ? gradBias : done.gradBias ? { shape: [layer.weight.shape[0]], data: done.gradBias as Float64Array } : null
        grad = { shape: layerPlan.inputShape, data: done.gradInput }
        maps.set(grad, withShape(grad, done.gradInputMaps))
        if (done.relu) {
          // the ReLU before it: its dE/dy is this dE/dx, its dE/dx came from the kernel threads
          index--
          gradOutputs[index] = grad
          grad = { shape: plan.plans[index].inputShape, data: done.relu.data }
          maps.set(grad, withShape(grad, done.relu.maps))
          // summed per channel on the kernel threads: a Conv2d before the ReLU takes it as its dE/db
          knownSums.set(grad, done.relu.channelSums)
        }
        continue
      }
      const result =
        layer.type === 'relu'
          ? reluBackward(grad, x, computed[index], layerPlan, maps, spare, knownSums)
          : await step(layerBackwardAsync(layer, layerPlan, x, computed[index], grad, run, withWeights, spare, biasHere), threaded(layer))
      if (layer.type === 'relu' && isStale()) throw new Superseded()
      gradWeights[index] = result.gradWeight
      gradBiases[index] = biasHere ? gradBias : result.gradBias
      grad = result.gradInput
    }
    gradInput = grad
  }

  const fields = receptiveFields(layers, plan)
  const results: StackLayerResult[] = computed.map((layer, index) => {
    const entry: StackLayerResult = {
      type: layers[index].type,
      output: maps.of(layer.output),
      receptiveField: wireField(fields[index]),
    }
    const gradOutput = gradOutputs[index]
    if (gradOutput) entry.gradOutput = maps.of(gradOutput)
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
    kernel: kernel.stack?.name ?? kernel.name,
    timings: { computeMs: 0 },
  }
  if (plan.failure) result.refused = refusalOf(plan.failure, refusedAt)
  if (gradInput) result.gradInput = maps.of(gradInput)
  if (loss !== undefined) result.loss = loss
  result.timings.computeMs = performance.now() - started
  // the seed's dE/dy may be the request's, or the remembered ones / N(0,1) tensor: never reused
  const made = [...computed.map((layer) => layer.output), ...gradOutputs, gradInput].filter((t): t is Tensor => t !== null && t !== seedGradient && t !== input)
  // copies of the outputs' maps for the next stack (the sent ones move to the other thread)
  const sameSide = earlier?.forward.maxSide === request.display.maxSide
  // the earlier copies this run does not keep take the new values
  const spareCopies = spareMaps(earlier?.forward.maps.filter((_, index) => !(index < reused && sameSide)) ?? [])
  const forwardMaps = computed.map((layer, index) => {
    if (index < reused && sameSide) return earlier!.forward.maps[index]
    const sent = maps.of(layer.output)
    return copyMaps(sent, spareCopies(sent.data.length))
  })
  const keep: KeptStack = {
    requestId: request.requestId,
    input,
    outputs: computed.map((layer) => layer.output),
    gradOutputs,
    gradInput,
    indices: computed.map((layer) => layer.indices ?? null),
    owned: [...new Set(made.map((t) => t.data))].filter((data) => data !== input.data),
    forward: { input, layers, outputs: computed, maxSide: request.display.maxSide, maps: forwardMaps },
  }
  return { result, kept: keep }
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
