// A unit of a stack and the outlines of its theoretical receptive field on the input and on every
// map before its layer (core's receptiveFields and unitBox; the exact reaching cells once a
// transposed layer is on the way): what the stack view outlines on hover and where the backward
// animation from that unit cuts each map, in the page and in `convolab export --unit` alike.

import type { Layer } from '../core/layer'
import { reachingCells, receptiveFields, unitBox } from '../core/receptive-field'
import type { StackPlan } from '../core/stack'

/** A hovered unit: layer −1 is the stack input. */
export interface StackUnit {
  layer: number
  n: number
  c: number
  row: number
  col: number
}

/** The outline on one map: first and last row and column (clipped to the map), and whether the field is a box there. */
export interface FieldOutline {
  /** −1: the input; k: layer k's output. */
  on: number
  rows: [number, number]
  cols: [number, number]
  /** The unclipped theoretical size in this map's cells. */
  size: [number, number]
  /** False when the exact cells are not the whole box (a transposed layer is on the way): `cells` lists them. */
  box: boolean
  cells?: { rows: number[]; cols: number[] }
}

/** Shape (N, C, H, W) of map `on` (−1: the input). */
export function mapShape(plan: StackPlan, on: number): number[] {
  return on < 0 ? plan.inputShape : plan.plans[on].outputShape
}

function clip(range: [number, number], size: number): [number, number] | null {
  const first = Math.max(0, Math.ceil(range[0] - 1e-9))
  const last = Math.min(size - 1, Math.floor(range[1] + 1e-9))
  return first > last ? null : [first, last]
}

/**
 * The outlines of `unit`'s receptive field on the input and every computed map before its layer,
 * and on its own map the unit itself. Maps the field misses entirely (all padding) get none.
 */
export function fieldOutlines(layers: readonly Layer[], plan: StackPlan, unit: StackUnit): FieldOutline[] {
  const outlines: FieldOutline[] = []
  if (unit.layer < 0 || unit.layer >= plan.plans.length) return outlines
  for (let on = -1; on < unit.layer; on++) {
    const field = receptiveFields(layers, plan, on).find((f) => f.layer === unit.layer)
    if (!field) continue
    const shape = mapShape(plan, on)
    if (field.box) {
      const box = unitBox(field, unit.row, unit.col)
      const rows = clip(box.rows, shape[2])
      const cols = clip(box.cols, shape[3])
      if (rows && cols) outlines.push({ on, rows, cols, size: [...field.size], box: true })
    } else {
      const cells = reachingCells(plan, unit.layer, [unit.n, unit.c, unit.row, unit.col], on)
      if (!cells.rows.length || !cells.cols.length) continue
      outlines.push({
        on,
        rows: [cells.rows[0], cells.rows[cells.rows.length - 1]],
        cols: [cells.cols[0], cells.cols[cells.cols.length - 1]],
        size: [...field.size],
        box: false,
        cells: { rows: cells.rows, cols: cells.cols },
      })
    }
  }
  outlines.push({ on: unit.layer, rows: [unit.row, unit.row], cols: [unit.col, unit.col], size: [1, 1], box: true })
  return outlines
}
