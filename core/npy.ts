// NumPy .npy files (format versions 1, 2 and 3): read numeric arrays of any dtype NumPy
// writes for real or integer data into float64, and write float64 arrays as np.save does.

import type { Params } from './errors'
import { ConvolabError } from './errors'
import type { PyValue } from './npy-header'
import { parsePythonLiteral } from './npy-header'

export interface NpyArray {
  shape: number[]
  data: Float64Array
  /** NumPy's name of the dtype read from the file: 'float64', 'float32', 'int16', 'bool', ... */
  dtype: string
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
const ALIGN = 64
/** np.save leaves room for the first axis to grow to this many digits (NumPy >= 1.23). */
const GROWTH_AXIS_MAX_DIGITS = 21

type Reader = (view: DataView, offset: number, littleEndian: boolean) => number

interface ElementType {
  name: string
  size: number
  read: Reader
}

const ELEMENT_TYPES: Record<string, ElementType> = {
  f8: { name: 'float64', size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { name: 'float32', size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  f2: { name: 'float16', size: 2, read: (v, o, le) => halfToNumber(v.getUint16(o, le)) },
  i1: { name: 'int8', size: 1, read: (v, o) => v.getInt8(o) },
  i2: { name: 'int16', size: 2, read: (v, o, le) => v.getInt16(o, le) },
  i4: { name: 'int32', size: 4, read: (v, o, le) => v.getInt32(o, le) },
  // 64-bit integers beyond 2^53 lose their last digits, as they would in any float64.
  i8: { name: 'int64', size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  u1: { name: 'uint8', size: 1, read: (v, o) => v.getUint8(o) },
  u2: { name: 'uint16', size: 2, read: (v, o, le) => v.getUint16(o, le) },
  u4: { name: 'uint32', size: 4, read: (v, o, le) => v.getUint32(o, le) },
  u8: { name: 'uint64', size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  b1: { name: 'bool', size: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
}

/** IEEE 754 half precision to a number (DataView has no getFloat16 in Node 20). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

/** What is missing from a truncated file, or wrong in its header: a reason word and its values. */
function truncated(reason: string, params: Params = {}): never {
  throw new ConvolabError('npy-truncated', { reason, ...params })
}

function badHeader(reason: string, params: Params = {}): never {
  throw new ConvolabError('npy-header', { reason, ...params })
}

interface Header {
  type: ElementType
  littleEndian: boolean
  fortranOrder: boolean
  shape: number[]
  dataOffset: number
}

function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < MAGIC.length || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new ConvolabError('npy-magic')
  }
  if (bytes.length < 8) truncated('version-missing')
  const [major, minor] = [bytes[6], bytes[7]]
  if (major < 1 || major > 3 || minor !== 0) throw new ConvolabError('npy-version', { version: `${major}.${minor}` })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const lengthSize = major === 1 ? 2 : 4
  if (bytes.length < 8 + lengthSize) truncated('header-length-missing')
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const headerStart = 8 + lengthSize
  const dataOffset = headerStart + headerLength
  if (dataOffset > bytes.length) {
    truncated('header-short', { needed: headerLength, left: bytes.length - headerStart })
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset)
  let text: string
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(headerBytes)
  } catch {
    badHeader('not-text')
  }
  const literal = parsePythonLiteral(text)
  if (typeof literal !== 'object' || literal === null || !('dict' in literal)) badHeader('not-dict')
  const keys = [...literal.dict.keys()].sort().join(', ')
  if (keys !== 'descr, fortran_order, shape') badHeader('keys', { keys: keys || '-' })
  const descr = literal.dict.get('descr') as PyValue
  const fortranOrder = literal.dict.get('fortran_order')
  if (typeof fortranOrder !== 'boolean') badHeader('fortran-order')
  return { ...readDescr(descr), fortranOrder, shape: readShape(literal.dict.get('shape') as PyValue), dataOffset }
}

function readDescr(descr: PyValue): { type: ElementType; littleEndian: boolean } {
  if (typeof descr !== 'string') throw new ConvolabError('npy-dtype', { dtype: 'structured' })
  const match = /^([<>|=]?)([a-zA-Z]\d*)$/.exec(descr)
  const type = match ? ELEMENT_TYPES[match[2]] : undefined
  if (!match || !type) throw new ConvolabError('npy-dtype', { dtype: descr })
  // '=' and '|' mean the writer's native order; every machine NumPy writes on today is little-endian.
  return { type, littleEndian: match[1] !== '>' }
}

function readShape(shape: PyValue): number[] {
  if (typeof shape !== 'object' || shape === null || !('tuple' in shape)) badHeader('shape-not-tuple')
  return shape.tuple.map((dim) => {
    if (typeof dim !== 'number' || dim < 0) badHeader('shape-dim', { dim: String(dim) })
    return dim
  })
}

/** Reads a .npy file into float64 values in C (row-major) order. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const header = readHeader(bytes)
  const { type, littleEndian, shape } = header
  const size = shape.reduce((product, dim) => product * dim, 1)
  const available = bytes.length - header.dataOffset
  if (size * type.size > available) {
    truncated('data-short', { shape: `(${shape.join(', ')})`, needed: size * type.size, present: available })
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, size * type.size)
  const data = new Float64Array(size)
  for (let k = 0; k < size; k++) data[k] = type.read(view, k * type.size, littleEndian)
  return { shape, data: header.fortranOrder ? fortranToC(data, shape) : data, dtype: type.name }
}

/** Reorders column-major values to row-major. */
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const rank = shape.length
  if (rank < 2) return values
  const result = new Float64Array(values.length)
  // Walk C order with an index counter while tracking the matching Fortran offset.
  const fortranStrides = new Array<number>(rank)
  let stride = 1
  for (let d = 0; d < rank; d++) {
    fortranStrides[d] = stride
    stride *= shape[d]
  }
  const index = new Array<number>(rank).fill(0)
  let source = 0
  for (let k = 0; k < values.length; k++) {
    result[k] = values[source]
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++
      source += fortranStrides[d]
      if (index[d] < shape[d]) break
      source -= fortranStrides[d] * shape[d]
      index[d] = 0
    }
  }
  return result
}

/** NumPy's dtype strings this file writes: float64, int64 (indices), and the exact integer forms of sessions. */
export type NpyWriteType = '<f8' | '<i8' | '|u1' | '<u2'

/** The magic, version, header length and header of an .npy file of this dtype and shape, as np.save writes them. */
export function npyHeader(descr: NpyWriteType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length))
  // Version 2.0 only when the header cannot fit in version 1.0's 16-bit length, as NumPy does.
  const major = dict.length + 1 + 10 + ALIGN <= 0xffff ? 1 : 2
  const prefix = major === 1 ? 10 : 12
  const padding = ALIGN - ((prefix + dict.length + 1) % ALIGN)
  const header = dict + ' '.repeat(padding) + '\n'
  const bytes = new Uint8Array(prefix + header.length)
  const view = new DataView(bytes.buffer)
  bytes.set(MAGIC, 0)
  bytes[6] = major
  bytes[7] = 0
  if (major === 1) view.setUint16(8, header.length, true)
  else view.setUint32(8, header.length, true)
  for (let i = 0; i < header.length; i++) bytes[prefix + i] = header.charCodeAt(i)
  return bytes
}

/** Writes float64 little-endian C-order values as a version 1.0 .npy file, byte for byte as np.save. */
export function encodeNpy(t: { shape: readonly number[]; data: Float64Array }): Uint8Array {
  return encodeTyped(t.shape, t.data, '<f8', (view, at, value) => view.setFloat64(at, value, true))
}

/**
 * Writes whole numbers as int64 little-endian, as np.save writes PyTorch's indices (max-pool's
 * return_indices); each value must be a safe integer.
 */
export function encodeNpyInt64(t: { shape: readonly number[]; data: ArrayLike<number> }): Uint8Array {
  return encodeTyped(t.shape, t.data, '<i8', (view, at, value) => view.setBigInt64(at, BigInt(value), true))
}

function encodeTyped(
  shape: readonly number[],
  data: ArrayLike<number>,
  descr: '<f8' | '<i8',
  write: (view: DataView, at: number, value: number) => void,
): Uint8Array {
  const size = shape.reduce((product, dim) => product * dim, 1)
  if (size !== data.length) {
    throw new ConvolabError('data-size', {
      name: 'the array',
      got: data.length,
      expected: size,
      shape: `(${shape.join(', ')})`,
    })
  }
  const header = npyHeader(descr, shape)
  const bytes = new Uint8Array(header.length + size * 8)
  const view = new DataView(bytes.buffer)
  bytes.set(header, 0)
  for (let k = 0; k < size; k++) write(view, header.length + k * 8, data[k])
  return bytes
}
