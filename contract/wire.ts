// The browser mode's wire format: one binary WebSocket frame per message, a JSON header plus the
// raw bytes of every typed array in it. Written here (about 100 lines) rather than taking
// msgpackr: it carries Float64Array/Float32Array/... both ways without copies through base64,
// keeps NaN and ±∞, has no dependency, and the server and the renderer import this same file.
//
// Frame: "CVL1" | u32 header length (LE) | header (UTF-8 JSON) | zero padding to 8 | chunks,
// each starting at a multiple of 8 so they can be viewed in place. A large array of one finite
// value (the maps of dE/dy = ones) travels as that value and its length, no bytes.

const MAGIC = [0x43, 0x56, 0x4c, 0x31] // "CVL1"
const TYPED = '\u0000typed'
const NUMBER = '\u0000number'

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray

const KINDS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
} as const
type Kind = keyof typeof KINDS

function kindOf(value: unknown): Kind | null {
  for (const [kind, Ctor] of Object.entries(KINDS)) if (value instanceof Ctor) return kind as Kind
  return null
}

/** defineProperty, not assignment: a "__proto__" key stays a plain key and changes no prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

const align8 = (n: number): number => (n + 7) & ~7

/** Arrays shorter than this are sent as bytes whatever they hold (not worth the scan). */
const FILL_FROM = 1024
/** Bytes a frame's filled arrays may make on the receiving side at most: the largest tensor's. */
const MAX_FILLED_BYTES = 64 * 1024 * 1024 * 8

/** The one value of a large array of a single finite value (not −0), else null; stops at the first other value. */
function fillOf(array: TypedArray): number | null {
  if (array.length < FILL_FROM) return null
  const first = array[0]
  if (!Number.isFinite(first) || Object.is(first, -0)) return null
  for (let k = 1; k < array.length; k++) if (array[k] !== first) return null
  return first
}

/** Encodes any JSON-like value that may hold typed arrays, NaN and ±∞. */
export function encodeMessage(value: unknown): Uint8Array {
  const chunks: TypedArray[] = []
  const table: Array<[Kind, number, number] | [Kind, number, number, number]> = []
  let offset = 0
  const replace = (node: unknown): unknown => {
    if (typeof node === 'number') return Number.isFinite(node) ? node : { [NUMBER]: String(node) }
    if (node === null || typeof node !== 'object') return node
    const kind = kindOf(node)
    if (kind) {
      const array = node as TypedArray
      const fill = fillOf(array)
      if (fill !== null) {
        table.push([kind, offset, array.length, fill])
        return { [TYPED]: table.length - 1 }
      }
      table.push([kind, offset, array.length])
      chunks.push(array)
      offset = align8(offset + array.byteLength)
      return { [TYPED]: table.length - 1 }
    }
    if (Array.isArray(node)) return node.map(replace)
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(node)) if (child !== undefined) define(out, key, replace(child))
    return out
  }
  const header = new TextEncoder().encode(JSON.stringify({ value: replace(value), chunks: table }))
  const start = align8(8 + header.length)
  const frame = new Uint8Array(start + offset)
  frame.set(MAGIC, 0)
  new DataView(frame.buffer).setUint32(4, header.length, true)
  frame.set(header, 8)
  const sent = table.filter((entry) => entry.length === 3)
  chunks.forEach((array, i) => {
    frame.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + sent[i][1])
  })
  return frame
}

/** Decodes a frame; throws an Error on anything that is not one. */
export function decodeMessage(frame: Uint8Array): unknown {
  if (frame.length < 8 || MAGIC.some((byte, i) => frame[i] !== byte)) throw new Error('not a Convolab frame')
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(4, true)
  if (8 + headerLength > frame.length) throw new Error('truncated frame header')
  const { value, chunks } = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headerLength))) as {
    value: unknown
    chunks: Array<[Kind, number, number, number?]>
  }
  const start = align8(8 + headerLength)
  let filled = 0
  const arrays = chunks.map(([kind, offset, length, fill]) => {
    const Ctor = KINDS[kind]
    if (!Ctor || !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
      throw new Error('bad chunk table')
    }
    if (fill !== undefined) {
      filled += length * Ctor.BYTES_PER_ELEMENT
      if (typeof fill !== 'number' || !Number.isFinite(fill) || filled > MAX_FILLED_BYTES) throw new Error('bad chunk table')
      return new Ctor(length).fill(fill)
    }
    const byteStart = frame.byteOffset + start + offset
    const byteLength = length * Ctor.BYTES_PER_ELEMENT
    if (start + offset + byteLength > frame.length) throw new Error('truncated frame data')
    // View in place when aligned; copy otherwise (Node may hand over a Buffer at any offset).
    if (byteStart % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(frame.buffer as ArrayBuffer, byteStart, length)
    return new Ctor(copyBytes(frame.subarray(start + offset, start + offset + byteLength)).buffer as ArrayBuffer, 0, length)
  })
  const revive = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node
    if (Array.isArray(node)) return node.map(revive)
    const record = node as Record<string, unknown>
    if (TYPED in record) {
      const array = arrays[record[TYPED] as number]
      if (!array) throw new Error('bad chunk reference')
      return array
    }
    if (NUMBER in record) return Number(record[NUMBER])
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(record)) define(out, key, revive(child))
    return out
  }
  return revive(value)
}

/** What travels on the socket. */
export type WireMessage =
  { kind: 'invoke'; id: number; method: string; request: unknown } | { kind: 'result'; id: number; result: unknown } | { kind: 'event'; event: unknown }

/**
 * A copy of `bytes` in a new ArrayBuffer of its own. Not `bytes.slice()`: on a Node Buffer (what
 * the socket delivers) slice is a view that shares the memory, so its `.buffer` is the whole
 * network buffer and reading it from offset 0 reads other bytes.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes)
}
