// A linear layer of the family as the sparse matrix C of "A guide to convolution arithmetic"
// (Dumoulin & Visin, section 4.1): y = C·x (+ b) for one batch item, rows the flattened output
// (C_out, H_out, W_out), columns the flattened input (C_in, H, W). Each entry keeps which weights
// add up into it, so a view can name w[o, i, p, q]. Structure only: values are the engine's.

import type { ConvGeometry, Conv2dOptions } from './geometry'
import { convGeometry, paddingMaps } from './geometry'
import type { ConvTranspose2dOptions } from './conv-transpose2d-geometry'
import { convTranspose2dGeometry } from './conv-transpose2d-geometry'
import { avgPoolDivisors, avgPoolGeometry } from './avg-pool2d'
import type { Pool2dOptions, PoolGeometry } from './pool-geometry'
import { poolGeometry } from './pool-geometry'
import type { Tensor } from './tensor'
import { ConvolabError } from './errors'

/** A (channels, height, width) block of one batch item, flattened in this order. */
export type PlaneShape = readonly [number, number, number]

/**
 * Compressed sparse rows: the entries of row r are rowStart[r] .. rowStart[r + 1] − 1, by
 * increasing column. Entry e is column[e], value[e]; its weight terms (flat indices into the
 * layer's weight, several when padded cells copy one input cell) are termWeight[termStart[e] ..
 * termStart[e + 1] − 1]; pools have none.
 */
export interface LayerMatrix {
  /** What the rows index: the output of y = C·x (or dE/dx for a transposed matrix). */
  rowShape: PlaneShape
  /** What the columns index. */
  colShape: PlaneShape
  rows: number
  cols: number
  rowStart: Int32Array
  column: Int32Array
  value: Float64Array
  termStart: Int32Array
  termWeight: Int32Array
}

const size = (shape: PlaneShape) => shape[0] * shape[1] * shape[2]

/** Builds the CSR arrays from one (column, value, weight index or −1) list per row, merging equal columns. */
class MatrixBuilder {
  private readonly rowStart: number[] = [0]
  private readonly column: number[] = []
  private readonly value: number[] = []
  private readonly termStart: number[] = [0]
  private readonly termWeight: number[] = []
  private pending: { col: number; value: number; weight: number }[] = []

  constructor(
    private readonly rowShape: PlaneShape,
    private readonly colShape: PlaneShape,
  ) {}

  add(col: number, value: number, weight = -1): void {
    this.pending.push({ col, value, weight })
  }

  endRow(): void {
    // stable sort: merged weight terms stay in the order the kernel visits them
    const cells = this.pending.sort((a, b) => a.col - b.col)
    for (let k = 0; k < cells.length;) {
      const col = cells[k].col
      let value = 0
      for (; k < cells.length && cells[k].col === col; k++) {
        value += cells[k].value
        if (cells[k].weight >= 0) this.termWeight.push(cells[k].weight)
      }
      this.column.push(col)
      this.value.push(value)
      this.termStart.push(this.termWeight.length)
    }
    this.rowStart.push(this.column.length)
    this.pending = []
  }

  build(): LayerMatrix {
    return {
      rowShape: this.rowShape,
      colShape: this.colShape,
      rows: size(this.rowShape),
      cols: size(this.colShape),
      rowStart: Int32Array.from(this.rowStart),
      column: Int32Array.from(this.column),
      value: Float64Array.from(this.value),
      termStart: Int32Array.from(this.termStart),
      termWeight: Int32Array.from(this.termWeight),
    }
  }
}

/**
 * C of a Conv2d geometry (batch ignored): row (m, i, j) holds w[m, c, a, b] at the input cell that
 * padded cell (i·S + a·D, j·S + b·D) copies; zero padding drops the term, reflect, replicate and
 * circular padding send it to an input cell that may already have one (their weights add).
 */
export function conv2dGeometryMatrix(geometry: ConvGeometry, weight: Float64Array): LayerMatrix {
  const g = geometry
  const { rows: sourceRow, cols: sourceCol } = paddingMaps(g)
  const builder = new MatrixBuilder([g.outChannels, g.outH, g.outW], [g.inChannels, g.inH, g.inW])
  const kernelPlane = g.kernelH * g.kernelW
  const inPlane = g.inH * g.inW
  for (let m = 0; m < g.outChannels; m++) {
    const group = Math.floor(m / g.outChannelsPerGroup)
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++) {
        for (let c = 0; c < g.inChannelsPerGroup; c++) {
          const channel = group * g.inChannelsPerGroup + c
          const kernel = (m * g.inChannelsPerGroup + c) * kernelPlane
          for (let a = 0; a < g.kernelH; a++) {
            const r = sourceRow[i * g.strideH + a * g.dilationH]
            if (r < 0) continue
            for (let b = 0; b < g.kernelW; b++) {
              const q = sourceCol[j * g.strideW + b * g.dilationW]
              if (q < 0) continue
              const w = kernel + a * g.kernelW + b
              builder.add(channel * inPlane + r * g.inW + q, weight[w], w)
            }
          }
        }
        builder.endRow()
      }
    }
  }
  return builder.build()
}

/** One batch item's shape (N, C, H, W) → (1, C, H, W): C is the same for every item. */
function oneItem(inputShape: readonly number[]): number[] {
  return inputShape.length === 4 ? [1, inputShape[1], inputShape[2], inputShape[3]] : [...inputShape]
}

/** C of nn.Conv2d(weight, options) on inputs of this shape. */
export function conv2dMatrix(inputShape: readonly number[], weight: Tensor, options: Conv2dOptions = {}): LayerMatrix {
  return conv2dGeometryMatrix(convGeometry(oneItem(inputShape), weight.shape, options), weight.data)
}

/** Mᵀ: rows and columns swapped, each entry keeping its value and weight terms. */
export function transposeMatrix(matrix: LayerMatrix): LayerMatrix {
  const count = new Int32Array(matrix.cols + 1)
  for (let e = 0; e < matrix.column.length; e++) count[matrix.column[e] + 1]++
  for (let c = 0; c < matrix.cols; c++) count[c + 1] += count[c]
  const rowStart = Int32Array.from(count)
  const next = Int32Array.from(count)
  const column = new Int32Array(matrix.column.length)
  const value = new Float64Array(matrix.value.length)
  const source = new Int32Array(matrix.column.length)
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.rowStart[r]; e < matrix.rowStart[r + 1]; e++) {
      const at = next[matrix.column[e]]++
      column[at] = r
      value[at] = matrix.value[e]
      source[at] = e
    }
  }
  const termStart = new Int32Array(column.length + 1)
  const termWeight = new Int32Array(matrix.termWeight.length)
  for (let e = 0; e < column.length; e++) {
    const from = matrix.termStart[source[e]]
    const to = matrix.termStart[source[e] + 1]
    termWeight.set(matrix.termWeight.subarray(from, to), termStart[e])
    termStart[e + 1] = termStart[e] + (to - from)
  }
  return { rowShape: matrix.colShape, colShape: matrix.rowShape, rows: matrix.cols, cols: matrix.rows, rowStart, column, value, termStart, termWeight }
}

/**
 * The forward matrix of nn.ConvTranspose2d(weight, options): Cᵀ, where C is the Conv2d of the same
 * weight, stride, padding, dilation and groups whose dE/dx this layer is (geometry.conv).
 */
export function convTranspose2dMatrix(inputShape: readonly number[], weight: Tensor, options: ConvTranspose2dOptions = {}): LayerMatrix {
  const geometry = convTranspose2dGeometry(oneItem(inputShape), weight.shape, options)
  return transposeMatrix(conv2dGeometryMatrix(geometry.conv, weight.data))
}

/** First and last+1 real input cell of each window on one axis (padding cells add nothing to the sum). */
function windowCells(out: number, stride: number, padding: number, kernel: number, inSize: number): { start: number; end: number }[] {
  return Array.from({ length: out }, (_, i) => {
    const first = i * stride - padding
    return { start: Math.max(first, 0), end: Math.min(first + kernel, inSize) }
  })
}

/** The matrix of nn.AvgPool2d(options): 1/divisor at every real cell of each window. */
export function avgPool2dMatrix(inputShape: readonly number[], options: Pool2dOptions): LayerMatrix {
  const g = avgPoolGeometry(oneItem(inputShape), options)
  const divisors = avgPoolDivisors(g)
  const rows = windowCells(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = windowCells(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const builder = new MatrixBuilder([g.channels, g.outH, g.outW], [g.channels, g.inH, g.inW])
  for (let c = 0; c < g.channels; c++) {
    const plane = c * g.inH * g.inW
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++) {
        const share = 1 / divisors[i * g.outW + j]
        for (let h = rows[i].start; h < rows[i].end; h++) {
          for (let w = cols[j].start; w < cols[j].end; w++) builder.add(plane + h * g.inW + w, share)
        }
        builder.endRow()
      }
    }
  }
  return builder.build()
}

/**
 * MaxPool2d is not linear; for one input it acts as a selection matrix: a 1 at each window's
 * argmax (PyTorch's indices: flat positions h·W + w in each input plane, of this batch item).
 */
export function maxPool2dSelection(inputShape: readonly number[], options: Pool2dOptions | PoolGeometry, indices: ArrayLike<number>): LayerMatrix {
  const g = 'outH' in options ? options : poolGeometry(oneItem(inputShape), options)
  const outPlane = g.outH * g.outW
  if (indices.length !== g.channels * outPlane) {
    throw new ConvolabError('data-size', {
      name: 'indices',
      got: indices.length,
      expected: g.channels * outPlane,
      shape: `(${g.channels}, ${g.outH}, ${g.outW})`,
    })
  }
  const builder = new MatrixBuilder([g.channels, g.outH, g.outW], [g.channels, g.inH, g.inW])
  for (let k = 0; k < indices.length; k++) {
    builder.add(Math.floor(k / outPlane) * g.inH * g.inW + indices[k], 1)
    builder.endRow()
  }
  return builder.build()
}

/** (c, h, w) of a flat index into a plane shape. */
export function planeIndex(index: number, shape: PlaneShape): [number, number, number] {
  const [, height, width] = shape
  return [Math.floor(index / (height * width)), Math.floor(index / width) % height, index % width]
}
