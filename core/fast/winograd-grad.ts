// Grad-weight of a 3 × 3 stride-1 float64 convolution on Winograd F(2×2, 3×3)
// (core/wasm/winograd-grad.as): the layout of the kernel's per-part sums dU and scratch, and
// dE/dw = Gᵀ·dU·G from those sums. 2.25× fewer multiplies than the direct sum; the transforms'
// additions round differently, by about 1e-16 of the sums' magnitude.
//
// A NaN or ±∞ in x or dE/dy would reach, through the transforms, all 9 taps of every (m, c)
// whose sum it enters (the direct sum: only the taps that read it), and ∞ − ∞ can make NaN of
// the direct sum's ±∞: an (m, c) with a non-finite tap is summed again directly
// (sumDirectly), so non-finite inputs give the direct sum's values.

import type { ConvGeometry } from '../geometry'
import { paddingMaps } from '../geometry'
import type { Dtype, FloatArray } from './memory-layout'
import { TILE_POSITIONS, winogradFits } from './winograd'

/**
 * Whether a convolution's grad-weight runs on Winograd: a Winograd convolution (winogradFits)
 * with 4 input channels per group or more. Each output channel's dE/dy is transformed once per
 * tile (16 stores) whatever the number of input channels, so with fewer the transforms cost more
 * than the multiplies saved. Measured kernel-only on one thread (CPU time, 256² and 512², 3 × 3
 * padding 1), Winograd ÷ direct: 3→16 1.24, 3→32 1.19, 4→16 1.06, 4→4 0.91, 16→3 0.90,
 * 5→7 0.89, 8→8 0.81, 16→16 0.68, 32→32 0.58.
 */
export function winogradWeightFits(geometry: ConvGeometry, dtype: Dtype): boolean {
  return winogradFits(geometry, dtype) && geometry.inChannelsPerGroup >= 4
}

/** The kernel's register block: 4 output channels × 2 input channels. */
const OUT_BLOCK = 4
const IN_BLOCK = 2
/** Lanes of one f64x2 sum (the caller adds them). */
const LANES = 2
/** Pairs of tiles per scratch strip (WGRAD_PAIRS in the kernel): for 16 → 16 channels its V
 * and dM (256 KiB) stay in L2 while the 8 sums pass over them, each position's 16 KiB in L1. */
export const WGRAD_PAIRS = 32

function outRows(outPerGroup: number): number {
  return Math.ceil(outPerGroup / OUT_BLOCK) * OUT_BLOCK
}

function inRows(inPerGroup: number): number {
  return Math.ceil(inPerGroup / IN_BLOCK) * IN_BLOCK
}

/** float64 values of one group's dU sums in one part: [ξ][m/4][c/2][4 × 2 vectors][2 lanes]. */
export function wgradGroupLength(outPerGroup: number, inPerGroup: number): number {
  return TILE_POSITIONS * outRows(outPerGroup) * inRows(inPerGroup) * LANES
}

/** Scratch bytes of one part: the V and dM strips, [channel][ξ][pair slot] (each channel one
 * cache line longer), then a zero row as long as the longest row read. */
export function wgradScratchBytes(outPerGroup: number, inPerGroup: number, longestRow: number): number {
  const channelBytes = TILE_POSITIONS * WGRAD_PAIRS * 16 + 64
  return (outRows(outPerGroup) + inRows(inPerGroup)) * channelBytes + (longestRow + 16) * 8
}

/**
 * dE/dw (M, C/groups, 3, 3) into `target` from the kernel's sums: `partial` holds, for each of
 * `parts` parts, `groups` groups of wgradGroupLength values from `at`. Each dU is the sum over
 * parts (in part order) of the sum of its two lanes; then dE/dw[m, c] = Gᵀ·dU·G.
 */
export function wgradWeights(
  partial: Float64Array,
  at: number,
  parts: number,
  groups: number,
  outPerGroup: number,
  inPerGroup: number,
  target: FloatArray,
): void {
  const groupLength = wgradGroupLength(outPerGroup, inPerGroup)
  const blocks = outRows(outPerGroup) / OUT_BLOCK
  const inPairs = inRows(inPerGroup) / IN_BLOCK
  const du = new Float64Array(TILE_POSITIONS)
  for (let group = 0; group < groups; group++) {
    for (let m = 0; m < outPerGroup; m++) {
      for (let c = 0; c < inPerGroup; c++) {
        const vector = (m % OUT_BLOCK) * IN_BLOCK + (c % IN_BLOCK)
        for (let xi = 0; xi < TILE_POSITIONS; xi++) {
          const index = (((xi * blocks + Math.floor(m / OUT_BLOCK)) * inPairs + Math.floor(c / IN_BLOCK)) * OUT_BLOCK * IN_BLOCK + vector) * LANES
          let sum = 0
          for (let part = 0; part < parts; part++) {
            const from = at + (part * groups + group) * groupLength + index
            sum += partial[from] + partial[from + 1]
          }
          du[xi] = sum
        }
        transformGradient(du, target, ((group * outPerGroup + m) * inPerGroup + c) * 9)
      }
    }
  }
}

/** Gᵀ·dU·G (dU 4 × 4 row-major) as 3 × 3 row-major at target[to]; G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]. */
export function transformGradient(du: ArrayLike<number>, target: FloatArray, to: number): void {
  for (let a = 0; a < 3; a++) {
    // row a of Gᵀ·dU: Gᵀ rows [1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]
    const t = [0, 0, 0, 0]
    for (let q = 0; q < 4; q++) {
      const [u0, u1, u2, u3] = [du[q], du[4 + q], du[8 + q], du[12 + q]]
      t[q] = a === 0 ? u0 + (u1 + u2) * 0.5 : a === 1 ? (u1 - u2) * 0.5 : (u1 + u2) * 0.5 + u3
    }
    target[to + a * 3] = t[0] + (t[1] + t[2]) * 0.5
    target[to + a * 3 + 1] = (t[1] - t[2]) * 0.5
    target[to + a * 3 + 2] = (t[1] + t[2]) * 0.5 + t[3]
  }
}

/**
 * dE/dw of every (m, c) with a NaN or ±∞ among its 9 taps in `target`, summed again directly
 * from x and dE/dy (Σ over batch, rows and columns of dE/dy · padded x, core's order): the
 * Winograd transforms spread a non-finite value to all 9 taps and can turn ±∞ into NaN.
 */
export function sumDirectly(x: Float64Array, gradOutput: Float64Array, geometry: ConvGeometry, target: FloatArray): void {
  const g = geometry
  const outPerGroup = g.outChannelsPerGroup
  const inPerGroup = g.inChannelsPerGroup
  let maps: { rows: Int32Array; cols: Int32Array } | null = null
  for (let m = 0; m < g.outChannels; m++) {
    const group = Math.floor(m / outPerGroup)
    for (let c = 0; c < inPerGroup; c++) {
      const at = (m * inPerGroup + c) * 9
      let finite = true
      for (let k = 0; k < 9; k++) finite &&= Number.isFinite(target[at + k])
      if (finite) continue
      maps ??= paddingMaps(g)
      const { rows, cols } = maps
      const channel = group * inPerGroup + c
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          // core's conv2dBackward: per batch item Σ padded x · dE/dy (zero padding as 0 · dE/dy)
          let total = 0
          for (let n = 0; n < g.batch; n++) {
            const plane = (n * g.inChannels + channel) * g.inH * g.inW
            const gradPlane = (n * g.outChannels + m) * g.outH * g.outW
            let sum = 0
            for (let i = 0; i < g.outH; i++) {
              const row = rows[i + a]
              for (let j = 0; j < g.outW; j++) {
                const col = cols[j + b]
                const value = row < 0 || col < 0 ? 0 : x[plane + row * g.inW + col]
                sum += value * gradOutput[gradPlane + i * g.outW + j]
              }
            }
            total += sum
          }
          target[at + a * 3 + b] = total
        }
      }
    }
  }
}
