// Pieces every animation's frame uses: padding cells, window cells, the counter, the legend.

import { currentUnit, unitsDone } from '../core/animation'
import type { ConvGeometry } from '../core/geometry'
import type { CellKind, Outline } from './panel'
import { COLOURS } from './panel'
import type { Scene } from './scene'
import { scalesOf } from './scene'
import type { Words } from './text'
import { formatValue, wordsIn } from './text'

/**
 * What every convolution frame starts from at a step: the words of its language, its colour
 * scales and decimals, the units done, and the current unit (null before the first).
 */
export function frameStart(scene: Scene, step: number) {
  return {
    words: wordsIn(scene.options.language),
    scales: scalesOf(scene),
    decimals: scene.options.decimals,
    done: unitsDone(scene.plan, step),
    unit: currentUnit(scene.plan, step),
  }
}

export function paddingKind(g: ConvGeometry): (row: number, col: number) => CellKind {
  return (row, col) => (row < g.padTop || row >= g.padTop + g.inH || col < g.padLeft || col >= g.padLeft + g.inW ? 'padding' : 'value')
}

/** The span of a dilated kernel on each axis: D·(K−1) + 1. */
export function windowSpan(g: ConvGeometry): { rows: number; cols: number } {
  return { rows: g.dilationH * (g.kernelH - 1) + 1, cols: g.dilationW * (g.kernelW - 1) + 1 }
}

/** The window at (top, left) and the cells it reads (every D-th), for small grids. */
export function kernelWindow(g: ConvGeometry, top: number, left: number): { outline: Outline; marked: Array<[number, number]> } {
  const span = windowSpan(g)
  const marked: Array<[number, number]> = []
  for (let a = 0; a < g.kernelH; a++) {
    for (let b = 0; b < g.kernelW; b++) marked.push([top + a * g.dilationH, left + b * g.dilationW])
  }
  return { outline: { row: top, col: left, rows: span.rows, cols: span.cols, colour: COLOURS.window }, marked }
}

export function cropOutline(g: ConvGeometry): Outline {
  return { row: g.padTop, col: g.padLeft, rows: g.inH, cols: g.inW, colour: COLOURS.region, dashed: true }
}

export function counterText(scene: Scene, step: number): string {
  return `${wordsIn(scene.options.language).step} ${Math.max(0, step + 1)} / ${scene.plan.steps}`
}

export function legendText(words: Words, withInserted: boolean): string {
  return [words.padding, ...(withInserted ? [words.insertedZero] : []), words.notYet].join(' · ')
}

/** "= a (c=0) + b (c=1) + … = total", with at most `limit` terms written out. */
export function sumLine(parts: Array<{ value: number; label: string }>, total: number, decimals: number, limit = 6): string {
  const written = parts.slice(0, limit).map((p) => `${formatValue(p.value, decimals)} (${p.label})`)
  if (parts.length > limit) written.push(`… (${parts.length - limit})`)
  return `= ${written.join(' + ')} = ${formatValue(total, decimals)}`
}

/** "= 0.50·1.00 + … = total": every product written, for small windows. */
export function productLine(pairs: Array<[number, number]>, extra: number | null, total: number, decimals: number): string {
  // A negative factor is bracketed, as written by hand: (−1.00)·(−1.30), never −1.00·−1.30.
  const factor = (x: number) => (formatValue(x, decimals).startsWith('−') ? `(${formatValue(x, decimals)})` : formatValue(x, decimals))
  const terms = pairs.map(([u, v]) => `${factor(u)}·${factor(v)}`)
  if (extra !== null) terms.push(formatValue(extra, decimals))
  return `= ${terms.join(' + ')} = ${formatValue(total, decimals)}`
}

/** Flat index of (a, b, c, d) in a 4-D shape. */
export function flat4(shape: readonly number[], a: number, b: number, c: number, d: number): number {
  return ((a * shape[1] + b) * shape[2] + c) * shape[3] + d
}
