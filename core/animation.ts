// The animations as a sequence of steps over units, in the seed's order, and the state after
// any step. Views, scrubbing and exported frames read these, so they cannot disagree with core.
//
//   forward           units = output cells (n, m, i, j): y = b + Σ w·xpad over the window
//   backward-input    units = padded input cells (n, c, p, q): the seed's full correlation of the
//                     stride-dilated, D·(K−1)-padded dE/dy with rot180(w)
//   backward-weight   units = kernel cells (m, c, a, b): Σ xpad·dilated dE/dy, each cell accumulating
//   backward-scatter  units = output cells: each sends w·dE/dy back into its receptive field

import { dilateByStride, gradPaddedByCorrelation, gradWeightByCorrelation } from './backward-derivation'
import type { ConvGeometry } from './geometry'
import { padInput, unpadGradient } from './padding'

export type AnimationKind = 'forward' | 'backward-input' | 'backward-weight' | 'backward-scatter'
export type Granularity = 'cell' | 'row' | 'channel'
export const ANIMATION_KINDS: readonly AnimationKind[] = ['forward', 'backward-input', 'backward-weight', 'backward-scatter']
export const GRANULARITIES: readonly Granularity[] = ['cell', 'row', 'channel']

export interface AnimationPlan {
  kind: AnimationKind
  granularity: Granularity
  /** Units in all, in row-major order of their own tensor. */
  units: number
  unitsPerStep: number
  steps: number
  /** Shape (4-D) of the tensor the units belong to. */
  shape: [number, number, number, number]
}

function unitShape(kind: AnimationKind, g: ConvGeometry): [number, number, number, number] {
  switch (kind) {
    case 'forward':
    case 'backward-scatter':
      return [g.batch, g.outChannels, g.outH, g.outW]
    case 'backward-input':
      return [g.batch, g.inChannels, g.paddedH, g.paddedW]
    case 'backward-weight':
      return [g.outChannels, g.inChannelsPerGroup, g.kernelH, g.kernelW]
  }
}

export function animationPlan(kind: AnimationKind, geometry: ConvGeometry, granularity: Granularity): AnimationPlan {
  const shape = unitShape(kind, geometry)
  const units = shape[0] * shape[1] * shape[2] * shape[3]
  const unitsPerStep = granularity === 'cell' ? 1 : granularity === 'row' ? shape[3] : shape[2] * shape[3]
  return { kind, granularity, units, unitsPerStep, steps: units / unitsPerStep, shape }
}

/** Units finished after step `step` (0-based); step −1 is the empty start. */
export function unitsDone(plan: AnimationPlan, step: number): number {
  return Math.max(0, Math.min(plan.units, (step + 1) * plan.unitsPerStep))
}

/** The unit being worked on at a step: the last one it finishes. */
export function currentUnit(plan: AnimationPlan, step: number): [number, number, number, number] | null {
  const done = unitsDone(plan, step)
  if (done === 0) return null
  let flat = done - 1
  const [, d1, d2, d3] = plan.shape
  const j = flat % d3
  flat = Math.floor(flat / d3)
  const i = flat % d2
  flat = Math.floor(flat / d2)
  return [Math.floor(flat / d1), flat % d1, i, j]
}

export interface AnimationInputs {
  input: Float64Array
  weight: Float64Array
  bias: Float64Array | null
  /** dE/dy, for the backward animations. */
  gradOutput: Float64Array | null
}

/**
 * Everything final that the animation reveals, computed once per setting: scrubbing then only
 * chooses how much of it to show (and, for the scatter view, how much to accumulate).
 */
export interface AnimationData {
  geometry: ConvGeometry
  paddedInput: Float64Array
  /** Forward output (N, M, outH, outW). */
  output: Float64Array
  dilated: ReturnType<typeof dilateByStride> | null
  /** dE/d(xpad) by the seed's correlation, and its fold onto x. */
  gradPadded: Float64Array | null
  gradInput: Float64Array | null
  gradWeight: Float64Array | null
}

export function animationData(geometry: ConvGeometry, inputs: AnimationInputs, output: Float64Array): AnimationData {
  const paddedInput = padInput(inputs.input, geometry)
  if (!inputs.gradOutput) {
    return { geometry, paddedInput, output, dilated: null, gradPadded: null, gradInput: null, gradWeight: null }
  }
  const dilated = dilateByStride(inputs.gradOutput, geometry)
  const gradPadded = gradPaddedByCorrelation(dilated, inputs.weight, geometry)
  return {
    geometry,
    paddedInput,
    output,
    dilated,
    gradPadded,
    gradInput: unpadGradient(gradPadded, geometry),
    gradWeight: gradWeightByCorrelation(paddedInput, dilated, geometry),
  }
}

/** The revealed part of a finished tensor: values of the first `done` units, NaN after. */
export function revealed(values: Float64Array, done: number): Float64Array {
  const partial = new Float64Array(values.length).fill(NaN)
  partial.set(values.subarray(0, done))
  return partial
}

/**
 * The scatter view after `done` output cells: every finished cell (n, m, i, j) has added
 * w[m, c, a, b]·dE/dy[n, m, i, j] to xpad's cell (i·S + a·D, j·S + b·D) of channel c of its group.
 */
export function scatterState(data: AnimationData, weight: Float64Array, gradOutput: Float64Array, done: number): Float64Array {
  const g = data.geometry
  const gradPadded = new Float64Array(data.paddedInput.length)
  const outPlane = g.outH * g.outW
  for (let flat = 0; flat < done; flat++) {
    const j = flat % g.outW
    const i = Math.floor(flat / g.outW) % g.outH
    const nm = Math.floor(flat / outPlane)
    const m = nm % g.outChannels
    const n = Math.floor(nm / g.outChannels)
    const upstream = gradOutput[flat]
    const group = Math.floor(m / g.outChannelsPerGroup)
    for (let c = 0; c < g.inChannelsPerGroup; c++) {
      const plane = (n * g.inChannels + group * g.inChannelsPerGroup + c) * g.paddedH * g.paddedW
      const kernel = (m * g.inChannelsPerGroup + c) * g.kernelH * g.kernelW
      for (let a = 0; a < g.kernelH; a++) {
        const row = plane + (i * g.strideH + a * g.dilationH) * g.paddedW + j * g.strideW
        for (let b = 0; b < g.kernelW; b++) {
          gradPadded[row + b * g.dilationW] += weight[kernel + a * g.kernelW + b] * upstream
        }
      }
    }
  }
  return gradPadded
}
