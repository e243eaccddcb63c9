// Tensor files to tensors: NumPy .npy, CSV (core/csv: rows of numbers, or any tensor with its
// `# shape` line) and JSON (nested arrays, or {"shape": [...], "data": [...]}). The extension
// picks the parser.

import { decodeCsv, parseCsvNumber } from '../core/csv'
import { ConvolabError, type Notice } from '../core/errors'
import { parseNpy } from '../core/npy'
import type { Tensor } from '../core/tensor'
import { formatShape, sizeOf } from '../core/tensor'
import { LIMITS } from '../contract'

export const TENSOR_EXTENSIONS = ['.npy', '.csv', '.json'] as const

/** A tensor read from a file, with what the reader did that the user should know (a skipped header). */
export interface TensorFile {
  tensor: Tensor
  notices: Notice[]
}

export function readTensorFile(bytes: Uint8Array, name: string): TensorFile {
  if (bytes.length > LIMITS.maxFileBytes) {
    throw new ConvolabError('file-too-large', { name, size: bytes.length, limit: LIMITS.maxFileBytes })
  }
  const lower = name.toLowerCase()
  if (lower.endsWith('.npy')) {
    const { shape, data } = parseNpy(bytes)
    checkNotEmpty(shape, name)
    return { tensor: { shape, data }, notices: [] }
  }
  if (lower.endsWith('.csv')) {
    const read = decodeCsv(textOf(bytes), name)
    checkSize(read.tensor.shape, name)
    return read
  }
  if (lower.endsWith('.json')) return { tensor: parseJsonTensor(new TextDecoder().decode(bytes), name), notices: [] }
  throw new ConvolabError('file-type', { name, expected: TENSOR_EXTENSIONS.join(', ') })
}

export function parseJsonTensor(text: string, name: string): Tensor {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ConvolabError('json-tensor', { name, detail: (error as Error).message.slice(0, 200) })
  }
  const fail = (detail: string): never => {
    throw new ConvolabError('json-tensor', { name, detail })
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { shape, data } = value as { shape?: unknown; data?: unknown }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      return fail('"shape" must be a list of whole numbers of at least 1')
    }
    if (!Array.isArray(data)) return fail('"data" must be a list of numbers')
    const flat = flatten(data, fail)
    if (flat.length !== sizeOf(shape)) {
      return fail(`"data" has ${flat.length} values but the shape ${formatShape(shape)} needs ${sizeOf(shape)}`)
    }
    checkSize(shape, name)
    return { shape: [...shape], data: Float64Array.from(flat) }
  }
  if (!Array.isArray(value)) return fail('expected an array or an object')
  const shape = shapeOf(value, fail)
  checkSize(shape, name)
  return { shape, data: Float64Array.from(flatten(value, fail)) }
}

function jsonNumber(value: unknown, fail: (detail: string) => never): number {
  if (typeof value === 'number') return value
  // JSON has no NaN or infinity; accept them spelled as strings.
  if (typeof value === 'string') {
    const parsed = parseCsvNumber(value)
    if (parsed !== null && !Number.isFinite(parsed)) return parsed
  }
  return fail(`${JSON.stringify(value)?.slice(0, 40)} is not a number`)
}

/** Shape of a rectangular nested array; ragged or empty arrays are refused. */
function shapeOf(value: unknown[], fail: (detail: string) => never): number[] {
  const shape: number[] = []
  let level: unknown = value
  while (Array.isArray(level)) {
    if (level.length === 0) return fail('an empty list')
    shape.push(level.length)
    level = level[0]
  }
  const check = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) fail('the nesting is uneven')
      return
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      fail(`the lists at depth ${depth + 1} have different lengths`)
      return
    }
    node.forEach((child) => check(child, depth + 1))
  }
  check(value, 0)
  return shape
}

function flatten(value: unknown[], fail: (detail: string) => never): number[] {
  const out: number[] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else out.push(jsonNumber(node, fail))
  }
  walk(value)
  return out
}

/** UTF-8, or UTF-16 when it starts with its byte-order mark (a spreadsheet's "Unicode text"). */
function textOf(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  return new TextDecoder().decode(bytes)
}

/** A dimension of size 0 (an empty array saved by NumPy) is named, not left to fail later. */
function checkNotEmpty(shape: readonly number[], name: string): void {
  const empty = shape.indexOf(0)
  if (empty >= 0) throw new ConvolabError('empty-dimension', { name, axis: `${empty}`, shape: formatShape(shape) })
}

function checkSize(shape: readonly number[], name: string): void {
  checkNotEmpty(shape, name)
  if (shape.length > 4) {
    throw new ConvolabError('bad-rank', { name, rank: '1 to 4', layout: '', shape: formatShape(shape) })
  }
  const size = sizeOf(shape)
  if (size > LIMITS.maxTensorValues) {
    throw new ConvolabError('too-large', { name: 'tensor', value: size, limit: LIMITS.maxTensorValues })
  }
}
