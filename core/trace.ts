// What one output cell is made of: the window, the products, the running sum, the bias.
// Hover, the forward animation and the exported frames all read these traces.

import type { ConvGeometry } from './geometry'
import { sourceIndex } from './geometry'

export interface OutputCell {
  n: number
  m: number
  i: number
  j: number
}

export interface WindowTerm {
  /** Input channel (absolute) and kernel position. */
  channel: number
  a: number
  b: number
  /** Row and column in the padded input. */
  paddedRow: number
  paddedCol: number
  /** Row and column of the input cell it reads, or -1 for a zero-padding cell. */
  sourceRow: number
  sourceCol: number
  weight: number
  input: number
  product: number
}

export interface CellTrace {
  cell: OutputCell
  terms: WindowTerm[]
  /** Σ of the products per input channel of the group, in order. */
  partialSums: number[]
  bias: number
  value: number
}

/** Flat index of an output cell in (N, M, outH, outW). */
export function outputIndex(geometry: ConvGeometry, cell: OutputCell): number {
  return ((cell.n * geometry.outChannels + cell.m) * geometry.outH + cell.i) * geometry.outW + cell.j
}

export function outputCellAt(geometry: ConvGeometry, index: number): OutputCell {
  const j = index % geometry.outW
  const i = Math.floor(index / geometry.outW) % geometry.outH
  const m = Math.floor(index / (geometry.outW * geometry.outH)) % geometry.outChannels
  const n = Math.floor(index / (geometry.outW * geometry.outH * geometry.outChannels))
  return { n, m, i, j }
}

/**
 * Traces one output cell from the unpadded input, reading padding through the geometry's mode,
 * in the seed's order: channel, then kernel row, then kernel column.
 */
export function traceCell(input: Float64Array, weight: Float64Array, bias: Float64Array | null, geometry: ConvGeometry, cell: OutputCell): CellTrace {
  const g = geometry
  const group = Math.floor(cell.m / g.outChannelsPerGroup)
  const terms: WindowTerm[] = []
  const partialSums: number[] = []
  let value = bias ? bias[cell.m] : 0
  for (let c = 0; c < g.inChannelsPerGroup; c++) {
    const channel = group * g.inChannelsPerGroup + c
    const plane = (cell.n * g.inChannels + channel) * g.inH * g.inW
    let partial = 0
    for (let a = 0; a < g.kernelH; a++) {
      const paddedRow = cell.i * g.strideH + a * g.dilationH
      const sourceRow = sourceIndex(paddedRow, g.padTop, g.inH, g.paddingMode)
      for (let b = 0; b < g.kernelW; b++) {
        const paddedCol = cell.j * g.strideW + b * g.dilationW
        const sourceCol = sourceIndex(paddedCol, g.padLeft, g.inW, g.paddingMode)
        const w = weight[((cell.m * g.inChannelsPerGroup + c) * g.kernelH + a) * g.kernelW + b]
        const x = sourceRow < 0 || sourceCol < 0 ? 0 : input[plane + sourceRow * g.inW + sourceCol]
        const product = w * x
        partial += product
        terms.push({ channel, a, b, paddedRow, paddedCol, sourceRow, sourceCol, weight: w, input: x, product })
      }
    }
    partialSums.push(partial)
    value += partial
  }
  return { cell, terms, partialSums, bias: bias ? bias[cell.m] : 0, value }
}

/** The output cells whose window covers padded input cell (paddedRow, paddedCol), for one map. */
export function cellsReading(geometry: ConvGeometry, paddedRow: number, paddedCol: number): Array<[number, number]> {
  const g = geometry
  const cells: Array<[number, number]> = []
  for (let a = 0; a < g.kernelH; a++) {
    const top = paddedRow - a * g.dilationH
    if (top < 0 || top % g.strideH !== 0) continue
    const i = top / g.strideH
    if (i >= g.outH) continue
    for (let b = 0; b < g.kernelW; b++) {
      const left = paddedCol - b * g.dilationW
      if (left < 0 || left % g.strideW !== 0) continue
      const j = left / g.strideW
      if (j < g.outW) cells.push([i, j])
    }
  }
  return cells
}
