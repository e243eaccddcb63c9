// A window of a stack's map around a unit's receptive field, and a display map stack cut to it:
// the region each frame of the backward animation from one unit shows (the page and the CLI).

import type { MapStack } from '../contract'

/** Rows first..last and columns first..last (inclusive) of one sample: a window of the input. */
export interface Window {
  rows: [number, number]
  cols: [number, number]
}

/** The window around a receptive field: the field and as much again on each side (at least `least` cells a side), inside the map. */
export function windowAround(field: Window, height: number, width: number, least = 24): Window {
  const around = (range: [number, number], size: number): [number, number] => {
    const span = range[1] - range[0] + 1
    const side = Math.min(size, Math.max(least, span * 3))
    const first = Math.max(0, Math.min(size - side, Math.round((range[0] + range[1]) / 2 - side / 2)))
    return [first, first + side - 1]
  }
  return { rows: around(field.rows, height), cols: around(field.cols, width) }
}

/** A window (in exact cells) of every plane of a display map stack, as a smaller stack (display cells looked up by position). */
export function cropMaps(maps: MapStack, window: Window): MapStack {
  const [n, c, h, w] = maps.shape
  const toDisplay = (v: number, exact: number, display: number) => Math.min(display - 1, Math.floor((v * display) / exact))
  const r0 = toDisplay(window.rows[0], h, maps.displayH)
  const r1 = toDisplay(window.rows[1], h, maps.displayH)
  const c0 = toDisplay(window.cols[0], w, maps.displayW)
  const c1 = toDisplay(window.cols[1], w, maps.displayW)
  const rows = r1 - r0 + 1
  const cols = c1 - c0 + 1
  const data = new Float32Array(n * c * rows * cols)
  const min = new Float64Array(n * c)
  const max = new Float64Array(n * c)
  for (let p = 0; p < n * c; p++) {
    let low = Infinity
    let high = -Infinity
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < cols; k++) {
        const v = maps.data[(p * maps.displayH + r0 + r) * maps.displayW + c0 + k]
        data[(p * rows + r) * cols + k] = v
        if (Number.isFinite(v)) {
          low = Math.min(low, v)
          high = Math.max(high, v)
        }
      }
    }
    min[p] = Number.isFinite(low) ? low : 0
    max[p] = Number.isFinite(high) ? high : 0
  }
  const box = Math.max(1, Math.round(Math.max(h / maps.displayH, w / maps.displayW)))
  // the shape of the window in exact cells, rounded to whole display cells
  return { shape: [n, c, Math.min(h, rows * box), Math.min(w, cols * box)], displayH: rows, displayW: cols, data, min, max, nonFinite: new Uint32Array(n * c) }
}
