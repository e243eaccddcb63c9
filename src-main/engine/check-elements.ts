// The element loop of the engine's finite-difference checks (checkGradients): which elements are
// checked, and each one's central difference against its analytic derivative, into the report.

import type { Tensor } from '../../core'
import { relativeError, seededSource, unravel } from '../../core'
import type { CheckedCount, GradientCheckReport, GradientCheckRequest } from '../../contract'

export const STEP = 1e-5
/**
 * Differences this small are rounding in the central difference (about ε·|L|/h with L a sum of a
 * few products), not a wrong gradient: a derivative that is exactly 0 measures as ~1e-11, whose
 * relative error alone would be 1 and fail every check of a kernel with zero gradients.
 */
const ROUNDING = 1e-9

export type Parameter = keyof GradientCheckReport['counts']

/** Called after each checked element; return false to stop (cancel). */
export type CheckProgress = (done: number, total: number) => boolean

/** One tensor's checks: its chosen elements, values (varied in place), analytic gradient, loss. */
export interface CheckJob {
  parameter: Parameter
  chosen: number[]
  shape: readonly number[]
  values: Float64Array
  gradient: Float64Array | undefined
  /** L = Σ g·y over the outputs element k reaches, with the current values. */
  lossAt: (k: number) => number | Promise<number>
}

export function count(chosen: number[], total: number): CheckedCount {
  return { checked: chosen.length, total }
}

export function emptyReport(tolerance: number, counts: GradientCheckReport['counts']): GradientCheckReport {
  return { passed: false, cancelled: false, tolerance, checked: 0, failures: 0, counts, worst: null }
}

/** Every index when there are at most `wanted`, else `wanted` distinct random ones, in order. */
export function pick(size: number, wanted: number, source: () => number): number[] {
  if (size <= wanted) return Array.from({ length: size }, (_, k) => k)
  const chosen = new Set<number>()
  while (chosen.size < wanted) chosen.add(Math.min(size - 1, Math.floor(source() * size)))
  return [...chosen].sort((a, b) => a - b)
}

/**
 * Like pick, among the elements `usable` accepts: the whole tensor's usable ones when it has at
 * most `wanted`, else random draws until `wanted` usable ones (or every element was drawn).
 * Returns them in order and how many drawn elements were left out.
 */
export function pickUsable(size: number, wanted: number, source: () => number, usable: (k: number) => boolean): { chosen: number[]; excluded: number } {
  if (size <= wanted) {
    const chosen = Array.from({ length: size }, (_, k) => k).filter(usable)
    return { chosen, excluded: size - chosen.length }
  }
  const seen = new Set<number>()
  const chosen: number[] = []
  // random draws find almost every element long before this; the rest is a scan from a random start
  const draws = 20 * wanted
  for (let d = 0; d < draws && chosen.length < wanted && seen.size < size; d++) {
    const k = Math.min(size - 1, Math.floor(source() * size))
    if (seen.has(k)) continue
    seen.add(k)
    if (usable(k)) chosen.push(k)
  }
  const start = Math.floor(source() * size)
  for (let d = 0; d < size && chosen.length < wanted; d++) {
    const k = (start + d) % size
    if (seen.has(k)) continue
    seen.add(k)
    if (usable(k)) chosen.push(k)
  }
  return { chosen: chosen.sort((a, b) => a - b), excluded: seen.size - chosen.length }
}

/** Checks every chosen element of every job into the report; false if cancelled on the way. */
export async function runChecks(report: GradientCheckReport, jobs: CheckJob[], progress: CheckProgress): Promise<GradientCheckReport> {
  const total = jobs.reduce((sum, job) => sum + job.chosen.length, 0)
  for (const { parameter, chosen, shape, values, gradient, lossAt } of jobs) {
    for (const k of chosen) {
      const original = values[k]
      values[k] = original + STEP
      const plus = await lossAt(k)
      values[k] = original - STEP
      const minus = await lossAt(k)
      values[k] = original
      const numeric = (plus - minus) / (2 * STEP)
      const exact = gradient?.[k] ?? NaN
      const measured = Math.abs(numeric - exact) <= ROUNDING ? 0 : relativeError(numeric, exact)
      const error = Number.isNaN(measured) ? Infinity : measured
      report.checked++
      if (error > report.tolerance) report.failures++
      if (!report.worst || error > report.worst.relativeError) {
        report.worst = { parameter, index: unravel(k, shape), numeric, analytic: exact, relativeError: error }
      }
      if (!progress(report.checked, total)) {
        report.cancelled = true
        return report
      }
    }
  }
  report.passed = report.failures === 0
  return report
}

/** The tensors of a check of a layer with weights, and how to recompute its loss around each element. */
export interface WeightedCheck {
  /** Copies the check varies in place. */
  x: Tensor
  weight: Tensor
  bias: Tensor | null
  /** The analytic dE/dx, dE/dw and dE/db the check measures. */
  gradInput: Float64Array
  gradWeight: Float64Array
  gradBias: Float64Array | undefined
  /** L over the outputs element k of x reaches. */
  inputLoss: (k: number) => number
  /** The output channel element k of w feeds. */
  channelOfWeight: (k: number) => number
  /** L over one output channel (what an element of w or b reaches). */
  channelLoss: (o: number) => Promise<number>
}

/** Copies of the request's weight and bias, which a check varies in place. */
export function weightsOf(request: Pick<GradientCheckRequest, 'weight' | 'bias'>): { weight: Tensor; bias: Tensor | null } {
  return {
    weight: { shape: [...request.weight.shape], data: Float64Array.from(request.weight.data) },
    bias: request.bias ? { shape: [...request.bias.shape], data: Float64Array.from(request.bias.data) } : null,
  }
}

/**
 * The report of a layer with weights (Conv2d, ConvTranspose2d): `request.elements` random
 * elements of x and of w (every one when there are fewer), every element of b, drawn from the
 * request's seed in that order, each checked against its analytic derivative.
 */
export function checkWeightedLayer(
  request: Pick<GradientCheckRequest, 'seed' | 'elements' | 'tolerance'>,
  check: WeightedCheck,
  progress: CheckProgress,
): Promise<GradientCheckReport> {
  const { x, weight, bias } = check
  const source = seededSource(request.seed)
  const inputs = pick(x.data.length, request.elements, source)
  const weights = pick(weight.data.length, request.elements, source)
  const biases = bias ? pick(bias.data.length, bias.data.length, source) : []
  const report = emptyReport(request.tolerance, {
    input: count(inputs, x.data.length),
    weight: count(weights, weight.data.length),
    bias: count(biases, bias?.data.length ?? 0),
  })
  return runChecks(
    report,
    [
      { parameter: 'input', chosen: inputs, shape: x.shape, values: x.data, gradient: check.gradInput, lossAt: check.inputLoss },
      {
        parameter: 'weight',
        chosen: weights,
        shape: weight.shape,
        values: weight.data,
        gradient: check.gradWeight,
        lossAt: (k) => check.channelLoss(check.channelOfWeight(k)),
      },
      {
        parameter: 'bias',
        chosen: biases,
        shape: [bias?.data.length ?? 0],
        values: bias?.data ?? new Float64Array(0),
        gradient: check.gradBias,
        lossAt: check.channelLoss,
      },
    ],
    progress,
  )
}

/** Σ g·y over output channel o, with y the forward pass of that channel alone (one channel, every sample). */
export function channelSum(g: Float64Array, y: Float64Array, o: number, geo: { batch: number; outChannels: number; outH: number; outW: number }): number {
  const plane = geo.outH * geo.outW
  let sum = 0
  for (let n = 0; n < geo.batch; n++) {
    const from = (n * geo.outChannels + o) * plane
    const at = n * plane
    for (let k = 0; k < plane; k++) sum += g[from + k] * y[at + k]
  }
  return sum
}

/** The input channels of one group (the whole input when there is one group), each cut once. */
export class GroupInputs {
  private readonly slices = new Map<number, Tensor>()

  constructor(
    private readonly x: Tensor,
    private readonly geo: { batch: number; groups: number; inChannels: number; inChannelsPerGroup: number; inH: number; inW: number },
  ) {}

  of(group: number): Tensor {
    const geo = this.geo
    if (geo.groups === 1) return this.x
    let slice = this.slices.get(group)
    if (!slice) {
      const plane = geo.inH * geo.inW
      const data = new Float64Array(geo.batch * geo.inChannelsPerGroup * plane)
      for (let n = 0; n < geo.batch; n++) {
        const from = (n * geo.inChannels + group * geo.inChannelsPerGroup) * plane
        data.set(this.x.data.subarray(from, from + geo.inChannelsPerGroup * plane), n * geo.inChannelsPerGroup * plane)
      }
      slice = { shape: [geo.batch, geo.inChannelsPerGroup, geo.inH, geo.inW], data }
      this.slices.set(group, slice)
    }
    return slice
  }
}
