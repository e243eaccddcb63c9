// The exact tensors of a family layer's animation, from the engine: the layer as a one-layer
// stack (computeStack) on the input (whole, or the crop a region needs), its output, dE/dy, dE/dx
// and argmaxes read back with probeStack; for ConvTranspose2d also the Conv2d of the same w, for
// the Conv2d ↔ ConvTranspose2d view. The page never convolves: it only crops and reads.

import type { ErrorEnvelope, GradOutputSpec, Result, StackComputeRequest, StackGradientSeed, TensorPayload, Transport, WireLayer } from '../../../../contract'
import type { Region } from '../../../../core/animation-region'
import { ConvolabError } from '../../../../core/errors'
import type { Layer } from '../../../../core/layer'
import { planLayer } from '../../../../core/layer-compute'
import { normalTensor, seededSource } from '../../../../core/random'
import type { SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import { sizeOf } from '../../../../core/tensor'
import type { FamilyLayer, FamilyValues } from '../../../../frames/family-scene'
import type { FamilyPlan } from './family-region'
import { cropTensor, familyAnimatesWhole, familyCrop } from './family-region'

export type FamilySessionLayer = Exclude<SessionLayer, { type: 'conv2d' }>

export interface FamilyRequest {
  layer: FamilySessionLayer
  /** The explorer's whole input. */
  input: Tensor
  /** ConvTranspose2d's weight (C_in, C_out/groups, KH, KW) and bias; unused by the pools. */
  weight: Tensor
  bias: Float64Array | null
  /** The batch item a region is taken from. */
  n: number
  /** The output region wanted on a large input (null: the default one at the centre). */
  region: Region | null
  /** The user's upstream gradient (null: forward only). */
  gradOutput: GradOutputSpec | null
  /** ConvTranspose2d: also the Conv2d of the same w (the Conv2d ↔ ConvTranspose2d view). */
  pair: boolean
}

export interface FamilySource {
  layer: FamilyLayer
  values: FamilyValues
  /** null: the whole input; else the output region animated (full output coordinates). */
  region: Region | null
  /** ConvTranspose2d on a large input: the crop is the input window whose stamps reach the region, with its own padding. */
  patch: boolean
  /** The layer's plan on the whole input (a region's crop has its own, in `layer`). */
  full: FamilyPlan
  /** The input rows and columns cropped for a region (null: the whole input). */
  crop: { top: number; left: number; height: number; width: number } | null
  /** Why there is no dE/dy (the chosen one does not apply to a region), or null. */
  gradientNote: 'region-mse' | null
}

/** core's Layer of the explorer's family layer and tensors. */
export function coreLayerOf(layer: FamilySessionLayer, weight: Tensor, bias: Float64Array | null): Layer {
  if (layer.type === 'conv-transpose2d') return { type: 'conv-transpose2d', ...layer.options, weight, bias: bias ? { shape: [bias.length], data: bias } : null }
  if (layer.type === 'max-pool2d') return { type: 'max-pool2d', ...layer.options }
  return { type: 'avg-pool2d', ...layer.options }
}

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

export function wireLayerOf(layer: Layer): WireLayer {
  if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d')
    return { ...layer, weight: payload(layer.weight), bias: layer.bias ? payload(layer.bias) : null } as WireLayer
  // A pool's stride null is PyTorch's "the kernel size", which the wire says by leaving it out.
  if ('stride' in layer && (layer.stride === null || layer.stride === undefined)) {
    const { stride: _kernelSize, ...rest } = layer
    void _kernelSize
    return rest as WireLayer
  }
  return layer
}

function familyLayerOf(layer: Layer, plan: FamilyPlan): FamilyLayer {
  if (plan.type === 'conv-transpose2d' && layer.type === 'conv-transpose2d') {
    return { type: 'conv-transpose2d', geometry: plan.geometry, weight: layer.weight.data, bias: layer.bias?.data ?? null }
  }
  if (plan.type === 'max-pool2d' || plan.type === 'avg-pool2d') return { type: plan.type, geometry: plan.geometry }
  throw new Error('not a family layer')
}

/** dE/dy of a region: the chosen one's values there (ones, the same random draw, or the drawn tensor); null for a loss. */
export function regionGradient(spec: GradOutputSpec, fullShape: number[], n: number, region: Region, cropShape: number[]): GradOutputSpec | null {
  if (spec.kind === 'ones') return spec
  if (spec.kind === 'mse' || spec.kind === 'mse-stored') return null
  const full: Tensor = spec.kind === 'random' ? normalTensor(fullShape, seededSource(spec.seed)) : { shape: spec.tensor.shape, data: spec.tensor.data }
  const cut = cropTensor(full, n, region.i, region.j, region.h, region.w)
  if (cut.shape.join() !== cropShape.join()) return null
  return { kind: 'tensor', tensor: payload(cut) }
}

let requests = 0

/** The window's cells that are the input's (past its border the window holds zeros), in window coordinates. */
function realCells(crop: { top: number; left: number; height: number; width: number }, shape: readonly number[]) {
  const top = Math.max(0, -crop.top)
  const left = Math.max(0, -crop.left)
  return {
    top,
    left,
    height: Math.min(crop.height, shape[2] - crop.top) - top,
    width: Math.min(crop.width, shape[3] - crop.left) - left,
  }
}

function failure(error: unknown): ErrorEnvelope {
  if (error instanceof ConvolabError) return { ok: false, code: error.code, params: error.params, message: error.message }
  return { ok: false, code: 'bad-request', params: { detail: String(error) }, message: String(error) }
}

async function probe(
  transport: Transport,
  requestId: number,
  layer: number,
  which: 'output' | 'gradOutput' | 'indices',
  count: number,
): Promise<Result<Float64Array>> {
  return transport.invoke('probeStack', { requestId, layer, which, start: 0, count })
}

/** One layer on one input through the engine; its output, dE/dy, dE/dx and argmaxes read exactly. */
async function runStack(transport: Transport, layer: Layer, input: Tensor, gradient: StackGradientSeed | undefined) {
  const stored = await transport.invoke('setInput', payload(input))
  if (!stored.ok) return stored
  const requestId = 1_000_000_000 + ++requests
  const request: StackComputeRequest = {
    requestId,
    inputId: stored.value.inputId,
    layers: [wireLayerOf(layer)],
    display: { maxSide: 1 },
    // its own lane: the explorer's maps and this animation never cancel each other
    lane: 'animation',
    ...(gradient ? { gradient } : {}),
  }
  const answer = await transport.invoke('computeStack', request)
  if (!answer.ok) return answer
  const result = answer.value
  if (result.refused) return { ok: false as const, code: result.refused.code, params: result.refused.params, message: result.refused.message }
  const layerResult = result.layers[0]
  const outputCount = sizeOf(layerResult.output.shape)
  const output = await probe(transport, requestId, 0, 'output', outputCount)
  if (!output.ok) return output
  let gradOutput: Float64Array | null = null
  let gradInput: Float64Array | null = null
  if (gradient) {
    const dy = await probe(transport, requestId, 0, 'gradOutput', outputCount)
    if (!dy.ok) return dy
    const dx = await probe(transport, requestId, -1, 'gradOutput', sizeOf(input.shape))
    if (!dx.ok) return dx
    gradOutput = dy.value
    gradInput = dx.value
  }
  let indices: ArrayLike<number> | null = null
  if (layer.type === 'max-pool2d') {
    if (layerResult.indices) indices = layerResult.indices.data
    else {
      const read = await probe(transport, requestId, 0, 'indices', outputCount)
      if (!read.ok) return read
      indices = read.value
    }
  }
  return {
    ok: true as const,
    value: {
      output: output.value,
      gradOutput,
      gradInput,
      gradWeight: layerResult.gradWeight?.data ?? null,
      gradBias: layerResult.gradBias?.data ?? null,
      indices,
    },
  }
}

export async function loadFamilySource(transport: Transport, request: FamilyRequest): Promise<Result<FamilySource>> {
  let layer: Layer
  let plan: FamilyPlan
  try {
    layer = coreLayerOf(request.layer, request.weight, request.bias)
    plan = planLayer(layer, request.input.shape) as FamilyPlan
  } catch (error) {
    return failure(error)
  }
  const full = plan
  const whole = familyAnimatesWhole(plan)
  let input = request.input
  let region: Region | null = null
  let patch = false
  let cropped: FamilySource['crop'] = null
  let gradientNote: FamilySource['gradientNote'] = null
  let spec = request.gradOutput
  if (!whole) {
    const fullShape = [...plan.outputShape]
    const crop = familyCrop(layer, plan, request.region)
    input = cropTensor(request.input, Math.min(request.n, request.input.shape[0] - 1), crop.top, crop.left, crop.height, crop.width)
    layer = crop.layer
    region = crop.region
    patch = crop.patch
    cropped = { top: crop.top, left: crop.left, height: crop.height, width: crop.width }
    try {
      plan = planLayer(layer, input.shape) as FamilyPlan
    } catch (error) {
      return failure(error)
    }
    // The crop's output is the region (a transposed window's padding crops its uncropped output to it).
    if (spec) {
      spec = regionGradient(spec, fullShape, request.n, region, plan.outputShape)
      if (!spec) gradientNote = 'region-mse'
    }
  }
  const ran = await runStack(transport, layer, input, spec ? { kind: 'output', gradOutput: spec } : undefined)
  if (!ran.ok) return ran
  const values: FamilyValues = { input: input.data, ...ran.value }
  if (cropped && patch) values.inputCells = realCells(cropped, request.input.shape)
  if (request.pair && layer.type === 'conv-transpose2d' && plan.type === 'conv-transpose2d') {
    const g = plan.geometry
    // The Conv2d of the same w on ConvTranspose2d's output (down), and its dE/dx at dE/dy = x (back up).
    const conv: Layer = {
      type: 'conv2d',
      weight: layer.weight,
      bias: null,
      stride: [g.strideH, g.strideW],
      padding: [g.padH, g.padW],
      dilation: [g.dilationH, g.dilationW],
      groups: g.groups,
    }
    const down = { shape: [...plan.outputShape], data: values.output }
    // Only when the Conv2d's output has x's shape (an output padding reaching the stride breaks it).
    try {
      const convPlan = planLayer(conv, down.shape)
      if (convPlan.outputShape.join() === input.shape.join()) {
        const pair = await runStack(transport, conv, down, { kind: 'output', gradOutput: { kind: 'tensor', tensor: payload(input) } })
        if (!pair.ok) return pair
        values.pair = { convOutput: pair.value.output, convGradInput: pair.value.gradInput! }
      }
    } catch {
      // No pair: the view says it needs one.
    }
  }
  return { ok: true, value: { layer: familyLayerOf(layer, plan), values, region, patch, full, crop: cropped, gradientNote } }
}
