// What the Matrix view highlights for what the pointer or the keyboard is on: a row (an output
// cell and the inputs it reads), a column (an input cell and every output it reaches) or one entry.

import type { LayerMatrix } from '../../../../core/conv-matrix'

export type MatrixFocus = { kind: 'row'; row: number } | { kind: 'col'; col: number } | { kind: 'entry'; row: number; col: number }

export interface Linked {
  /** Rows lit up (the row vector's cells). */
  rows: Set<number>
  /** Columns lit up (the column vector's cells). */
  cols: Set<number>
}

/** The rows and columns a focus links: a row's nonzero columns, a column's nonzero rows, an entry's row and column. */
export function linkedCells(matrix: LayerMatrix, byColumn: LayerMatrix, focus: MatrixFocus | null): Linked {
  const rows = new Set<number>()
  const cols = new Set<number>()
  if (!focus) return { rows, cols }
  if (focus.kind === 'row' || focus.kind === 'entry') {
    rows.add(focus.row)
    if (focus.kind === 'row') for (let e = matrix.rowStart[focus.row]; e < matrix.rowStart[focus.row + 1]; e++) cols.add(matrix.column[e])
  }
  if (focus.kind === 'col' || focus.kind === 'entry') {
    cols.add(focus.col)
    if (focus.kind === 'col') for (let e = byColumn.rowStart[focus.col]; e < byColumn.rowStart[focus.col + 1]; e++) rows.add(byColumn.column[e])
  }
  return { rows, cols }
}

/** The focus after an arrow key: up/down move the row, left/right the column; Home/End jump to the first/last. */
export function moveFocus(focus: MatrixFocus | null, key: string, rows: number, cols: number): MatrixFocus | null {
  const clamp = (value: number, count: number) => Math.max(0, Math.min(count - 1, value))
  const row = focus && focus.kind !== 'col' ? focus.row : -1
  const col = focus && focus.kind !== 'row' ? focus.col : -1
  switch (key) {
    case 'ArrowDown':
      return { kind: 'row', row: clamp(row + 1, rows) }
    case 'ArrowUp':
      return { kind: 'row', row: clamp(row < 0 ? 0 : row - 1, rows) }
    case 'ArrowRight':
      return { kind: 'col', col: clamp(col + 1, cols) }
    case 'ArrowLeft':
      return { kind: 'col', col: clamp(col < 0 ? 0 : col - 1, cols) }
    case 'Home':
      return focus?.kind === 'col' ? { kind: 'col', col: 0 } : { kind: 'row', row: 0 }
    case 'End':
      return focus?.kind === 'col' ? { kind: 'col', col: cols - 1 } : { kind: 'row', row: rows - 1 }
    case 'Escape':
      return null
    default:
      return focus
  }
}
