// Whether two documents hold the same work, value for value: what the unsaved mark compares, so a
// document is clean whenever it equals the file, however it got there (undo, redo, or an edit
// that puts the saved value back), and a new undo step alone never makes it unsaved.

import type { ConvDocument } from './document'

type Numbers = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | Uint16Array | Int16Array | Int8Array

/** Element for element; Object.is, so -0 differs from 0 and NaN equals NaN, as in the saved file's float64 bytes. */
function sameNumbers(a: Numbers, b: Numbers): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false
  return true
}

/** Plain data (numbers, strings, typed arrays, arrays, objects of them), compared by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    return ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && !(a instanceof DataView) && !(b instanceof DataView) && sameNumbers(a as Numbers, b as Numbers)
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  // A field left undefined is the same as a field left out (optional fields of a session).
  const keys = (o: object) => Object.keys(o).filter((key) => (o as Record<string, unknown>)[key] !== undefined)
  const keysA = keys(a)
  const keysB = keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

/**
 * The same work in both: input, kernel, bias, settings, layer, stack, upstream, learning, the
 * animation's view. An undo step's id is not work: two steps with the same values are the same document.
 */
export function sameDocument(a: ConvDocument, b: ConvDocument): boolean {
  if (a === b) return true
  const fieldsA = a as unknown as Record<string, unknown>
  const fieldsB = b as unknown as Record<string, unknown>
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  keys.delete('id')
  // The input (a photo's can be millions of values) last: a change elsewhere answers first.
  keys.delete('input')
  for (const key of keys) if (!sameValue(fieldsA[key], fieldsB[key])) return false
  return sameValue(a.input, b.input)
}
