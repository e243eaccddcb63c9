// Shared shapes for the dumb grid renderer.

export interface Cell {
  r: number
  c: number
}

/** A set of cells given as the product of some rows and some columns (a conv window is one). */
export interface CellProduct {
  rows: readonly number[]
  cols: readonly number[]
}

/** The non-padding part of a padded grid. */
export interface InnerRegion {
  top: number
  left: number
  height: number
  width: number
}

export type PaintPhase = 'start' | 'move' | 'end'
