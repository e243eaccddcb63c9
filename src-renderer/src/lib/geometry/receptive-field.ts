// Which padded-input cells each output cell reads, and which output cells each input cell feeds.
// A Conv2d window is separable (rows × columns), so the index map is two small tables per axis,
// computed once from the ConvGeometry and shared by hover, arithmetic and (later) animation.

import type { ConvGeometry } from '../../../../core/geometry'
import { paddingMaps } from '../../../../core/geometry'

export interface AxisMap {
  /** taps[i * kernel + a] = padded coordinate read by output index i at kernel offset a. */
  taps: Int32Array
  kernel: number
  /** Source (unpadded) coordinate of each padded coordinate, -1 for a zero pad. */
  source: Int32Array
  /** For each source coordinate, the sorted output indices whose window reads it. */
  influenced: Int32Array[]
}

export interface ReceptiveFieldMap {
  geometry: ConvGeometry
  rows: AxisMap
  cols: AxisMap
}

function axisMap(outSize: number, kernel: number, stride: number, dilation: number, source: Int32Array, inSize: number): AxisMap {
  const taps = new Int32Array(outSize * kernel)
  const sets: Set<number>[] = Array.from({ length: inSize }, () => new Set<number>())
  for (let i = 0; i < outSize; i++) {
    for (let a = 0; a < kernel; a++) {
      const padded = i * stride + a * dilation
      taps[i * kernel + a] = padded
      const from = source[padded]
      if (from >= 0) sets[from].add(i)
    }
  }
  const influenced = sets.map((set) => Int32Array.from([...set].sort((x, y) => x - y)))
  return { taps, kernel, source, influenced }
}

export function receptiveFieldMap(geometry: ConvGeometry): ReceptiveFieldMap {
  const g = geometry
  const { rows, cols } = paddingMaps(g)
  return {
    geometry: g,
    rows: axisMap(g.outH, g.kernelH, g.strideH, g.dilationH, rows, g.inH),
    cols: axisMap(g.outW, g.kernelW, g.strideW, g.dilationW, cols, g.inW),
  }
}

/** Padded rows and columns read by output cell (i, j): the window is their product. */
export function windowOf(map: ReceptiveFieldMap, i: number, j: number): { rows: number[]; cols: number[] } {
  const { rows, cols } = map
  return {
    rows: Array.from(rows.taps.subarray(i * rows.kernel, (i + 1) * rows.kernel)),
    cols: Array.from(cols.taps.subarray(j * cols.kernel, (j + 1) * cols.kernel)),
  }
}

/** Output rows and columns whose windows read input cell (r, c) (padding copies included). */
export function influenceOf(map: ReceptiveFieldMap, r: number, c: number): { rows: number[]; cols: number[] } {
  return { rows: Array.from(map.rows.influenced[r] ?? []), cols: Array.from(map.cols.influenced[c] ?? []) }
}

export interface Term {
  kernelRow: number
  kernelCol: number
  paddedRow: number
  paddedCol: number
  weight: number
  /** The value read: the input cell it copies, or 0 for zero padding. */
  value: number
  /** True when the cell lies in the padding. */
  padding: boolean
}

export interface ChannelSum {
  inputChannel: number
  terms: Term[]
  sum: number
}

export interface CellArithmetic {
  channels: ChannelSum[]
  bias: number
  value: number
}

/**
 * y[n, m, i, j] = b[m] + Σ_c Σ_a Σ_b w[m, c, a, b] · xpad[n, g·Cg + c, …], with each input
 * channel's partial sum kept apart so the view can show them.
 */
export function cellArithmetic(
  map: ReceptiveFieldMap,
  input: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  n: number,
  m: number,
  i: number,
  j: number,
): CellArithmetic {
  const g = map.geometry
  const group = Math.floor(m / g.outChannelsPerGroup)
  const channels: ChannelSum[] = []
  const bias0 = bias ? bias[m] : 0
  let total = bias0
  for (let c = 0; c < g.inChannelsPerGroup; c++) {
    const inputChannel = group * g.inChannelsPerGroup + c
    const plane = (n * g.inChannels + inputChannel) * g.inH * g.inW
    const kernel = (m * g.inChannelsPerGroup + c) * g.kernelH * g.kernelW
    const terms: Term[] = []
    let sum = 0
    for (let a = 0; a < g.kernelH; a++) {
      const paddedRow = map.rows.taps[i * g.kernelH + a]
      const row = map.rows.source[paddedRow]
      for (let b = 0; b < g.kernelW; b++) {
        const paddedCol = map.cols.taps[j * g.kernelW + b]
        const col = map.cols.source[paddedCol]
        const value = row < 0 || col < 0 ? 0 : input[plane + row * g.inW + col]
        const w = weight[kernel + a * g.kernelW + b]
        const inside = paddedRow >= g.padTop && paddedRow < g.padTop + g.inH && paddedCol >= g.padLeft && paddedCol < g.padLeft + g.inW
        terms.push({ kernelRow: a, kernelCol: b, paddedRow, paddedCol, weight: w, value, padding: !inside })
        sum += w * value
      }
    }
    channels.push({ inputChannel, terms, sum })
    total += sum
  }
  return { channels, bias: bias0, value: total }
}
