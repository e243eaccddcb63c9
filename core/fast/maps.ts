// Display maps of float64 planes made inside the kernels' memory (the planeMaps_f64 kernel):
// where they go in memory, and reading them back as float32 box means with each plane's exact
// range and count of NaN/±∞. The box size and the exact recount are shared with the engine's
// TypeScript maps (src-main/engine/map-stack.ts) for planes that are not in kernel memory.

import { MemoryLayout } from './memory-layout'

/** Box size that brings the longest side to at most maxSide (1 = full size). */
export function boxFactor(height: number, width: number, maxSide: number): number {
  if (maxSide <= 0) return 1
  return Math.max(1, Math.ceil(Math.max(height, width) / maxSide))
}

/** A stack of display planes: box means as float32, and per plane the exact range and NaN/±∞ count. */
export interface PlaneMaps {
  /** Size of each plane in `data` after downsampling. */
  displayH: number
  displayW: number
  data: Float32Array
  /** Per plane (N·C entries): minimum and maximum of the exact values, and counts of NaN/±∞. */
  min: Float64Array
  max: Float64Array
  nonFinite: Uint32Array
}

export interface MapsLayout {
  planes: number
  height: number
  width: number
  factor: number
  displayH: number
  displayW: number
  out: number
  sums: number
  ranges: number
  /** Bytes of kernel memory up to the end of the maps. */
  bytes: number
}

/** Where the maps of `planes` planes of height × width go, after the first `start` bytes. */
export function mapsLayout(planes: number, height: number, width: number, maxSide: number, start: number): MapsLayout {
  const factor = boxFactor(height, width, maxSide)
  const displayH = Math.ceil(height / factor)
  const displayW = Math.ceil(width / factor)
  const memory = new MemoryLayout(start)
  const out = memory.take(planes * displayH * displayW * 4)
  const sums = memory.take(displayW * 8)
  const ranges = memory.take(planes * 24)
  return { planes, height, width, factor, displayH, displayW, out, sums, ranges, bytes: memory.bytes }
}

/** Copies the maps out of kernel memory; `values` are the planes (a plane with NaN/±∞ is counted again exactly). */
export function readMaps(buffer: ArrayBufferLike, layout: MapsLayout, values: Float64Array, first: number): PlaneMaps {
  const { planes, displayH, displayW } = layout
  const data = new Float32Array(buffer, layout.out, planes * displayH * displayW).slice()
  const ranges = new Float64Array(buffer, layout.ranges, planes * 3)
  const min = new Float64Array(planes)
  const max = new Float64Array(planes)
  const nonFinite = new Uint32Array(planes)
  const plane = layout.height * layout.width
  for (let p = 0; p < planes; p++) {
    let [low, high, poison] = [ranges[3 * p], ranges[3 * p + 1], ranges[3 * p + 2]]
    if (poison !== 0 || !Number.isFinite(low) || !Number.isFinite(high)) [low, high, poison] = planeRange(values, first + p * plane, first + (p + 1) * plane)
    min[p] = poison === plane ? NaN : low
    max[p] = poison === plane ? NaN : high
    nonFinite[p] = poison
  }
  return { displayH, displayW, data, min, max, nonFinite }
}

/**
 * Exact minimum and maximum of the finite values in [start, end) and the count of NaN/±∞.
 * The common all-finite plane takes one branch-light pass (x·0 is NaN only for NaN and ±∞);
 * a plane with a non-finite value is counted again exactly.
 */
export function planeRange(values: Float64Array, start: number, end: number): [number, number, number] {
  let low = Infinity
  let high = -Infinity
  let poison = 0
  for (let k = start; k < end; k++) {
    const v = values[k]
    low = v < low ? v : low
    high = v > high ? v : high
    poison += v * 0
  }
  if (poison === 0) return [low, high, 0]
  low = Infinity
  high = -Infinity
  let bad = 0
  for (let k = start; k < end; k++) {
    const v = values[k]
    if (v - v !== 0) bad++
    else {
      low = v < low ? v : low
      high = v > high ? v : high
    }
  }
  return [low, high, bad]
}
