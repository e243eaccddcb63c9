// Tensor files to tensors: NumPy .npy, CSV (rows of numbers: a 2-D kernel) and JSON
// (nested arrays, or {"shape": [...], "data": [...]}). The extension picks the parser.

import { ConvolabError } from '../core/errors'
import { parseNpy } from '../core/npy'
import type { Tensor } from '../core/tensor'
import { formatShape, sizeOf } from '../core/tensor'
import { LIMITS } from '../contract'

export const TENSOR_EXTENSIONS = ['.npy', '.csv', '.json'] as const

export function readTensorFile(bytes: Uint8Array, name: string): Tensor {
  if (bytes.length > LIMITS.maxFileBytes) {
    throw new ConvolabError('file-too-large', { name, size: bytes.length, limit: LIMITS.maxFileBytes })
  }
  const lower = name.toLowerCase()
  if (lower.endsWith('.npy')) {
    const { shape, data } = parseNpy(bytes)
    return { shape, data }
  }
  if (lower.endsWith('.csv')) return parseCsvTensor(new TextDecoder().decode(bytes), name)
  if (lower.endsWith('.json')) return parseJsonTensor(new TextDecoder().decode(bytes), name)
  throw new ConvolabError('file-type', { name, expected: TENSOR_EXTENSIONS.join(', ') })
}

/** NaN and infinities are accepted as written by NumPy and spreadsheets, so they can be shown. */
function parseNumber(text: string): number | null {
  const word = text.trim().toLowerCase()
  if (word === 'nan') return NaN
  if (word === 'inf' || word === '+inf' || word === 'infinity' || word === '+infinity') return Infinity
  if (word === '-inf' || word === '-infinity') return -Infinity
  if (word === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(word)) return null
  return Number(word)
}

/** Rows of numbers separated by commas, semicolons, tabs or spaces; '#' starts a comment. */
export function parseCsvTensor(text: string, name: string): Tensor {
  const rows: number[][] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  lines.forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim()
    if (line === '') return
    const cells = line.split(/\s*[,;\t]\s*|\s+/)
    const row = cells.map((cell, column) => {
      const value = parseNumber(cell)
      if (value === null) {
        throw new ConvolabError('csv-parse', {
          name,
          line: index + 1,
          detail: `column ${column + 1}: '${cell.slice(0, 40)}' is not a number`,
        })
      }
      return value
    })
    if (rows.length > 0 && row.length !== rows[0].length) {
      throw new ConvolabError('csv-parse', {
        name,
        line: index + 1,
        detail: `${row.length} values, but the first row has ${rows[0].length}`,
      })
    }
    rows.push(row)
  })
  if (rows.length === 0) throw new ConvolabError('csv-parse', { name, line: 1, detail: 'no numbers found' })
  const shape = [rows.length, rows[0].length]
  checkSize(shape)
  return { shape, data: Float64Array.from(rows.flat()) }
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
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      return fail('"shape" must be a list of whole numbers of at least 1')
    }
    if (!Array.isArray(data)) return fail('"data" must be a list of numbers')
    const flat = flatten(data, fail)
    if (flat.length !== sizeOf(shape)) {
      return fail(`"data" has ${flat.length} values but the shape ${formatShape(shape)} needs ${sizeOf(shape)}`)
    }
    checkSize(shape)
    return { shape: [...shape], data: Float64Array.from(flat) }
  }
  if (!Array.isArray(value)) return fail('expected an array or an object')
  const shape = shapeOf(value, fail)
  checkSize(shape)
  return { shape, data: Float64Array.from(flatten(value, fail)) }
}

function jsonNumber(value: unknown, fail: (detail: string) => never): number {
  if (typeof value === 'number') return value
  // JSON has no NaN or infinity; accept them spelled as strings.
  if (typeof value === 'string') {
    const parsed = parseNumber(value)
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

function checkSize(shape: readonly number[]): void {
  if (shape.length > 4) {
    throw new ConvolabError('bad-rank', { name: 'tensor', rank: '1 to 4', layout: '', shape: formatShape(shape) })
  }
  const size = sizeOf(shape)
  if (size > LIMITS.maxTensorValues) {
    throw new ConvolabError('too-large', { name: 'tensor', value: size, limit: LIMITS.maxTensorValues })
  }
}
