// The products a dE/dw or dE/dx value sums, read from the same index tables as the forward
// arithmetic, so the Backward tab can show a gradient's derivation with its real numbers.

import type { ReceptiveFieldMap } from './receptive-field'

/** One product of a gradient's sum: dE/dy at output (n, m, i, j) times an x or a w value. */
export interface GradientTerm {
  n: number
  m: number
  i: number
  j: number
  gradOutput: number
  /** x (for dE/dw; 0 for a zero pad) or w (for dE/dx). */
  factor: number
}

export interface GradientSum {
  terms: GradientTerm[]
  sum: number
}

/** Value read at padded (row, col) of input plane `plane`, or 0 in zero padding. */
function padded(map: ReceptiveFieldMap, input: Float64Array, plane: number, row: number, col: number): number {
  const r = map.rows.source[row]
  const c = map.cols.source[col]
  return r < 0 || c < 0 ? 0 : input[plane + r * map.geometry.inW + c]
}

/** dE/dw[m, c, a, b] = Σ_{n,i,j} dE/dy[n, m, i, j] · xpad[n, group·Cg + c, i·s + a·d, j·s + b·d]. */
export function gradWeightSum(map: ReceptiveFieldMap, input: Float64Array, gradOutput: Float64Array, m: number, c: number, a: number, b: number): GradientSum {
  const g = map.geometry
  const inputChannel = Math.floor(m / g.outChannelsPerGroup) * g.inChannelsPerGroup + c
  const terms: GradientTerm[] = []
  let sum = 0
  for (let n = 0; n < g.batch; n++) {
    const plane = (n * g.inChannels + inputChannel) * g.inH * g.inW
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++) {
        const dy = gradOutput[((n * g.outChannels + m) * g.outH + i) * g.outW + j]
        const x = padded(map, input, plane, map.rows.taps[i * g.kernelH + a], map.cols.taps[j * g.kernelW + b])
        terms.push({ n, m, i, j, gradOutput: dy, factor: x })
        sum += dy * x
      }
    }
  }
  return { terms, sum }
}

/**
 * dE/dx[n, c, r, s] = Σ dE/dy[n, m, i, j] · w[m, c − group·Cg, a, b] over every output (i, j) and
 * kernel offset (a, b) whose window reads input cell (r, s) (a reflected pad reads it again).
 */
export function gradInputSum(map: ReceptiveFieldMap, weight: Float64Array, gradOutput: Float64Array, n: number, c: number, r: number, s: number): GradientSum {
  const g = map.geometry
  const group = Math.floor(c / g.inChannelsPerGroup)
  const local = c - group * g.inChannelsPerGroup
  const terms: GradientTerm[] = []
  let sum = 0
  for (let m = group * g.outChannelsPerGroup; m < (group + 1) * g.outChannelsPerGroup; m++) {
    for (const i of map.rows.influenced[r] ?? []) {
      for (const j of map.cols.influenced[s] ?? []) {
        const dy = gradOutput[((n * g.outChannels + m) * g.outH + i) * g.outW + j]
        for (let a = 0; a < g.kernelH; a++) {
          if (map.rows.source[map.rows.taps[i * g.kernelH + a]] !== r) continue
          for (let b = 0; b < g.kernelW; b++) {
            if (map.cols.source[map.cols.taps[j * g.kernelW + b]] !== s) continue
            const w = weight[((m * g.inChannelsPerGroup + local) * g.kernelH + a) * g.kernelW + b]
            terms.push({ n, m, i, j, gradOutput: dy, factor: w })
            sum += dy * w
          }
        }
      }
    }
  }
  return { terms, sum }
}
