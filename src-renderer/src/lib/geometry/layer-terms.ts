// The terms behind one output cell of a pool or a transposed convolution, for the hover
// arithmetic: which input cells a pool window covers (with their values as the page holds them),
// the average's divisor and why, and every stamp x·w that reaches a transposed output cell. The
// cell's value itself is the engine's (probeStack); nothing here adds the terms up.

import type { ConvTranspose2dGeometry } from '../../../../core/conv-transpose2d-geometry'
import type { PoolGeometry } from '../../../../core/pool-geometry'

export interface WindowCell {
  /** Input row and column (may be outside the input: padding). */
  r: number
  c: number
  /** The input value, or null for a padding cell. */
  value: number | null
}

/** The window of pool output (i, j) on input plane (n, ch), row-major, dilation included. */
export function poolWindow(g: PoolGeometry, x: ArrayLike<number>, n: number, ch: number, i: number, j: number): WindowCell[] {
  const plane = (n * g.channels + ch) * g.inH * g.inW
  const cells: WindowCell[] = []
  for (let a = 0; a < g.kernelH; a++) {
    const r = i * g.strideH - g.padH + a * g.dilationH
    for (let b = 0; b < g.kernelW; b++) {
      const c = j * g.strideW - g.padW + b * g.dilationW
      const inside = r >= 0 && r < g.inH && c >= 0 && c < g.inW
      cells.push({ r, c, value: inside ? x[plane + r * g.inW + c] : null })
    }
  }
  return cells
}

/** The cells of a max-pool window equal to the engine's maximum (more than one: a tie, the first one wins). */
export function tiedCells(cells: readonly WindowCell[], max: number): WindowCell[] {
  return cells.filter((cell) => cell.value !== null && (cell.value === max || (Number.isNaN(max) && Number.isNaN(cell.value))))
}

export interface AvgDivisor {
  divisor: number
  reason: 'override' | 'padded' | 'real'
  /** The rows × columns counted (for 'padded' and 'real'). */
  h: number
  w: number
}

/** One axis of an average window: cells inside input + padding, and real input cells (PyTorch's rule, core/avg-pool2d.ts). */
function axisCount(index: number, stride: number, padding: number, kernel: number, size: number): { padded: number; real: number } {
  const first = index * stride - padding
  // a ceil-mode window may hang past input + padding; those cells count nowhere
  const last = Math.min(first + kernel, size + padding)
  return { padded: last - first, real: Math.min(last, size) - Math.max(first, 0) }
}

/** The divisor of average-pool output (i, j) and which rule gave it (SEMANTICS.md). */
export function avgDivisor(g: PoolGeometry, i: number, j: number): AvgDivisor {
  const rows = axisCount(i, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = axisCount(j, g.strideW, g.padW, g.kernelW, g.inW)
  if (g.divisorOverride !== null) return { divisor: g.divisorOverride, reason: 'override', h: rows.padded, w: cols.padded }
  if (g.countIncludePad) return { divisor: rows.padded * cols.padded, reason: 'padded', h: rows.padded, w: cols.padded }
  return { divisor: rows.real * cols.real, reason: 'real', h: rows.real, w: cols.real }
}

export interface Stamp {
  /** Input channel, row and column whose stamp reaches the cell, and the kernel tap (a, b) it reaches it with. */
  c: number
  p: number
  q: number
  a: number
  b: number
  x: number
  w: number
}

/**
 * Every stamp x[n, c, p, q] · w[c, m′, a, b] of a ConvTranspose2d that lands on output (n, m, i, j):
 * p·S − P + a·D = i and q·S − P + b·D = j, for the input channels of m's group (m′ = m within
 * its group). The weight is (C_in, C_out/groups, KH, KW).
 */
export function transposedStamps(
  g: ConvTranspose2dGeometry,
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  n: number,
  m: number,
  i: number,
  j: number,
): Stamp[] {
  const group = Math.floor(m / g.outChannelsPerGroup)
  const local = m % g.outChannelsPerGroup
  const stamps: Stamp[] = []
  for (let c = group * g.inChannelsPerGroup; c < (group + 1) * g.inChannelsPerGroup; c++) {
    for (let a = 0; a < g.kernelH; a++) {
      const rowOffset = i + g.padH - a * g.dilationH
      if (rowOffset < 0 || rowOffset % g.strideH !== 0) continue
      const p = rowOffset / g.strideH
      if (p >= g.inH) continue
      for (let b = 0; b < g.kernelW; b++) {
        const colOffset = j + g.padW - b * g.dilationW
        if (colOffset < 0 || colOffset % g.strideW !== 0) continue
        const q = colOffset / g.strideW
        if (q >= g.inW) continue
        stamps.push({
          c,
          p,
          q,
          a,
          b,
          x: x[((n * g.inChannels + c) * g.inH + p) * g.inW + q],
          w: weight[((c * g.outChannelsPerGroup + local) * g.kernelH + a) * g.kernelW + b],
        })
      }
    }
  }
  return stamps
}

/** The input rows and columns whose stamps reach transposed output (i, j): every stamp comes from one of these cells (a product of the two). */
export function transposedReach(g: ConvTranspose2dGeometry, i: number, j: number): { rows: number[]; cols: number[] } {
  const along = (out: number, kernel: number, stride: number, padding: number, dilation: number, size: number) => {
    const found: number[] = []
    for (let a = 0; a < kernel; a++) {
      const offset = out + padding - a * dilation
      if (offset >= 0 && offset % stride === 0 && offset / stride < size) found.push(offset / stride)
    }
    return [...new Set(found)].sort((x, y) => x - y)
  }
  const rows = along(i, g.kernelH, g.strideH, g.padH, g.dilationH, g.inH)
  const cols = along(j, g.kernelW, g.strideW, g.padW, g.dilationW, g.inW)
  // no stamp reaches the cell unless both axes have a source
  return rows.length && cols.length ? { rows, cols } : { rows: [], cols: [] }
}
