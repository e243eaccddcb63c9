// Colour scales for cells: diverging and centred on zero for signed values, sequential for images.
// Each scale is a 256-entry table, so a cell's colour is the same as a fill string or as pixels.

import { scaleDiverging, scaleSequential } from 'd3-scale'
import { interpolateGreys, interpolatePuOr, interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic'
import { rgb } from 'd3-color'

export type SequentialMap = 'viridis' | 'grayscale'
export type DivergingMap = 'RdBu' | 'PuOr'

export interface ColourScale {
  /** 0..255 index of a value in the table (NaN is not asked for). */
  index(value: number): number
  /** "rgb(r,g,b)" per index. */
  fills: string[]
  /** r, g, b per index. */
  rgb: Uint8Array
  /** Text colour that reads on each index: dark on light cells, light on dark ones. */
  ink: string[]
}

const LEVELS = 256

function table(interpolator: (t: number) => string, toT: (value: number) => number): ColourScale {
  const fills: string[] = []
  const ink: string[] = []
  const channels = new Uint8Array(LEVELS * 3)
  for (let k = 0; k < LEVELS; k++) {
    const colour = rgb(interpolator(k / (LEVELS - 1)))
    const [r, g, b] = [Math.round(colour.r), Math.round(colour.g), Math.round(colour.b)]
    channels.set([r, g, b], k * 3)
    fills.push(`rgb(${r},${g},${b})`)
    // Relative luminance (sRGB approximated): dark text above the middle grey.
    ink.push(0.2126 * r + 0.7152 * g + 0.0722 * b > 140 ? '#111111' : '#ffffff')
  }
  const index = (value: number): number => {
    const t = toT(value)
    if (!Number.isFinite(t)) return LEVELS >> 1
    return Math.max(0, Math.min(LEVELS - 1, Math.round(t * (LEVELS - 1))))
  }
  return { index, fills, rgb: channels, ink }
}

/** Signed values: white at zero, warm for positive, cool for negative, symmetric in ±limit. */
export function divergingScale(limit: number, map: DivergingMap = 'RdBu'): ColourScale {
  const bound = limit > 0 && Number.isFinite(limit) ? limit : 1
  const base = map === 'PuOr' ? interpolatePuOr : interpolateRdBu
  // Reversed so that positive is red (RdBu) / orange (PuOr), as heat maps of gradients usually are.
  const scale = scaleDiverging((t: number) => t).domain([bound, 0, -bound])
  return table(
    (t) => base(t),
    (value) => scale(value),
  )
}

/** Images and other non-negative inputs: viridis or grey from the minimum to the maximum. */
export function sequentialScale(low: number, high: number, map: SequentialMap = 'viridis'): ColourScale {
  const [lo, hi] = high > low ? [low, high] : [low - 0.5, low + 0.5]
  const scale = scaleSequential((t: number) => t).domain([lo, hi])
  // Greys runs light to dark; images read the other way round.
  const interpolator = map === 'grayscale' ? (t: number) => interpolateGreys(1 - t) : interpolateViridis
  return table(interpolator, (value) => scale(value))
}

export function maxAbs(values: ArrayLike<number>): number {
  let limit = 0
  for (let k = 0; k < values.length; k++) {
    const v = Math.abs(values[k])
    if (v > limit && Number.isFinite(v)) limit = v
  }
  return limit
}

export function extent(values: ArrayLike<number>): [number, number] {
  let low = Infinity
  let high = -Infinity
  for (let k = 0; k < values.length; k++) {
    const v = values[k]
    if (!Number.isFinite(v)) continue
    if (v < low) low = v
    if (v > high) high = v
  }
  return low <= high ? [low, high] : [0, 1]
}
