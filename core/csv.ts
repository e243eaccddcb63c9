// Tensors as CSV, for spreadsheets, both ways. Layout written:
//   # shape (N, C, H, W)              first line: the full shape
//   # [0, 0, :, :]                    one block per leading index (n, c), a comment line each,
//   x00,x01,...                       then H rows of W comma-separated values,
//   ...
//                                     and an empty line between blocks.
// 1-D and 2-D tensors are a single block with no index line. Values are written with the
// shortest text that reads back to the same float64 (NaN as nan, infinities as inf / -inf).
// The reader (decodeCsv) takes the `# shape` line back, so any tensor the app exports round-trips;
// other '#' lines are comments.

import { ConvolabError, type Notice } from './errors'
import type { Tensor } from './tensor'
import { formatShape } from './tensor'

function number(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  // String(-0) is "0"; keep the sign so that the file reads back to the same float64.
  return Object.is(value, -0) ? '-0' : String(value)
}

export function encodeCsv(tensor: Tensor): string {
  const shape = tensor.shape.length === 0 ? [1] : tensor.shape
  const width = shape[shape.length - 1]
  const height = shape.length >= 2 ? shape[shape.length - 2] : 1
  const leading = shape.slice(0, -2)
  const blocks = leading.reduce((product, dim) => product * dim, 1)
  const lines = [`# shape ${formatShape(shape)}`]
  for (let block = 0; block < blocks; block++) {
    if (leading.length > 0) {
      const index: number[] = []
      let rest = block
      for (let axis = leading.length - 1; axis >= 0; axis--) {
        index.unshift(rest % leading[axis])
        rest = Math.floor(rest / leading[axis])
      }
      if (block > 0) lines.push('')
      lines.push(`# [${[...index, ':', ':'].join(', ')}]`)
    }
    for (let row = 0; row < height; row++) {
      const start = (block * height + row) * width
      lines.push(Array.from(tensor.data.subarray(start, start + width), number).join(','))
    }
  }
  return lines.join('\n') + '\n'
}

export interface CsvRead {
  tensor: Tensor
  notices: Notice[]
}

/** One cell's text; a quoted cell ("0,5") may hold a decimal comma whatever the separator. */
interface Cell {
  text: string
  quoted: boolean
}

/** The separator tells the decimal mark, as spreadsheets write it: ';' or a tab means decimal commas. */
interface Dialect {
  separator: string
  decimalComma: boolean
}

/**
 * ';' (or a tab) between values means decimal commas ("0,5;0,25"); ',' or spaces mean decimal
 * points. A first line `sep=X` (the spreadsheets' hint) names the separator.
 */
function dialectOf(dataLines: readonly string[], declared: string | null): Dialect {
  const separator = declared ?? (dataLines.some((l) => l.includes(';')) ? ';' : dataLines.some((l) => l.includes('\t')) ? '\t' : ',')
  return { separator, decimalComma: separator !== ',' }
}

/** Cells of one line, with double-quoted cells as spreadsheets write them ("" is a quote). */
function splitCells(line: string, { separator }: Dialect): Cell[] {
  const cells: Cell[] = []
  let text = ''
  let quoted = false
  let inQuotes = false
  const push = (): void => {
    const trimmed = quoted ? text : text.trim()
    // With ',' as the separator, spaces also separate values ("1 2 3", "1, 2, 3").
    if (separator === ',' && !quoted && /\S\s+\S/.test(trimmed)) trimmed.split(/\s+/).forEach((part) => cells.push({ text: part, quoted: false }))
    else cells.push({ text: trimmed, quoted })
    text = ''
    quoted = false
  }
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (inQuotes) {
      if (char === '"' && line[i + 1] === '"') text += line[++i]
      else if (char === '"') inQuotes = false
      else text += char
    } else if (char === '"' && text.trim() === '') {
      inQuotes = true
      quoted = true
      text = ''
    } else if (char === separator) push()
    else text += char
  }
  push()
  return cells
}

/** NaN and infinities are accepted as NumPy, spreadsheets and Convolab itself write them. */
export function parseCsvNumber(text: string, decimalComma = false): number | null {
  // U+2212 is the minus sign Convolab displays; a copied value must read back.
  let word = text
    .trim()
    .toLowerCase()
    .replace(/\u2212/g, '-')
  if (word === 'nan') return NaN
  if (/^\+?(inf|infinity|∞)$/.test(word)) return Infinity
  if (/^-(inf|infinity|∞)$/.test(word)) return -Infinity
  if (decimalComma && /^[^,.]*,[^,.]*$/.test(word)) word = word.replace(',', '.')
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(word)) return null
  return Number(word)
}

interface Row {
  line: number
  text: string
  cells: Cell[]
}

/**
 * Reads what a spreadsheet, NumPy's savetxt or Convolab's own CSV export writes: BOM, CRLF,
 * `sep=` line, '#' comments, `# shape (…)` (the rows are then reshaped to it), a header row of
 * names (skipped, with a notice). Ragged rows and words are refused with the line number.
 */
export function decodeCsv(text: string, name: string): CsvRead {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)
  const notices: Notice[] = []
  let declaredSep: string | null = null
  let declaredShape: number[] | null = null
  const data: { line: number; text: string }[] = []
  for (const [index, raw] of lines.entries()) {
    const sepMatch = /^\s*"?sep=(.)"?\s*$/i.exec(raw)
    if (sepMatch && data.length === 0 && declaredSep === null) {
      declaredSep = sepMatch[1]
      continue
    }
    const comment = raw.indexOf('#')
    if (comment >= 0) {
      const shape = /^#\s*shape\s*\(([\d,\s]*)\)\s*$/i.exec(raw.slice(comment).trim())
      if (shape && declaredShape === null && data.length === 0) declaredShape = shapeFrom(shape[1], name, index + 1)
    }
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim()
    if (line !== '') data.push({ line: index + 1, text: line })
  }
  const dialect = dialectOf(
    data.map((d) => d.text),
    declaredSep,
  )
  const rows: Row[] = data.map(({ line, text }) => ({ line, text, cells: withoutTrailingEmpty(splitCells(text, dialect)) }))
  if (rows.length > 0 && isHeader(rows[0].cells, dialect.decimalComma)) {
    const header = rows.shift() as Row
    notices.push({ code: 'csv-header', params: { name, line: header.line, header: header.text.slice(0, 60) } })
  }
  if (rows.length === 0) throw new ConvolabError('csv-empty', { name })
  const width = rows[0].cells.length
  const values: number[] = []
  for (const row of rows) {
    if (row.cells.length !== width) throw raggedRow(name, row, width, rows[0], dialect)
    row.cells.forEach((cell, column) => {
      const value = parseCsvNumber(cell.text, dialect.decimalComma || cell.quoted)
      if (value === null) {
        throw new ConvolabError('csv-value', { name, line: row.line, column: column + 1, text: cell.text.slice(0, 40) })
      }
      values.push(value)
    })
  }
  const shape = declaredShape ?? [rows.length, width]
  if (declaredShape !== null) {
    const size = declaredShape.reduce((product, dim) => product * dim, 1)
    const last = declaredShape[declaredShape.length - 1]
    if (size !== values.length || last !== width) {
      throw new ConvolabError('csv-shape', { name, shape: formatShape(declaredShape), size, count: values.length, width })
    }
  }
  return { tensor: { shape, data: Float64Array.from(values) }, notices }
}

function shapeFrom(text: string, name: string, line: number): number[] {
  const dims = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number)
  const zero = dims.findIndex((dim) => dim < 1)
  if (zero >= 0) throw new ConvolabError('empty-dimension', { name: `${name}, line ${line}`, axis: `${zero}`, shape: formatShape(dims) })
  return dims.length === 0 ? [1] : dims
}

/** A spreadsheet's "1;2;3;;" has empty trailing cells from a wider sheet: they are no values. */
function withoutTrailingEmpty(cells: Cell[]): Cell[] {
  let end = cells.length
  while (end > 1 && cells[end - 1].text === '' && !cells[end - 1].quoted) end--
  return end === cells.length ? cells : cells.slice(0, end)
}

/** A first row with words and no number at all is a header of names, as spreadsheets export. */
function isHeader(cells: readonly Cell[], decimalComma: boolean): boolean {
  return cells.every((cell) => parseCsvNumber(cell.text, decimalComma || cell.quoted) === null && /\p{L}/u.test(cell.text))
}

/** The row's count differs from the first row's: say both and the most likely reason. */
function raggedRow(name: string, row: Row, width: number, first: Row, dialect: Dialect): ConvolabError {
  let cause = row.cells.length > width ? 'extra' : 'missing'
  if (row.cells.some((cell) => cell.text === '' && !cell.quoted)) cause = 'empty-cell'
  // "0,5,0,25" with ',' between values: decimal commas split each number in two (said as a hint:
  // a file of whole numbers cannot tell).
  else if (!dialect.decimalComma && ![row, first].some((r) => r.text.includes('.'))) cause = 'decimal-comma'
  return new ConvolabError('csv-ragged', { name, line: row.line, got: row.cells.length, expected: width, firstLine: first.line, cause })
}
