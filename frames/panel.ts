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

/** The frame's colours on a white page: the default, and what exports use unless asked otherwise. */
export const LIGHT_COLOURS = {
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
}
export type FramePalette = typeof LIGHT_COLOURS
export type FrameTheme = 'light' | 'dark'

/** The same frame on a dark page: the window keeps its one highlight colour. */
export const DARK_COLOURS: FramePalette = {
  window: '#e6007e',
  written: '#f2f2f2',
  region: '#c9ced6',
  padding: '#3b404a',
  hatch: '#7d8592',
  blank: '#1b1e24',
  grid: '#4b515d',
  background: '#16181d',
  text: '#eceef1',
  muted: '#a9b0bb',
}

/**
 * The colours being drawn with. Every drawing function reads this one object; withPalette swaps
 * its contents for one synchronous paint (painting never awaits), so a dark canvas on screen
 * and a light exported frame can be drawn one after the other.
 */
export const COLOURS: FramePalette = { ...LIGHT_COLOURS }

export function withPalette<T>(theme: FrameTheme | undefined, draw: () => T): T {
  if (!theme || theme === 'light') return draw()
  const saved = { ...COLOURS }
  Object.assign(COLOURS, DARK_COLOURS)
  try {
    return draw()
  } finally {
    Object.assign(COLOURS, saved)
  }
}
