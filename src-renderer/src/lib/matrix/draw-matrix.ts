// Painting "rows vector = M · columns vector" on a 2D canvas: the vector of the rows on the left,
// the sparse matrix (structural zeros faint, entries coloured by value, labelled when they fit),
// the vector of the columns on the right; the focused and linked rows and columns lit up.

import type { LayerMatrix } from '../../../../core/conv-matrix'
import type { ValueScale } from '../colour/scales'
import { formatNumber } from '../i18n'
import type { Linked, MatrixFocus } from './links'

/** Room above the picture for the names of the three parts. */
const TOP = 22
/** Room for "=" and "·" between the parts. */
const GAP = 26
/** Below this cell size the vectors are coloured strips without numbers. */
const VALUE_MIN_PX = 12

export interface MatrixLayout {
  cellPx: number
  top: number
  vectorWidth: number
  rowsX: number
  matrixX: number
  colsX: number
  width: number
  height: number
  rows: number
  cols: number
}

export function matrixLayout(rows: number, cols: number, cellPx: number): MatrixLayout {
  const vectorWidth = cellPx >= VALUE_MIN_PX ? 64 : 18
  const matrixX = vectorWidth + GAP
  const colsX = matrixX + cols * cellPx + GAP
  return {
    cellPx,
    top: TOP,
    vectorWidth,
    rowsX: 0,
    matrixX,
    colsX,
    width: colsX + vectorWidth,
    height: TOP + Math.max(rows, cols) * cellPx,
    rows,
    cols,
  }
}

/** The largest whole cell size (at least 1 px, at most 40) that fits the matrix and its vectors in `width`. */
export function fitCellPx(cols: number, width: number): number {
  for (let cell = 40; cell > 1; cell--) if (matrixLayout(1, cols, cell).width <= width) return cell
  return 1
}

/** What a point of the picture is on: an entry, a row (its left vector cell) or a column (its right vector cell). */
export function hitTest(layout: MatrixLayout, x: number, y: number): MatrixFocus | null {
  const { cellPx, top, rows, cols } = layout
  const cell = Math.floor((y - top) / cellPx)
  if (y < top || cell < 0) return null
  if (x >= layout.rowsX && x < layout.rowsX + layout.vectorWidth && cell < rows) return { kind: 'row', row: cell }
  if (x >= layout.matrixX && x < layout.matrixX + cols * cellPx && cell < rows) {
    return { kind: 'entry', row: cell, col: Math.floor((x - layout.matrixX) / cellPx) }
  }
  if (x >= layout.colsX && x < layout.colsX + layout.vectorWidth && cell < cols) return { kind: 'col', col: cell }
  return null
}

export interface MatrixPalette {
  background: string
  zero: string
  grid: string
  block: string
  text: string
  highlight: string
  band: string
}

export interface MatrixPicture {
  matrix: LayerMatrix
  layout: MatrixLayout
  /** Colour of an entry's value (a diverging scale centred on zero). */
  entryScale: ValueScale
  /** Label written in an entry's cell when it fits (its w indices). */
  entryLabel: (entry: number) => string
  rowsName: string
  colsName: string
  symbol: string
  rowValues: Float64Array | null
  colValues: Float64Array | null
  rowScale: ValueScale | null
  colScale: ValueScale | null
  focus: MatrixFocus | null
  linked: Linked
  palette: MatrixPalette
}

/** Black or white text on a CSS colour from a d3 scale ("rgb(r, g, b)"). */
function textOn(colour: string): string {
  const parts = colour.match(/\d+/g)?.map(Number) ?? [255, 255, 255]
  return 0.299 * parts[0] + 0.587 * parts[1] + 0.114 * parts[2] > 140 ? '#000' : '#fff'
}

function drawVector(
  ctx: CanvasRenderingContext2D,
  x: number,
  top: number,
  count: number,
  picture: MatrixPicture,
  values: Float64Array | null,
  scale: ValueScale | null,
  lit: Set<number>,
  focused: number,
) {
  const { cellPx, vectorWidth } = picture.layout
  const { palette } = picture
  const writeValues = cellPx >= VALUE_MIN_PX && values !== null
  ctx.font = `${Math.min(12, cellPx - 3)}px ui-monospace, 'DejaVu Sans Mono', monospace`
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  for (let k = 0; k < count; k++) {
    const y = top + k * cellPx
    const colour = values && scale ? scale(values[k]) : palette.zero
    ctx.fillStyle = colour
    ctx.fillRect(x, y, vectorWidth, cellPx)
    if (writeValues) {
      ctx.fillStyle = textOn(colour)
      ctx.fillText(formatNumber(values[k], 3), x + vectorWidth - 3, y + cellPx / 2 + 0.5)
    }
  }
  ctx.strokeStyle = palette.grid
  ctx.lineWidth = 1
  ctx.strokeRect(x + 0.5, top + 0.5, vectorWidth - 1, count * cellPx - 1)
  for (const k of lit) outline(ctx, x, top + k * cellPx, vectorWidth, cellPx, palette.highlight, k === focused ? 3 : 2)
}

function outline(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, colour: string, width: number) {
  ctx.strokeStyle = colour
  ctx.lineWidth = width
  ctx.strokeRect(x + width / 2, y + width / 2, Math.max(1, w - width), Math.max(1, h - width))
}

export function drawMatrix(ctx: CanvasRenderingContext2D, picture: MatrixPicture): void {
  const { matrix, layout, palette, linked, focus } = picture
  const { cellPx, top, matrixX } = layout
  const matrixW = matrix.cols * cellPx
  const matrixH = matrix.rows * cellPx
  ctx.fillStyle = palette.background
  ctx.fillRect(0, 0, layout.width, layout.height)

  // the names above the parts, and "=" and "·" between them
  ctx.fillStyle = palette.text
  ctx.font = `600 13px system-ui, sans-serif`
  ctx.textBaseline = 'alphabetic'
  ctx.textAlign = 'center'
  ctx.fillText(picture.rowsName, layout.rowsX + layout.vectorWidth / 2, top - 7)
  ctx.fillText(picture.symbol, matrixX + matrixW / 2, top - 7)
  ctx.fillText(picture.colsName, layout.colsX + layout.vectorWidth / 2, top - 7)
  ctx.font = `600 18px system-ui, sans-serif`
  ctx.textBaseline = 'middle'
  const middle = top + Math.min(matrixH, 240) / 2
  ctx.fillText('=', layout.vectorWidth + 13, middle)
  ctx.fillText('·', matrixX + matrixW + 13, middle)

  // structural zeros: one faint rectangle, with cell lines when cells are large enough to see them
  ctx.fillStyle = palette.zero
  ctx.fillRect(matrixX, top, matrixW, matrixH)
  if (cellPx >= 6) {
    ctx.strokeStyle = palette.grid
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let r = 0; r <= matrix.rows; r++) {
      ctx.moveTo(matrixX, top + r * cellPx + 0.5)
      ctx.lineTo(matrixX + matrixW, top + r * cellPx + 0.5)
    }
    for (let c = 0; c <= matrix.cols; c++) {
      ctx.moveTo(matrixX + c * cellPx + 0.5, top)
      ctx.lineTo(matrixX + c * cellPx + 0.5, top + matrixH)
    }
    ctx.stroke()
  }

  // the linked rows and columns as bands under the entries
  ctx.fillStyle = palette.band
  for (const r of linked.rows) ctx.fillRect(matrixX, top + r * cellPx, matrixW, cellPx)
  for (const c of linked.cols) ctx.fillRect(matrixX + c * cellPx, top, cellPx, matrixH)

  const gap = cellPx >= 6 ? 1 : 0
  const labelFont = Math.min(11, Math.floor(cellPx * 0.42))
  ctx.font = `${labelFont}px system-ui, sans-serif`
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.rowStart[r]; e < matrix.rowStart[r + 1]; e++) {
      const x = matrixX + matrix.column[e] * cellPx
      const y = top + r * cellPx
      const colour = picture.entryScale(matrix.value[e])
      ctx.fillStyle = colour
      ctx.fillRect(x + gap, y + gap, cellPx - gap, cellPx - gap)
      if (labelFont >= 7) {
        const label = picture.entryLabel(e)
        if (label && ctx.measureText(label).width <= cellPx - 2) {
          ctx.fillStyle = textOn(colour)
          ctx.fillText(label, x + cellPx / 2, y + cellPx / 2 + 0.5)
        }
      }
    }
  }

  // channel blocks: a line between the planes of the rows and of the columns
  const rowPlane = matrix.rowShape[1] * matrix.rowShape[2]
  const colPlane = matrix.colShape[1] * matrix.colShape[2]
  ctx.strokeStyle = palette.block
  ctx.lineWidth = 1.5
  ctx.beginPath()
  for (let r = rowPlane; r < matrix.rows; r += rowPlane) {
    ctx.moveTo(matrixX, top + r * cellPx)
    ctx.lineTo(matrixX + matrixW, top + r * cellPx)
  }
  for (let c = colPlane; c < matrix.cols; c += colPlane) {
    ctx.moveTo(matrixX + c * cellPx, top)
    ctx.lineTo(matrixX + c * cellPx, top + matrixH)
  }
  ctx.stroke()
  ctx.strokeStyle = palette.block
  ctx.lineWidth = 1
  ctx.strokeRect(matrixX + 0.5, top + 0.5, matrixW - 1, matrixH - 1)

  // the focus: its row and/or column outlined across the matrix
  const lineWidth = cellPx >= 8 ? 2 : 1
  if (focus && focus.kind !== 'col') outline(ctx, matrixX, top + focus.row * cellPx, matrixW, cellPx, palette.highlight, lineWidth)
  if (focus && focus.kind !== 'row') outline(ctx, matrixX + focus.col * cellPx, top, cellPx, matrixH, palette.highlight, lineWidth)

  const focusRow = focus && focus.kind !== 'col' ? focus.row : -1
  const focusCol = focus && focus.kind !== 'row' ? focus.col : -1
  drawVector(ctx, layout.rowsX, top, matrix.rows, picture, picture.rowValues, picture.rowScale, linked.rows, focusRow)
  drawVector(ctx, layout.colsX, top, matrix.cols, picture, picture.colValues, picture.colScale, linked.cols, focusCol)
}
