// One compute request: forward, and backward when an upstream gradient is asked for, through
// the pluggable kernel. `isStale` is asked between the passes so superseded work stops early.
// `spare` is an earlier result no one reads any more: its arrays take the new values.

import type { ConvGeometry, Tensor } from '../../core'
import { ConvolabError, outputShape, sumPerChannel } from '../../core'
import type { ComputeRequest, ComputeResult, MapStack } from '../../contract'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'
import { toMapStack } from './map-stack'

/** The exact tensors of the last result, kept for probes (settle() gives them once the maps are sent). */
export interface ExactTensors {
  requestId: number
  geometry: ConvGeometry
  input: Tensor
  output: Tensor
  gradInput?: Tensor
  gradOutput?: Tensor
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
  spare: ExactTensors | null = null,
): Promise<{ result: ComputeResult; settle: () => ExactTensors }> {
  const started = performance.now()
  const { weight, options } = request
  const bias = request.bias ? { shape: request.bias.shape, data: request.bias.data } : null
  const expectedChannels = weight.shape[1] * (options.groups ?? 1)
  if (input.shape[1] !== expectedChannels) {
    throw new ConvolabError('input-channels', { got: input.shape[1], expected: expectedChannels })
  }
  const maxSide = request.display.maxSide
  const into = { output: spare?.output.data, stableInput: true }
  // The WebAssembly kernels make the output's maps in their memory as they run, and y is read
  // back from there once the maps are sent (settle) unless a backward pass needs it now; other
  // kernels hand y over and its maps are made here.
  const forward = kernel.forwardWithMaps
    ? await kernel.forwardWithMaps(input, weight, bias, options, maxSide, into)
    : await Promise.resolve(kernel.forward(input, weight, bias, options, into)).then(({ output, geometry }) => ({
        geometry,
        maps: null,
        readOutput: () => output,
      }))
  if (isStale()) throw new Superseded()
  const { geometry, maps, readOutput } = forward
  const exact = (output: Tensor): ExactTensors => ({ requestId: request.requestId, geometry, input, output })
  // y itself is read back now only when the upstream gradient is made from it (MSE) or there are
  // no kernel-made maps; otherwise after the answer (settle), the backward pass leaving it in place
  const output = request.gradOutput?.kind === 'mse' || !maps ? readOutput() : null
  const shapeOnly: Tensor = { shape: outputShape(geometry), data: new Float64Array(0) }
  const upstream = request.gradOutput ? upstreamGradient(request.gradOutput, output ?? shapeOnly) : null
  // A kernel on its own threads computes the gradients while this thread makes the output's
  // maps; a kernel on this thread has finished them by the time backward() returns.
  // dE/db of the remembered ones / N(0,1) gradient is the same on every change: summed once
  const fixed = request.gradOutput?.kind === 'ones' || request.gradOutput?.kind === 'random'
  const knownBias = upstream && fixed && bias ? fixedBiasGradient(upstream.gradOutput, geometry) : null
  const intoGrads = { gradInput: spare?.gradInput?.data, stableInput: true, knownGradBias: knownBias !== null }
  // the WebAssembly kernels make dE/dx's maps in their memory too where they can
  const backward = upstream
    ? kernel.backwardWithMaps
      ? kernel.backwardWithMaps(input, weight, bias, upstream.gradOutput, options, maxSide, intoGrads)
      : Promise.resolve(kernel.backward(input, weight, bias, upstream.gradOutput, options, intoGrads)).then((grads) => ({ ...grads, gradInputMaps: null }))
    : null
  backward?.catch(() => undefined) // awaited below; a failure must not go unhandled meanwhile
  const result: ComputeResult = {
    requestId: request.requestId,
    geometry,
    output: maps ? { shape: [...outputShape(geometry)], ...maps } : toMapStack(output ?? readOutput(), maxSide),
    kernel: kernel.name,
    timings: { computeMs: 0 },
  }
  if (backward && upstream && request.gradOutput) {
    const { gradOutput, loss } = upstream
    const gradients = await backward
    if (isStale()) throw new Superseded()
    result.gradInput = gradients.gradInputMaps
      ? { shape: mapShape(gradients.gradInput.shape), ...gradients.gradInputMaps }
      : toMapStack(gradients.gradInput, maxSide)
    result.gradWeight = { shape: [...gradients.gradWeight.shape], data: gradients.gradWeight.data }
    const gradBias = gradients.gradBias ?? (knownBias && bias ? { shape: bias.shape, data: knownBias.slice() } : null)
    result.gradBias = gradBias ? { shape: [...gradBias.shape], data: gradBias.data } : null
    result.gradOutput = fixed ? fixedGradientMaps(gradOutput, maxSide) : toMapStack(gradOutput, maxSide)
    if (loss !== undefined) result.loss = loss
    result.timings.computeMs = performance.now() - started
    return { result, settle: () => ({ ...exact(output ?? readOutput()), gradInput: gradients.gradInput, gradOutput }) }
  }
  result.timings.computeMs = performance.now() - started
  return { result, settle: () => exact(output ?? readOutput()) }
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
