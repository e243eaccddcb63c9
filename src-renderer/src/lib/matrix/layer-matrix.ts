// The explorer's layer as the matrices the Matrix view draws: the forward matrix M (y = M·x) and
// Mᵀ (dE/dx = Mᵀ·dE/dy), with the names of their rows, columns and entries; or why there is none.

import type { LayerMatrix, PlaneShape } from '../../../../core/conv-matrix'
import { avgPool2dMatrix, conv2dMatrix, convTranspose2dMatrix, maxPool2dSelection, planeIndex, transposeMatrix } from '../../../../core/conv-matrix'
import { ConvolabError } from '../../../../core/errors'
import type { Conv2dOptions } from '../../../../core/geometry'
import { unravel } from '../../../../core/gradcheck'
import type { SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'

/** The view is for inputs up to this side: beyond it the matrix has too many cells to read. */
export const MATRIX_MAX_SIDE = 16
/** Cells of the drawn matrix (rows · columns) beyond which channels make it too large to draw. */
export const MATRIX_MAX_CELLS = 4_000_000

export type MatrixDirection = 'forward' | 'backward'

/** What a matrix of the view multiplies: its rows' vector (left of "=") and its columns' vector. */
export interface MatrixSide {
  /** 'y', 'x', 'dE/dy' or 'dE/dx'. */
  name: string
  shape: PlaneShape
}

export interface ShownMatrix {
  matrix: LayerMatrix
  /** The same matrix by columns (its transpose), for "every row this column reaches". */
  byColumn: LayerMatrix
  /** The vector the rows give (left of "=") and the vector the columns multiply. */
  rows: MatrixSide
  cols: MatrixSide
  /** 'C' or 'Cᵀ' (Conv2d, ConvTranspose2d), 'A' / 'Aᵀ' (AvgPool2d), 'S' / 'Sᵀ' (MaxPool2d). */
  symbol: string
}

export type LayerMatrices =
  | { kind: 'ok'; layer: SessionLayer['type']; forward: ShownMatrix; backward: ShownMatrix; weightShape: readonly number[] | null }
  | { kind: 'too-large'; height: number; width: number }
  | { kind: 'too-many-cells'; rows: number; cols: number }
  | { kind: 'needs-indices' }
  | { kind: 'error'; code: string; params: Record<string, string | number> }

export interface LayerParts {
  layer: SessionLayer
  inputShape: readonly number[]
  /** The document's weight (Conv2d: (C_out, C_in/g, KH, KW); ConvTranspose2d: (C_in, C_out/g, KH, KW)). */
  weight: Tensor
  /** The Conv2d's options (the settings panel's). */
  convOptions: Conv2dOptions
  /** MaxPool2d: the engine's argmax indices of the batch item shown, or null while there are none. */
  indices: ArrayLike<number> | null
}

function shown(matrix: LayerMatrix, rows: string, cols: string, symbol: string): ShownMatrix {
  return { matrix, byColumn: transposeMatrix(matrix), rows: { name: rows, shape: matrix.rowShape }, cols: { name: cols, shape: matrix.colShape }, symbol }
}

/** M of the layer's forward pass, or the reason the view cannot show one. */
function forwardMatrix(parts: LayerParts): { matrix: LayerMatrix; symbol: string } | LayerMatrices {
  const { layer, inputShape, weight } = parts
  switch (layer.type) {
    case 'conv2d':
      return { matrix: conv2dMatrix(inputShape, weight, parts.convOptions), symbol: 'C' }
    case 'conv-transpose2d':
      // its forward is Cᵀ, C the Conv2d it is the gradient of; C itself computes its dE/dx
      return { matrix: convTranspose2dMatrix(inputShape, weight, layer.options), symbol: 'Cᵀ' }
    case 'avg-pool2d':
      return { matrix: avgPool2dMatrix(inputShape, layer.options), symbol: 'A' }
    case 'max-pool2d':
      if (!parts.indices) return { kind: 'needs-indices' }
      return { matrix: maxPool2dSelection(inputShape, layer.options, parts.indices), symbol: 'S' }
  }
}

const transposedSymbol = (symbol: string) => (symbol.endsWith('ᵀ') ? symbol.slice(0, -1) : `${symbol}ᵀ`)

/** The forward and backward matrices of the explorer's layer for one batch item. */
export function layerMatrices(parts: LayerParts): LayerMatrices {
  const [, , height, width] = parts.inputShape
  if (height > MATRIX_MAX_SIDE || width > MATRIX_MAX_SIDE) return { kind: 'too-large', height, width }
  let made
  try {
    made = forwardMatrix(parts)
  } catch (error) {
    if (error instanceof ConvolabError) return { kind: 'error', code: error.code, params: error.params as Record<string, string | number> }
    throw error
  }
  if ('kind' in made) return made
  const { matrix, symbol } = made
  if (matrix.rows * matrix.cols > MATRIX_MAX_CELLS) return { kind: 'too-many-cells', rows: matrix.rows, cols: matrix.cols }
  const hasWeight = parts.layer.type === 'conv2d' || parts.layer.type === 'conv-transpose2d'
  return {
    kind: 'ok',
    layer: parts.layer.type,
    forward: shown(matrix, 'y', 'x', symbol),
    backward: shown(transposeMatrix(matrix), 'dE/dx', 'dE/dy', transposedSymbol(symbol)),
    weightShape: hasWeight ? parts.weight.shape : null,
  }
}

/** "y[n, c, i, j]": a row or column's cell of batch item n. */
export function cellName(side: MatrixSide, index: number, n: number): string {
  return `${side.name}[${[n, ...planeIndex(index, side.shape)].join(', ')}]`
}

/** The weights an entry is the sum of, as "w[o, i, p, q]" (several when padded cells copy one input cell). */
export function entryWeights(matrix: LayerMatrix, entry: number, weightShape: readonly number[] | null): string[] {
  if (!weightShape) return []
  const names: string[] = []
  for (let t = matrix.termStart[entry]; t < matrix.termStart[entry + 1]; t++) names.push(`w[${unravel(matrix.termWeight[t], weightShape).join(', ')}]`)
  return names
}

/** The entry at (row, col), or −1 for a structural zero. */
export function entryAt(matrix: LayerMatrix, row: number, col: number): number {
  let low = matrix.rowStart[row]
  let high = matrix.rowStart[row + 1] - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const at = matrix.column[middle]
    if (at === col) return middle
    if (at < col) low = middle + 1
    else high = middle - 1
  }
  return -1
}

/** A short label written inside an entry's cell: its kernel position "p,q", with channels "o,i,p,q" when there are several. */
export function entryLabel(matrix: LayerMatrix, entry: number, weightShape: readonly number[] | null): string {
  if (!weightShape) return ''
  const from = matrix.termStart[entry]
  if (matrix.termStart[entry + 1] - from !== 1) return '+'
  const index = unravel(matrix.termWeight[from], weightShape)
  return (weightShape[0] === 1 && weightShape[1] === 1 ? index.slice(2) : index).join(',')
}
