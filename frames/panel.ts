// One annotated grid on a frame: a 2-D slice of a tensor, how each cell is drawn, and outlines.
// Frames are made of panels; paint.ts lays them out and draws them.

import type { LineChart } from './chart'
import type { ColourScale } from './colours'

/** padding: a cell the padding added (hatched); inserted: a zero the stride dilation inserted. */
export type CellKind = 'value' | 'padding' | 'inserted'

export interface Outline {
  row: number
  col: number
  rows: number
  cols: number
  colour: string
  /** Dashed when it marks a region rather than the cells being read. */
  dashed?: boolean
}

export interface Panel {
  title: string
  /** Drawn stronger: the panel the step is working in (e.g. the current output channel). */
  current?: boolean
  rows: number
  cols: number
  /** The value of a cell; NaN draws a blank cell (not computed yet). */
  value(row: number, col: number): number
  kind?(row: number, col: number): CellKind
  scale: ColourScale
  outlines?: Outline[]
  /** Cells read by the step (dilated windows leave gaps between them): framed one by one. */
  marked?: Array<[number, number]>
  /** Cells just written, framed in the current colour. */
  written?: Array<[number, number]>
}

/** A column of panels; `joiner` is the operator drawn between this column and the previous one. */
export interface PanelColumn {
  panels: Panel[]
  joiner?: string
  /** How much larger than the smallest column's its cells may grow (1.6 by default): a 3×3 kernel beside 16×16 maps needs more to show its numbers. */
  grow?: number
}

export interface FrameModel {
  title: string
  counter: string
  columns: PanelColumn[]
  /** The step's arithmetic with numbers, one line each. */
  formula: string[]
  legend: string
  /** A chart beside the panels (the learning animation's loss curve). */
  chart?: LineChart
}

/** A panel over a Float64Array plane (row-major), with an optional kind per cell. */
export function planePanel(
  title: string,
  values: ArrayLike<number>,
  offset: number,
  rows: number,
  cols: number,
  scale: ColourScale,
  extra: Partial<Panel> = {},
): Panel {
  return { title, rows, cols, scale, value: (r, c) => values[offset + r * cols + c], ...extra }
}

/** Chooses at most `limit` indices from 0..count−1 that include `current`, in order. */
export function shownIndices(count: number, current: number, limit: number): number[] {
  if (count <= limit) return Array.from({ length: count }, (_, k) => k)
  const start = Math.max(0, Math.min(count - limit, current - Math.floor(limit / 2)))
  return Array.from({ length: limit }, (_, k) => start + k)
}

export const COLOURS = {
  window: '#e6007e',
  written: '#111111',
  region: '#444444',
  padding: '#d9d9d9',
  hatch: '#9a9a9a',
  blank: '#ffffff',
  grid: '#bdbdbd',
  background: '#ffffff',
  text: '#111111',
  muted: '#666666',
} as const
