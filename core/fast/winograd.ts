// Winograd F(2×2, 3×3) for 3 × 3 stride-1 convolutions in float64 (core/wasm/winograd.as):
// each 2 × 2 block of outputs ("tile") from 16 products per input channel instead of 36, so
// 2.25× fewer multiplies. Exact in exact arithmetic; in float64 the transforms' additions round
// differently from the direct sum, by about 1e-16 of the sums' magnitude.

import type { ConvGeometry } from '../geometry'
import type { Dtype } from './memory-layout'
import { CHANNEL_BLOCK, channelBlocks } from './packing'

/** Products per tile and input channel: one for each of the 4 × 4 transformed positions. */
export const TILE_POSITIONS = 16

/**
 * Whether a convolution's geometry suits the Winograd kernels: 3 × 3, stride 1, dilation 1,
 * float64 (its grad-input is then a 3 × 3 stride-1 convolution too). Whether they pay is
 * winogradPays.
 */
export function winogradFits(geometry: ConvGeometry, dtype: Dtype): boolean {
  const g = geometry
  return dtype === 'f64' && g.kernelH === 3 && g.kernelW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1
}

/**
 * Whether one pass (a forward, or a grad-input: the convolution of dE/dy with the transposed
 * weight) runs on the Winograd kernel: with fewer than 8 input channels the transforms cost more
 * than the multiplies they save (measured: bench/README.md, Winograd). The number of output
 * channels does not decide it, so a convolution of some output channels alone gives those
 * channels' sums bit for bit as the whole one does (the engine recomputes only the channels
 * whose kernels changed); with 1 to 4 output channels it is about as fast as the direct kernel,
 * 2× slower with one.
 */
export function winogradPays(geometry: ConvGeometry, dtype: Dtype, inPerGroup: number): boolean {
  return winogradFits(geometry, dtype) && inPerGroup >= 8
}

/**
 * Rows [i0, i1) of part `part`: the parts' shares of whole tile rows (2 output rows), so every
 * output is computed in the same tile whatever the number of threads (the same bits).
 */
export function tileRowRange(rows: number, part: number, parts: number): [number, number] {
  const tiles = Math.ceil(rows / 2)
  const from = Math.floor((part * tiles) / parts) * 2
  const to = Math.min(rows, Math.floor(((part + 1) * tiles) / parts) * 2)
  return [from, to]
}

/** Tile pairs per strip of the kernel (WG_PAIRS in core/wasm/winograd.as). */
const STRIP_PAIRS = 16

/** Scratch bytes of one kernel call (one thread): the strip's transformed input and 16 sums of 4 channels × 2 vectors. */
export function winogradScratchBytes(inPerGroup: number): number {
  return inPerGroup * (TILE_POSITIONS * STRIP_PAIRS * 16 + 64) + TILE_POSITIONS * 128
}

/** Bytes of transformed weights for one group, [16 positions][4-channel blocks][C][4] float64. */
function transformedBytes(outPerGroup: number, inPerGroup: number): number {
  return TILE_POSITIONS * channelBlocks(outPerGroup) * inPerGroup * CHANNEL_BLOCK * 8
}

/**
 * Bytes of one group's packed weights: transformed, then as they are, (M, C, 3, 3), for the
 * outputs the kernel computes again directly (not finite).
 */
export function winogradWeightBytes(outPerGroup: number, inPerGroup: number): number {
  return transformedBytes(outPerGroup, inPerGroup) + outPerGroup * inPerGroup * 9 * 8
}

/**
 * U = G·g·Gᵀ for every (m, c) of `groups` groups, with G = [[1, 0, 0], [½, ½, ½], [½, −½, ½],
 * [0, 0, 1]], laid out per group as [position ξ][block of 4 output channels][c][channel in
 * block] (channels past the group's end get zeros), followed by the group's weights as they are.
 * weight: (M, C, 3, 3).
 */
export function packWinogradWeights(weight: Float64Array, outChannels: number, inPerGroup: number, groups: number, target: Float64Array, at: number): void {
  const outPerGroup = outChannels / groups
  const blocks = channelBlocks(outPerGroup)
  const groupElements = winogradWeightBytes(outPerGroup, inPerGroup) / 8
  const rows = new Float64Array(12)
  for (let group = 0; group < groups; group++) {
    const base = at + group * groupElements
    for (let local = 0; local < blocks * CHANNEL_BLOCK; local++) {
      for (let c = 0; c < inPerGroup; c++) {
        const u = local < outPerGroup ? transformedKernel(weight, ((group * outPerGroup + local) * inPerGroup + c) * 9, rows) : null
        const block = Math.floor(local / CHANNEL_BLOCK)
        for (let xi = 0; xi < TILE_POSITIONS; xi++) {
          target[base + ((xi * blocks + block) * inPerGroup + c) * CHANNEL_BLOCK + (local % CHANNEL_BLOCK)] = u ? u[xi] : 0
        }
      }
    }
    const own = outPerGroup * inPerGroup * 9
    target.set(weight.subarray(group * own, (group + 1) * own), base + transformedBytes(outPerGroup, inPerGroup) / 8)
  }
}

/** G·g·Gᵀ of the 3 × 3 kernel at `from` (row-major), as 16 values row-major. */
function transformedKernel(weight: Float64Array, from: number, rows: Float64Array): Float64Array {
  // G·g: 4 rows of 3
  for (let b = 0; b < 3; b++) {
    const g0 = weight[from + b]
    const g1 = weight[from + 3 + b]
    const g2 = weight[from + 6 + b]
    rows[b] = g0
    rows[3 + b] = (g0 + g1 + g2) * 0.5
    rows[6 + b] = (g0 - g1 + g2) * 0.5
    rows[9 + b] = g2
  }
  // (G·g)·Gᵀ: 4 × 4
  const u = new Float64Array(16)
  for (let a = 0; a < 4; a++) {
    const r0 = rows[a * 3]
    const r1 = rows[a * 3 + 1]
    const r2 = rows[a * 3 + 2]
    u[a * 4] = r0
    u[a * 4 + 1] = (r0 + r1 + r2) * 0.5
    u[a * 4 + 2] = (r0 - r1 + r2) * 0.5
    u[a * 4 + 3] = r2
  }
  return u
}
