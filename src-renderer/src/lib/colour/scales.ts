// Colour maps for feature maps: d3 scales from values to RGB, and the domain each map uses.

import { interpolateGreys, interpolateRdBu, interpolateViridis, rgb, scaleDiverging, scaleSequential } from 'd3'

export type ColourMap = 'auto' | 'viridis' | 'grayscale' | 'diverging'
export const COLOUR_MAPS: readonly ColourMap[] = ['auto', 'viridis', 'grayscale', 'diverging']

export interface ValueScale {
  (value: number): string
  domain(): number[]
  ticks(count?: number): number[]
}

/** 'auto' picks the diverging scale when values have both signs, viridis otherwise. */
export function resolveColourMap(map: ColourMap, min: number, max: number): Exclude<ColourMap, 'auto'> {
  if (map !== 'auto') return map
  return min < 0 && max > 0 ? 'diverging' : 'viridis'
}

export function valueScale(map: ColourMap, min: number, max: number): ValueScale {
  const lo = Number.isFinite(min) ? min : 0
  const hi = Number.isFinite(max) ? max : 1
  const chosen = resolveColourMap(map, lo, hi)
  if (chosen === 'diverging') {
    // Centred on zero so that the sign is the hue; symmetric so equal magnitudes match.
    const extent = Math.max(Math.abs(lo), Math.abs(hi)) || 1
    return scaleDiverging((t: number) => interpolateRdBu(1 - t)).domain([-extent, 0, extent]) as unknown as ValueScale
  }
  const domain: [number, number] = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi]
  const interpolator = chosen === 'grayscale' ? (t: number) => interpolateGreys(1 - t) : interpolateViridis
  return scaleSequential(interpolator).domain(domain) as unknown as ValueScale
}

/** Colour tables by scale (kind, domain and colours), since maps of one tensor share their scale. */
const tables = new Map<string, { table: Uint8ClampedArray; low: number; high: number }>()
const MAX_TABLES = 64

/** A 256-entry RGB lookup table over the scale's domain, for painting big maps quickly. */
export function colourTable(scale: ValueScale): { table: Uint8ClampedArray; low: number; high: number } {
  const domain = scale.domain()
  const low = domain[0]
  const high = domain[domain.length - 1]
  const key = `${domain.join(',')}|${scale(low)}|${scale((low + high) / 2)}|${scale(low + (high - low) / 4)}|${scale(high)}`
  const known = tables.get(key)
  if (known) return known
  const table = new Uint8ClampedArray(256 * 3)
  for (let k = 0; k < 256; k++) {
    const colour = rgb(scale(low + ((high - low) * k) / 255))
    table[k * 3] = colour.r
    table[k * 3 + 1] = colour.g
    table[k * 3 + 2] = colour.b
  }
  if (tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value as string)
  const made = { table, low, high }
  tables.set(key, made)
  return made
}

/** RGBA as one little-endian word (every platform the app runs on is little-endian). */
const word = (r: number, g: number, b: number): number => (r | (g << 8) | (b << 16) | (255 << 24)) >>> 0
const MAGENTA = word(255, 0, 255)

/** RGBA pixels of a plane through a colour table; NaN and ±∞ show as magenta so they are never blank. */
export function paintPlane(values: ArrayLike<number>, offset: number, count: number, scale: ValueScale): Uint8ClampedArray {
  const { table, low, high } = colourTable(scale)
  const words = new Uint32Array(256)
  for (let k = 0; k < 256; k++) words[k] = word(table[k * 3], table[k * 3 + 1], table[k * 3 + 2])
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
