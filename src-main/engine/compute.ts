// One compute request: forward, and backward when an upstream gradient is asked for, through
// the pluggable kernel. `isStale` is asked between the passes so superseded work stops early.
// `spare` is an earlier result no one reads any more: its arrays take the new values. `kept`
// holds what a change of the bias alone leaves as it was (kept-sums.ts).

import type { ConvGeometry, Tensor } from '../../core'
import { ConvolabError, outputShape, sumPerChannel } from '../../core'
import type { ComputeRequest, ComputeResult, MapStack, TensorPayload } from '../../contract'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'
import type { Kept, KeptSums } from './kept-sums'
import { addBias, copyOfMaps, matchingGradients, matchingSums, matchingWeightGradients, shiftedMaps, sumsKey, upstreamKey } from './kept-sums'
import { boxFactor, toMapStack } from './map-stack'

/** The exact tensors of the last result, kept for probes (settle() gives them once the maps are sent). */
export interface ExactTensors {
  requestId: number
  geometry: ConvGeometry
  input: Tensor
  /** y, made from the kept sums on its first read (a probe, a region), not on every change. */
  readonly output: Tensor
  gradInput?: Tensor
  gradOutput?: Tensor
  /** The arrays this result holds, for a later compute to write into once no probe reads it. */
  arrays(): SpareArrays
}

/** Arrays of an earlier result no one reads any more (y's only if it was made). */
export interface SpareArrays {
  output?: Float64Array
  gradInput?: Float64Array
}

export class Superseded extends Error {
  constructor() {
    super('superseded by a newer request')
  }
}

export async function runCompute(
  input: Tensor,
  request: ComputeRequest,
  kernel: ConvKernel,
  isStale: () => boolean = () => false,
  spare: SpareArrays = {},
  kept: Kept = { sums: null, gradients: null, weightGradients: null },
): Promise<{ result: ComputeResult; settle: () => ExactTensors }> {
  const started = performance.now()
  const { weight, options } = request
  const bias = request.bias ? { shape: request.bias.shape, data: request.bias.data } : null
  const expectedChannels = weight.shape[1] * (options.groups ?? 1)
  if (input.shape[1] !== expectedChannels) {
    throw new ConvolabError('input-channels', { got: input.shape[1], expected: expectedChannels })
  }
  const maxSide = request.display.maxSide
  // y = Σ w·x + b is always made as the kernel's sums plus b (one add), so a change of the bias
  // alone reuses the sums (and their maps) and gives the same numbers a full compute would
  const key = sumsKey(request.inputId, options, maxSide, bias ? bias.data.length : null)
  let sums = matchingSums(kept.sums, key, input, weight.data)
  const reusedSums = sums !== null
  const changed = sums ? null : changedChannels(kept.sums, key, input, request)
  const refreshed = changed && kernel.forwardWithMaps ? changed : null
  if (!sums)
    sums = refreshed ? await refreshChannels(kept.sums!, refreshed, input, request, kernel, kept) : await keepSums(input, request, bias, kernel, kept, key)
  if (isStale()) throw new Superseded()
  const { geometry } = sums
  const shape = outputShape(geometry)
  let y: Float64Array | null = null
  const keptSums = sums
  const makeOutput = (): Tensor => {
    y ??= addBias(keptSums.read(), bias?.data ?? null, geometry, spare.output)
    return { shape, data: y }
  }
  const factor = boxFactor(geometry.outH, geometry.outW, maxSide)
  const shifted = shiftedMaps(sums.maps, bias?.data ?? null, geometry.outChannels, factor)
  const result: ComputeResult = {
    requestId: request.requestId,
    geometry,
    output: shifted ? { shape: [...shape], ...shifted } : toMapStack(makeOutput(), maxSide),
    kernel: kernel.name,
    timings: { computeMs: 0 },
  }
  const exact = (gradients?: { gradInput: Tensor; gradOutput: Tensor }): ExactTensors => {
    // the sums leave kernel memory now, y only when read
    keptSums.read()
    return {
      requestId: request.requestId,
      geometry,
      input,
      get output() {
        return makeOutput()
      },
      ...gradients,
      arrays: () => ({ output: y ?? undefined, gradInput: gradients?.gradInput.data }),
    }
  }
  const spec = request.gradOutput
  if (!spec) {
    result.timings = timings(started, reusedSums ? 'sums' : undefined, refreshed)
    // y itself is made after the answer (settle)
    return { result, settle: () => exact() }
  }
  const keptGradients = matchingGradients(kept.gradients, sums, spec)
  if (keptGradients) {
    // dE/dy does not depend on y and the sums are the same: so is every gradient
    result.gradInput = copyOfMaps(keptGradients.gradInputMaps)
    result.gradWeight = copyOfTensor(keptGradients.gradWeight)
    result.gradBias = keptGradients.gradBias && copyOfTensor(keptGradients.gradBias)
    result.gradOutput = copyOfMaps(keptGradients.gradOutputMaps)
    result.timings = timings(started, 'sums and gradients')
    return { result, settle: () => exact({ gradInput: keptGradients.gradInput, gradOutput: keptGradients.gradOutput }) }
  }
  kept.gradients = null
  // y itself is made now only when the upstream gradient is made from it (MSE)
  const shapeOnly: Tensor = { shape, data: new Float64Array(0) }
  const upstream = upstreamGradient(spec, spec.kind === 'mse' ? makeOutput() : shapeOnly)
  // dE/db of the remembered ones / N(0,1) gradient is the same on every change: summed once
  const fixed = spec.kind === 'ones' || spec.kind === 'random'
  const knownBias = fixed && bias ? fixedBiasGradient(upstream.gradOutput, geometry) : null
  // dE/dw and dE/db do not depend on w either: a weight change computes dE/dx alone
  const keptWeight = matchingWeightGradients(kept.weightGradients, key, input, spec)
  const intoGrads = { gradInput: spare.gradInput, stableInput: true, knownGradBias: knownBias !== null, knownGradWeight: keptWeight !== null }
  // the WebAssembly kernels make dE/dx's maps in their memory too where they can
  const gradients = await (kernel.backwardWithMaps
    ? kernel.backwardWithMaps(input, weight, bias, upstream.gradOutput, options, maxSide, intoGrads)
    : Promise.resolve(kernel.backward(input, weight, bias, upstream.gradOutput, options, intoGrads)).then((grads) => ({ ...grads, gradInputMaps: null })))
  if (isStale()) throw new Superseded()
  const { gradOutput, loss } = upstream
  result.gradInput = gradients.gradInputMaps
    ? { shape: mapShape(gradients.gradInput.shape), ...gradients.gradInputMaps }
    : toMapStack(gradients.gradInput, maxSide)
  if (keptWeight) {
    result.gradWeight = copyOfTensor(keptWeight.gradWeight)
    result.gradBias = keptWeight.gradBias && copyOfTensor(keptWeight.gradBias)
  } else {
    result.gradWeight = { shape: [...gradients.gradWeight.shape], data: gradients.gradWeight.data }
    const gradBias = gradients.gradBias ?? (knownBias && bias ? { shape: bias.shape, data: knownBias.slice() } : null)
    result.gradBias = gradBias ? { shape: [...gradBias.shape], data: gradBias.data } : null
  }
  result.gradOutput = fixed ? fixedGradientMaps(gradOutput, maxSide) : toMapStack(gradOutput, maxSide)
  if (loss !== undefined) result.loss = loss
  const upstreamName = upstreamKey(spec)
  if (upstreamName !== null && !keptWeight) {
    kept.weightGradients = {
      key,
      input,
      upstreamKey: upstreamName,
      gradOutput,
      gradWeight: copyOfTensor(result.gradWeight),
      gradBias: result.gradBias && copyOfTensor(result.gradBias),
    }
  }
  if (upstreamName !== null) {
    // kept as copies: the answer's buffers move to the other thread
    kept.gradients = {
      sums,
      upstreamKey: upstreamName,
      gradOutput,
      gradInput: gradients.gradInput,
      gradInputMaps: copyOfMaps(result.gradInput),
      gradWeight: copyOfTensor(result.gradWeight),
      gradBias: result.gradBias && copyOfTensor(result.gradBias),
      gradOutputMaps: copyOfMaps(result.gradOutput),
    }
  }
  result.timings = timings(started, reusedSums ? 'sums' : keptWeight ? 'weight gradients' : undefined, refreshed)
  return { result, settle: () => exact({ gradInput: gradients.gradInput, gradOutput }) }
}

/**
 * Runs the convolution without its bias (zeros of the bias's length, so the geometry is the
 * request's) and keeps the sums and their maps. The WebAssembly kernels make the maps in their
 * memory as they run and the sums are read back from there after the answer (settle); other
 * kernels hand the sums over and their maps are made here.
 */
async function keepSums(input: Tensor, request: ComputeRequest, bias: Tensor | null, kernel: ConvKernel, kept: Kept, key: string): Promise<KeptSums> {
  const { weight, options } = request
  const maxSide = request.display.maxSide
  // a new array: the last result may still make its y from the sums no longer kept (a probe
  // while this compute is superseded)
  const into = { stableInput: true }
  kept.sums = null
  kept.gradients = null
  const zeros = bias ? { shape: bias.shape, data: new Float64Array(bias.data.length) } : null
  const forward = kernel.forwardWithMaps
    ? await kernel.forwardWithMaps(input, weight, zeros, options, maxSide, into)
    : await Promise.resolve(kernel.forward(input, weight, zeros, options, into)).then(({ output, geometry }) => {
        const { shape: _shape, ...maps } = toMapStack(output, maxSide)
        return { geometry, maps, readOutput: () => output }
      })
  const sums: KeptSums = {
    key,
    input,
    weight: weight.data.slice(),
    geometry: forward.geometry,
    maps: forward.maps,
    data: null,
    read: () => (sums.data ??= forward.readOutput().data),
  }
  kept.sums = sums
  return sums
}

/**
 * The output channels whose kernels changed, when the kept sums are this request's in all else
 * and few changed (one group; a kernel cell edited): null otherwise. Only their sums are computed
 * again, each as a convolution of one output channel, which gives that channel's sums exactly
 * as the whole convolution does.
 */
function changedChannels(kept: KeptSums | null, key: string, input: Tensor, request: ComputeRequest): number[] | null {
  if (!kept || kept.key !== key || kept.input !== input || (request.options.groups ?? 1) !== 1) return null
  const { shape, data } = request.weight
  if (kept.weight.length !== data.length) return null
  const size = data.length / shape[0]
  const changed: number[] = []
  for (let m = 0; m < shape[0]; m++) {
    for (let k = m * size; k < (m + 1) * size; k++) {
      if (!Object.is(kept.weight[k], data[k])) {
        changed.push(m)
        break
      }
    }
  }
  return changed.length > 0 && changed.length * 2 <= shape[0] ? changed : null
}

/** The kept sums with the changed channels' planes (and their maps) computed again, in place (the old planes kept aside). */
async function refreshChannels(old: KeptSums, channels: number[], input: Tensor, request: ComputeRequest, kernel: ConvKernel, kept: Kept): Promise<KeptSums> {
  const data = old.read()
  kept.sums = null
  kept.gradients = null
  const { weight, options } = request
  const [outChannels, inChannels, kernelH, kernelW] = weight.shape
  const size = inChannels * kernelH * kernelW
  const { geometry, maps } = old
  const plane = geometry.outH * geometry.outW
  const shown = maps.displayH * maps.displayW
  // the result before this one may still make its y from these sums (a probe while this compute
  // is superseded): it gets them back as they were
  const before = channels.map((m) =>
    Array.from({ length: geometry.batch }, (_, n) => data.slice((n * outChannels + m) * plane, (n * outChannels + m + 1) * plane)),
  )
  old.data = null
  old.read = () => {
    if (old.data) return old.data
    const copy = data.slice()
    channels.forEach((m, i) => before[i].forEach((values, n) => copy.set(values, (n * outChannels + m) * plane)))
    return (old.data = copy)
  }
  const zero = request.bias ? { shape: [1], data: new Float64Array(1) } : null
  for (const m of channels) {
    const slice = { shape: [1, inChannels, kernelH, kernelW], data: weight.data.slice(m * size, (m + 1) * size) }
    const one = await kernel.forwardWithMaps!(input, slice, zero, options, request.display.maxSide, { stableInput: true })
    const values = one.readOutput().data
    for (let n = 0; n < geometry.batch; n++) {
      const p = n * outChannels + m
      data.set(values.subarray(n * plane, (n + 1) * plane), p * plane)
      maps.data.set(one.maps.data.subarray(n * shown, (n + 1) * shown), p * shown)
      maps.min[p] = one.maps.min[n]
      maps.max[p] = one.maps.max[n]
      maps.nonFinite[p] = one.maps.nonFinite[n]
    }
  }
  const sums: KeptSums = { ...old, weight: weight.data.slice(), data, read: () => data }
  kept.sums = sums
  return sums
}

function timings(started: number, reused: ComputeResult['timings']['reused'] | undefined, channels?: number[] | null): ComputeResult['timings'] {
  return { computeMs: performance.now() - started, ...(reused ? { reused } : {}), ...(channels ? { channels: channels.length } : {}) }
}

function copyOfTensor(tensor: Tensor): TensorPayload {
  return { shape: [...tensor.shape], data: tensor.data.slice() }
}

/** dE/db (per-channel sums) of the remembered upstream gradient, by tensor; copied by the caller. */
let fixedBias: { tensor: Tensor; sums: Float64Array } | null = null

function fixedBiasGradient(tensor: Tensor, geometry: ConvGeometry): Float64Array {
  if (fixedBias?.tensor !== tensor) fixedBias = { tensor, sums: sumPerChannel(tensor.data, geometry) }
  return fixedBias.sums
}

/**
 * Maps of the remembered ones / N(0,1) upstream gradient (grad-output.ts hands out the same
 * tensor on every change): worked out once, copied for each result because its buffers move to
 * the other thread.
 */
let fixedMaps: { tensor: Tensor; maxSide: number; maps: MapStack } | null = null

export function fixedGradientMaps(tensor: Tensor, maxSide: number): MapStack {
  if (fixedMaps?.tensor !== tensor || fixedMaps.maxSide !== maxSide) fixedMaps = { tensor, maxSide, maps: toMapStack(tensor, maxSide) }
  const { maps } = fixedMaps
  return { ...maps, shape: [...maps.shape], data: maps.data.slice(), min: maps.min.slice(), max: maps.max.slice(), nonFinite: maps.nonFinite.slice() }
}

/** Buffers of a result that can be moved (not copied) to the other thread. */
export function transferablesOf(result: ComputeResult): ArrayBuffer[] {
  const stacks = [result.output, result.gradInput, result.gradOutput].filter((s) => s !== undefined)
  const buffers = stacks.flatMap((s) => [s.data.buffer, s.min.buffer, s.max.buffer, s.nonFinite.buffer])
  if (result.gradWeight) buffers.push(result.gradWeight.data.buffer)
  if (result.gradBias) buffers.push(result.gradBias.data.buffer)
  return [...new Set(buffers)] as ArrayBuffer[]
}

/** An (N, C, H, W) shape as the 4-tuple a MapStack names. */
function mapShape(shape: readonly number[]): [number, number, number, number] {
  return [shape[0], shape[1], shape[2], shape[3]]
}
