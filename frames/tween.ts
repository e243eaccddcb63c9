// The window sliding between two steps: a frame model part-way from one step to the next, where
// each window outline (the one highlight colour) moves from where it was to where it goes. The
// cells marked one by one are left out while it moves; everything else is the next step's.

import type { FrameModel, Outline, Panel } from './panel'
import { COLOURS } from './panel'

const isWindow = (outline: Outline) => outline.colour === COLOURS.window && !outline.dashed

/** The model at fraction t (0 = `from`, 1 = `to`) of the move; `to` itself when nothing moves. */
export function tweenModel(from: FrameModel, to: FrameModel, t: number): FrameModel {
  if (t >= 1) return to
  let moved = false
  const columns = to.columns.map((column, c) => ({
    ...column,
    panels: column.panels.map((panel, p): Panel => {
      const before = from.columns[c]?.panels[p]
      const start = before?.outlines?.find(isWindow)
      const end = panel.outlines?.find(isWindow)
      // Only a window that exists in both steps on a panel of the same size slides.
      if (!start || !end || !before || before.rows !== panel.rows || before.cols !== panel.cols) return panel
      if (start.row === end.row && start.col === end.col && start.rows === end.rows && start.cols === end.cols) return panel
      moved = true
      const mix = (a: number, b: number) => a + (b - a) * t
      const sliding: Outline = {
        ...end,
        row: mix(start.row, end.row),
        col: mix(start.col, end.col),
        rows: mix(start.rows, end.rows),
        cols: mix(start.cols, end.cols),
      }
      return { ...panel, outlines: panel.outlines!.map((o) => (o === end ? sliding : o)), marked: undefined }
    }),
  }))
  return moved ? { ...to, columns } : to
}

/** Ease in and out, so the window starts and stops softly. */
export const easeInOut = (t: number) => (t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2)
