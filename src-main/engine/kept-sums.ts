// What a bias change leaves as it was, kept between computes: the convolution's sums Σ w·x
// (y = sums + b, so every y the engine gives is that one add, whichever path made it), their
// display maps, and, when dE/dy does not depend on y, every gradient. A change of the bias
// alone is then shifted maps (and one add pass after the answer) instead of two convolutions.

import type { Conv2dOptions, ConvGeometry, Tensor } from '../../core'
import type { PlaneMaps } from '../../core/fast'
import type { GradOutputSpec, MapStack } from '../../contract'

/** The sums of one (input, weight, options, display size): y = sums + b for any bias. */
export interface KeptSums {
  key: string
  input: Tensor
  weight: Float64Array
  geometry: ConvGeometry
  /** Maps of the sums (box means and exact ranges), shifted by b for each answer. */
  maps: PlaneMaps
  /** The sums as float64, read back from kernel memory on first use. */
  read: () => Float64Array
  /** The array read() filled, once it has (a later compute may write its sums into it). */
  data: Float64Array | null
}

/** Every gradient of one (sums key, dE/dy): none depends on the bias when dE/dy does not depend on y. */
export interface KeptGradients {
  /** The sums they were computed with (a new weight or input drops both). */
  sums: KeptSums
  /** What dE/dy was: its spec's key, and the tensor the backward pass read. */
  upstreamKey: string
  gradOutput: Tensor
  gradInput: Tensor
  gradInputMaps: MapStack
  gradWeight: Tensor
  gradBias: Tensor | null
  gradOutputMaps: MapStack
}

/**
 * dE/dw and dE/db of one (input, options, dE/dy): neither depends on w or b when dE/dy does not
 * depend on y, so a weight change needs dE/dx alone.
 */
export interface KeptWeightGradients {
  key: string
  input: Tensor
  upstreamKey: string
  gradOutput: Tensor
  gradWeight: Tensor
  gradBias: Tensor | null
}

export interface Kept {
  sums: KeptSums | null
  gradients: KeptGradients | null
  weightGradients: KeptWeightGradients | null
}

/** Which sums a request needs: everything but the bias's values (whether it has one changes the geometry). */
export function sumsKey(inputId: string, options: Conv2dOptions, maxSide: number, biasLength: number | null): string {
  const entries = Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
  return JSON.stringify([inputId, entries, maxSide, biasLength])
}

/** The kept sums when they are this request's: same stored input object, same weight bit for bit. */
export function matchingSums(kept: KeptSums | null, key: string, input: Tensor, weight: Float64Array): KeptSums | null {
  return kept && kept.key === key && kept.input === input && sameBits(kept.weight, weight) ? kept : null
}

/**
 * dE/dy's key when it does not depend on y (ones, N(0,1) of a seed, a given tensor), null for the
 * MSE losses (their dE/dy moves with y, so with the bias). A given tensor is compared bit for bit.
 */
export function upstreamKey(spec: GradOutputSpec): string | null {
  switch (spec.kind) {
    case 'ones':
      return 'ones'
    case 'random':
      return `random ${spec.seed}`
    case 'tensor':
      return `tensor ${spec.tensor.shape.join(',')}`
    default:
      return null
  }
}

/** The kept gradients when they are this request's. */
export function matchingGradients(kept: KeptGradients | null, sums: KeptSums, spec: GradOutputSpec): KeptGradients | null {
  const key = upstreamKey(spec)
  if (!kept || key === null || kept.sums !== sums || kept.upstreamKey !== key) return null
  if (spec.kind === 'tensor' && !sameBits(kept.gradOutput.data, spec.tensor.data)) return null
  return kept
}

/** The kept dE/dw and dE/db when they are this request's (`key` from sumsKey: everything but w and b). */
export function matchingWeightGradients(kept: KeptWeightGradients | null, key: string, input: Tensor, spec: GradOutputSpec): KeptWeightGradients | null {
  const upstream = upstreamKey(spec)
  if (!kept || upstream === null || kept.key !== key || kept.input !== input || kept.upstreamKey !== upstream) return null
  if (spec.kind === 'tensor' && !sameBits(kept.gradOutput.data, spec.tensor.data)) return null
  return kept
}

/** y = sums + b, per output channel, into `into` when its length fits. */
export function addBias(sums: Float64Array, bias: Float64Array | null, geometry: ConvGeometry, into?: Float64Array): Float64Array {
  const y = into?.length === sums.length ? into : new Float64Array(sums.length)
  if (!bias) {
    y.set(sums)
    return y
  }
  const plane = geometry.outH * geometry.outW
  const channels = geometry.outChannels
  for (let p = 0, k = 0; p < sums.length / plane; p++) {
    const b = bias[p % channels]
    for (const end = k + plane; k < end; k++) y[k] = sums[k] + b
  }
  return y
}

/**
 * Maps of y = sums + b from the maps of the sums. The ranges are exact: rounding to nearest is
 * monotonic, so min(sums + b) is min(sums) + b rounded once, as the add pass rounds it; the box
 * means move by b (float32, for colours only). Null where the shift could change what the maps
 * say: a non-finite bias, a range that would overflow, or full-size maps (there each cell is
 * the float32 of its exact value, made from y itself).
 */
export function shiftedMaps(maps: PlaneMaps, bias: Float64Array | null, channels: number, factor: number): PlaneMaps | null {
  const planes = maps.min.length
  const size = maps.displayH * maps.displayW
  const copy = { displayH: maps.displayH, displayW: maps.displayW, nonFinite: maps.nonFinite.slice() }
  if (!bias) return { ...copy, data: maps.data.slice(), min: maps.min.slice(), max: maps.max.slice() }
  if (factor === 1) return null
  const data = new Float32Array(maps.data.length)
  const min = new Float64Array(planes)
  const max = new Float64Array(planes)
  for (let p = 0; p < planes; p++) {
    const b = bias[p % channels]
    const low = maps.min[p] + b
    const high = maps.max[p] + b
    if (!Number.isFinite(b)) return null
    // a plane of NaN/±∞ only has NaN ranges, and keeps them
    if (!Number.isNaN(maps.min[p]) && !(Number.isFinite(low) && Number.isFinite(high))) return null
    min[p] = low
    max[p] = high
    for (let k = p * size, end = k + size; k < end; k++) data[k] = maps.data[k] + b
  }
  return { ...copy, data, min, max }
}

/** A copy of a kept map stack (each answer's buffers move to the other thread). */
export function copyOfMaps(maps: MapStack): MapStack {
  return { ...maps, shape: [...maps.shape], data: maps.data.slice(), min: maps.min.slice(), max: maps.max.slice(), nonFinite: maps.nonFinite.slice() }
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  // bit for bit (NaN equals NaN, -0 is not 0), four bytes at a time
  const left = new Int32Array(a.buffer, a.byteOffset, a.length * 2)
  const right = new Int32Array(b.buffer, b.byteOffset, b.length * 2)
  for (let k = 0; k < left.length; k++) if (left[k] !== right[k]) return false
  return true
}
