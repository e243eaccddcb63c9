// Highlighted cells kept across results: the region outlined on every feature map is the same
// cells after a bias edit, and the same object then leaves the maps as they are drawn.

import { keeper } from '../keeper'
import type { CellProduct } from './types'

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, k) => v === b[k])

/** The same rows and the same columns, in the same order. */
export function sameCells(a: CellProduct | null, b: CellProduct | null): boolean {
  if (a === b) return true
  return a !== null && b !== null && sameList(a.rows, b.rows) && sameList(a.cols, b.cols)
}

/** Returns the cells it kept while the new ones are the same cells, else the new ones. */
export const cellsKeeper = (): ((cells: CellProduct | null) => CellProduct | null) => keeper(sameCells)
