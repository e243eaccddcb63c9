// Places a frame's columns of panels in the space between the title and the formula lines:
// each column one cell size (tiny grids grow a little, so numbers fit), big grids shrunk to a fixed box.

import type { FrameSize } from './context'
import type { Panel, PanelColumn } from './panel'

/** A grid larger than this many cells per side is drawn in a box this size (in cells of the others). */
const LARGEST_SIDE_IN_CELLS = 20

export interface Metrics {
  /** The smallest text and numbers drawn: 14 px from 960×540 up (readable on a projected slide), less on smaller frames. */
  minText: number
  margin: number
  titleFont: number
  panelFont: number
  formulaFont: number
  legendFont: number
  columnGap: number
  rowGap: number
  panelTitle: number
}

export function metricsFor(size: FrameSize): Metrics {
  const base = Math.min(size.width, size.height * 1.6)
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v))
  // 960×540 (base 864) and larger: 14 px; a thumbnail-sized frame scales down to 7 px.
  const minText = clamp((base * 14) / 864, 7, 14)
  const titleFont = Math.max(clamp(base * 0.022, 10, 30), minText / 0.8)
  const panelFont = Math.max(clamp(base * 0.0135, 8, 18), minText)
  return {
    minText,
    margin: clamp(base * 0.015, 4, 32),
    titleFont,
    panelFont,
    formulaFont: Math.max(clamp(base * 0.016, 9, 22), minText),
    legendFont: Math.max(clamp(base * 0.011, 7, 14), minText),
    columnGap: panelFont * 3,
    rowGap: panelFont * 0.9,
    panelTitle: panelFont * 1.6,
  }
}

export function panelShrink(panel: Panel): number {
  return Math.min(1, LARGEST_SIDE_IN_CELLS / Math.max(panel.rows, panel.cols))
}

export interface PlacedPanel {
  panel: Panel
  x: number
  y: number
  cell: number
  /** Width available for its title (its column's). */
  titleWidth: number
}

export interface PlacedColumn {
  x: number
  width: number
  joiner?: string
  panels: PlacedPanel[]
}

export function layoutColumns(columns: PanelColumn[], area: { x: number; y: number; width: number; height: number }, metrics: Metrics): PlacedColumn[] {
  const units = columns.map((column) => ({
    width: Math.max(...column.panels.map((p) => p.cols * panelShrink(p))),
    height: column.panels.reduce((sum, p) => sum + p.rows * panelShrink(p), 0),
    fixed: column.panels.length * metrics.panelTitle + (column.panels.length - 1) * metrics.rowGap,
  }))
  const gaps = (columns.length - 1) * metrics.columnGap
  const tallest = area.height / 5
  // Each column as big as its height allows (tiny grids stay readable, not a wall of colour),
  // at most 1.6 times the smallest (or the column's own `grow`) so that sizes still compare; then all shrink to fit the width.
  const byHeight = units.map((u) => Math.min(tallest, (area.height - u.fixed) / u.height))
  const smallest = Math.min(...byHeight)
  let cells = byHeight.map((c, k) => Math.min(c, smallest * (columns[k].grow ?? 1.6)))
  const wanted = units.reduce((sum, u, k) => sum + u.width * cells[k], 0)
  if (wanted > area.width - gaps) cells = cells.map((c) => (c * (area.width - gaps)) / wanted)
  // Whole pixels per cell where cells are big, so grid lines and numbers sit crisply.
  cells = cells.map((c) => Math.max(0.5, c >= 8 ? Math.floor(c) : c))
  const usedWidth = units.reduce((sum, u, k) => sum + u.width * cells[k], 0) + gaps
  let x = area.x + Math.max(0, (area.width - usedWidth) / 2)
  return columns.map((column, k) => {
    const u = units[k]
    const cell = cells[k]
    const width = u.width * cell
    const height = u.height * cell + u.fixed
    let y = area.y + Math.max(0, (area.height - height) / 2)
    const panels = column.panels.map((panel) => {
      const panelCell = cell * panelShrink(panel)
      const placed = {
        panel,
        x: x + (width - panel.cols * panelCell) / 2,
        y: y + metrics.panelTitle,
        cell: panelCell,
        titleWidth: width + metrics.columnGap * 0.5,
      }
      y += metrics.panelTitle + panel.rows * panelCell + metrics.rowGap
      return placed
    })
    const placedColumn = { x, width, joiner: column.joiner, panels }
    x += width + metrics.columnGap
    return placedColumn
  })
}
