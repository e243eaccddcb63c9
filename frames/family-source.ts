// The exact tensors of a family layer's animation, whoever computes them: the layer as a one-layer
// stack on the input (whole, or the crop a region needs), its output, dE/dy, dE/dx and argmaxes;
// for ConvTranspose2d also the Conv2d of the same w, for the Conv2d ↔ ConvTranspose2d view. The
// page runs the layer in the engine and `convolab export` in core's kernels; what is cropped,
// which dE/dy a region gets and when the pair exists are decided here, once, for both.

import type { ErrorEnvelope, GradOutputSpec, Result, TensorPayload } from '../contract'
import type { Region } from '../core/animation-region'
import { ConvolabError } from '../core/errors'
import type { Layer } from '../core/layer'
import { planLayer } from '../core/layer-compute'
import { normalTensor, seededSource } from '../core/random'
import type { SessionLayer } from '../core/session'
import type { Tensor } from '../core/tensor'
import type { FamilyPlan } from './family-region'
import { cropTensor, familyAnimatesWhole, familyCrop } from './family-region'
import type { FamilyLayer, FamilyValues } from './family-scene'

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
  /** ConvTranspose2d on a large input: the crop is an input patch transposed on its own. */
  patch: boolean
  /** The layer's plan on the whole input (a region's crop has its own, in `layer`). */
  full: FamilyPlan
  /** The input rows and columns cropped for a region (null: the whole input). */
  crop: { top: number; left: number; height: number; width: number } | null
  /** Why there is no dE/dy (the chosen one does not apply to a region), or null. */
  gradientNote: 'region-mse' | null
}

/** What one layer computed on one input: exact values, row-major NCHW. */
export type FamilyRun = Omit<FamilyValues, 'input' | 'pair'>

/**
 * Computes one layer on one input, backward from dE/dy = `gradient` (applied to the layer's
 * output) when given; dE/dy and dE/dx are then in the answer.
 */
export type RunLayer = (layer: Layer, input: Tensor, gradient: GradOutputSpec | undefined) => Promise<Result<FamilyRun>>

/** core's Layer of the explorer's family layer and tensors. */
export function coreLayerOf(layer: FamilySessionLayer, weight: Tensor, bias: Float64Array | null): Layer {
  if (layer.type === 'conv-transpose2d') return { type: 'conv-transpose2d', ...layer.options, weight, bias: bias ? { shape: [bias.length], data: bias } : null }
  if (layer.type === 'max-pool2d') return { type: 'max-pool2d', ...layer.options }
  return { type: 'avg-pool2d', ...layer.options }
}

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

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

/** A thrown error as the answer the engine would give. */
export function failureOf(error: unknown): ErrorEnvelope {
  if (error instanceof ConvolabError) return { ok: false, code: error.code, params: error.params, message: error.message }
  return { ok: false, code: 'bad-request', params: { detail: String(error) }, message: String(error) }
}

/** The family layer's animation tensors for `request`, each layer run by `run`. */
export async function buildFamilySource(run: RunLayer, request: FamilyRequest): Promise<Result<FamilySource>> {
  let layer: Layer
  let plan: FamilyPlan
  try {
    layer = coreLayerOf(request.layer, request.weight, request.bias)
    plan = planLayer(layer, request.input.shape) as FamilyPlan
  } catch (error) {
    return failureOf(error)
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
      return failureOf(error)
    }
    if (spec && !patch) {
      spec = regionGradient(spec, fullShape, request.n, region, plan.outputShape)
      if (!spec) gradientNote = 'region-mse'
    } else if (spec && patch && spec.kind !== 'ones' && spec.kind !== 'random') {
      // The patch's own output: the chosen tensor or loss belongs to the whole output.
      spec = null
      gradientNote = 'region-mse'
    }
  }
  const ran = await run(layer, input, spec ?? undefined)
  if (!ran.ok) return ran
  const values: FamilyValues = { input: input.data, ...ran.value }
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
        const pair = await run(conv, down, { kind: 'tensor', tensor: payload(input) })
        if (!pair.ok) return pair
        values.pair = { convOutput: pair.value.output, convGradInput: pair.value.gradInput! }
      }
    } catch {
      // No pair: the view says it needs one.
    }
  }
  return { ok: true, value: { layer: familyLayerOf(layer, plan), values, region, patch, full, crop: cropped, gradientNote } }
}
