// Colour maps for feature maps: d3 scales from values to RGB, and the domain each map uses.

import { interpolateGreys, interpolateRdBu, interpolateViridis, rgb, scaleDiverging, scaleSequential } from 'd3'

export type ColourMap = 'auto' | 'viridis' | 'grayscale' | 'diverging'
export const COLOUR_MAPS: readonly ColourMap[] = ['auto', 'viridis', 'grayscale', 'diverging']

export interface ValueScale {
  (value: number): string
  domain(): number[]
  ticks(count?: number): number[]
  /** The colour at t in [0, 1] over the domain (0.5 is the middle, zero on a diverging scale). */
  interpolator(): (t: number) => string
}

/** 'auto' picks the diverging scale when values have both signs, viridis otherwise. */
export function resolveColourMap(map: ColourMap, min: number, max: number): Exclude<ColourMap, 'auto'> {
  if (map !== 'auto') return map
  return min < 0 && max > 0 ? 'diverging' : 'viridis'
}

/**
 * Scales made lately, by colour map and domain: a new result whose map has the range it had gets
 * the very same scale object, so the map and its colour bar are not drawn again. The scales are
 * never changed after they are made.
 */
const made = new Map<string, ValueScale>()
const MAX_SCALES = 256

export function valueScale(map: ColourMap, min: number, max: number): ValueScale {
  const lo = Number.isFinite(min) ? min : 0
  const hi = Number.isFinite(max) ? max : 1
  const chosen = resolveColourMap(map, lo, hi)
  const key = `${chosen} ${lo} ${hi}`
  const known = made.get(key)
  if (known) return known
  const scale = makeScale(chosen, lo, hi)
  if (made.size >= MAX_SCALES) made.delete(made.keys().next().value as string)
  made.set(key, scale)
  return scale
}

function makeScale(chosen: Exclude<ColourMap, 'auto'>, lo: number, hi: number): ValueScale {
  if (chosen === 'diverging') {
    // Centred on zero so that the sign is the hue; symmetric so equal magnitudes match.
    const extent = Math.max(Math.abs(lo), Math.abs(hi)) || 1
    return scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]) as unknown as ValueScale
  }
  const domain: [number, number] = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi]
  const interpolator = chosen === 'grayscale' ? (t: number) => interpolateGreys(1 - t) : interpolateViridis
  return scaleSequential(interpolator).domain(domain) as unknown as ValueScale
}

/**
 * Colour tables by the scale's colours, not its domain: valueScale's scales are linear over their
 * domain (a diverging one symmetric about 0), so step k of 256 is the interpolator at k/255 for
 * every domain. A change that moves a map's range (every bias edit) reuses the table instead of
 * building 256 colours per map again.
 */
const tables = new Map<string, { table: Uint8ClampedArray; words: Uint32Array }>()
const MAX_TABLES = 64

/** RGBA as one little-endian word (every platform the app runs on is little-endian). */
const word = (r: number, g: number, b: number): number => (r | (g << 8) | (b << 16) | (255 << 24)) >>> 0
const MAGENTA = word(255, 0, 255)

function cachedTable(scale: ValueScale): { table: Uint8ClampedArray; words: Uint32Array } {
  const at = scale.interpolator()
  const key = `${at(0)}|${at(0.25)}|${at(0.5)}|${at(0.75)}|${at(1)}`
  const known = tables.get(key)
  if (known) return known
  const table = new Uint8ClampedArray(256 * 3)
  const words = new Uint32Array(256)
  for (let k = 0; k < 256; k++) {
    const colour = rgb(at(k / 255))
    table[k * 3] = colour.r
    table[k * 3 + 1] = colour.g
    table[k * 3 + 2] = colour.b
    words[k] = word(colour.r, colour.g, colour.b)
  }
  if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value as string)
  const made = { table, words }
  tables.set(key, made)
  return made
}

/** A 256-entry RGB lookup table over the scale's domain, for painting big maps quickly. */
export function colourTable(scale: ValueScale): { table: Uint8ClampedArray; low: number; high: number } {
  const domain = scale.domain()
  const low = domain[0]
  const high = domain[domain.length - 1]
  return { table: cachedTable(scale).table, low, high }
}

/** RGBA pixels of a plane through a colour table; NaN and ±∞ show as magenta so they are never blank. */
export function paintPlane(values: ArrayLike<number>, offset: number, count: number, scale: ValueScale): Uint8ClampedArray {
  const domain = scale.domain()
  const low = domain[0]
  const high = domain[domain.length - 1]
  const { words } = cachedTable(scale)
  const span = high - low || 1
  const pixels = new Uint32Array(count)
  for (let k = 0; k < count; k++) {
    const v = values[offset + k]
    // v - v is 0 exactly for finite values (NaN for NaN and ±∞)
    if (v - v !== 0) {
      pixels[k] = MAGENTA
      continue
    }
    const t = ((v - low) / span) * 255
    pixels[k] = words[t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t)]
  }
  return new Uint8ClampedArray(pixels.buffer)
}

/** Black or white text, whichever reads better on an RGB background. */
export function textColourOn(r: number, g: number, b: number): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#000' : '#fff'
}
