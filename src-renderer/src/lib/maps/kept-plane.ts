// The plane a map shows, kept from the previous result while a new one brings the very same
// numbers: a bias edit changes one output channel, and with dE/dy = ones neither dE/dx nor dE/dw,
// so the maps of everything else are not coloured, copied and composited again.

import { keeper } from '../keeper'

/** values[offset .. offset + count) of one map. */
export interface Plane {
  values: ArrayLike<number>
  offset: number
  count: number
}

/** The same numbers bit for bit: 0 differs from −0 (they are written differently); NaN equals NaN (of another payload too, unless both are float arrays of one kind). */
export function samePlane(a: Plane, b: Plane): boolean {
  if (a.count !== b.count) return false
  if (a.values === b.values && a.offset === b.offset) return true
  // Two float arrays of one kind (the engine's maps): their bits, as integers, compared quickly
  const bits = (plane: Plane) => {
    const v = plane.values
    if (!(v instanceof Float32Array || v instanceof Float64Array)) return null
    const words = v.BYTES_PER_ELEMENT / 4
    return new Int32Array(v.buffer, v.byteOffset + plane.offset * v.BYTES_PER_ELEMENT, plane.count * words)
  }
  if (a.values.constructor === b.values.constructor) {
    const p = bits(a)
    const q = bits(b)
    if (p && q) {
      for (let k = 0; k < p.length; k++) if (p[k] !== q[k]) return false
      return true
    }
  }
  const x = a.values
  const y = b.values
  for (let k = 0; k < a.count; k++) {
    const u = x[a.offset + k]
    const v = y[b.offset + k]
    if (u === v ? u === 0 && 1 / u !== 1 / v : u === u || v === v) return false
  }
  return true
}

/**
 * Keeps a map's plane across results: returns the plane it kept while the new one holds the same
 * numbers, so a derived built on it (the map's pixels) is not run again. The values must not
 * change in place afterwards (results and drawings are replaced, never edited).
 */
export const planeKeeper = (): ((plane: Plane) => Plane) => keeper(samePlane)
