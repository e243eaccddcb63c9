// CSV as people write it (fixtures in tests/core/csv/): spreadsheets in Spanish (';' and decimal
// commas), Excel's sep= line, BOM, CRLF, header rows, the Unicode minus, quoted cells; Convolab's
// own export read back to the same shape and float64 values; ragged rows refused with a reason.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCsv, encodeCsv } from '../../core/csv'
import { ConvolabError } from '../../core/errors'
import { formatMessage, messageOf } from '../../messages'

const fixture = (name: string) => readFileSync(join(__dirname, 'csv', name), 'utf8')

function refusal(run: () => unknown): ConvolabError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConvolabError)
    return error as ConvolabError
  }
  throw new Error('expected a refusal')
}

describe('CSV from spreadsheets', () => {
  it("reads ';' with decimal commas, as a spreadsheet in Spanish writes it, to (2, 2)", () => {
    for (const name of ['spanish-spreadsheet.csv', 'sep-line.csv', 'quoted-decimal-comma.csv']) {
      const { tensor, notices } = decodeCsv(fixture(name), name)
      expect(tensor.shape, name).toEqual([2, 2])
      expect([...tensor.data], name).toEqual([0.5, 0.25, 1.5, -1.5])
      expect(notices, name).toEqual([])
    }
  })

  it('skips a header row of names with a notice, after a BOM, and reads the Unicode minus', () => {
    const { tensor, notices } = decodeCsv(fixture('bom-header-unicode-minus.csv'), 'sobel.csv')
    expect(tensor.shape).toEqual([3, 3])
    expect([...tensor.data]).toEqual([1, 0, -1, 2, 0, -2, 1, 0, -1])
    expect(notices).toEqual([{ code: 'csv-header', params: { name: 'sobel.csv', line: 1, header: 'w0;w1;w2' } }])
    expect(formatMessage(notices[0].code, notices[0].params, 'en')).toBe("sobel.csv: line 1 ('w0;w1;w2') is a row of names, not numbers; it was skipped")
    expect(formatMessage(notices[0].code, notices[0].params, 'es')).toMatch(/se ha omitido/)
  })

  it('reads tab-separated values with decimal commas, and drops empty cells at the end of rows', () => {
    expect([...decodeCsv(fixture('tab-decimal-comma.csv'), 't.csv').tensor.data]).toEqual([1, 2.5, 3, -0.75])
    const trailing = decodeCsv(fixture('trailing-empty-cells.csv'), 't.csv').tensor
    expect(trailing.shape).toEqual([2, 3])
    expect([...trailing.data]).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('keeps reading commas, spaces, comments and decimal points as before', () => {
    const { tensor } = decodeCsv('# sobel x\n-1, 0, 1\n-2,0,2\n-1 0 1e0\n', 'k.csv')
    expect(tensor.shape).toEqual([3, 3])
    expect([...tensor.data]).toEqual([-1, 0, 1, -2, 0, 2, -1, 0, 1])
    expect([...decodeCsv('1.5;2.25\n', 'k.csv').tensor.data]).toEqual([1.5, 2.25])
    expect([...decodeCsv('−0.25,−∞,nan\n', 'k.csv').tensor.data]).toEqual([-0.25, -Infinity, NaN])
  })
})

describe('refusals', () => {
  it('a ragged row: the line, both counts and the likely cause, in English and Spanish', () => {
    const error = refusal(() => decodeCsv(fixture('ragged-decimal-comma.csv'), 'k.csv'))
    expect(error.code).toBe('csv-ragged')
    expect(error.params).toMatchObject({ line: 2, got: 5, expected: 4, firstLine: 1, cause: 'decimal-comma' })
    expect(messageOf(error, 'en')).toBe(
      "k.csv, line 2: 5 values, but the first row (line 1) has 4. If the numbers use decimal commas (0,5), separate the values with ';' (or add a first line sep=;), as a spreadsheet in Spanish does.",
    )
    expect(messageOf(error, 'es')).toMatch(/^k\.csv, línea 2: 5 valores, pero la primera fila \(línea 1\) tiene 4\. Si los números usan coma decimal/)
    const short = refusal(() => decodeCsv('1.5,2.5,3\n4.5,5.5\n', 'k.csv'))
    expect(short.params).toMatchObject({ line: 2, got: 2, expected: 3, cause: 'missing' })
    const hole = refusal(() => decodeCsv('1;2;3\n4;;6;7\n', 'k.csv'))
    expect(hole.params).toMatchObject({ line: 2, got: 4, expected: 3, cause: 'empty-cell' })
    const one = refusal(() => decodeCsv('1.5;2.5\n4.5\n', 'k.csv'))
    expect(messageOf(one, 'en')).toBe(
      'k.csv, line 2: 1 value, but the first row (line 1) has 2. A value is missing from this row, or the rows have different lengths.',
    )
    expect(messageOf(one, 'es')).toMatch(/^k\.csv, línea 2: 1 valor, pero/)
  })

  it('a word among numbers names the line and column; a file of comments holds no numbers', () => {
    const word = refusal(() => decodeCsv('1,2\n3,x\n', 'k.csv'))
    expect(word.code).toBe('csv-value')
    expect(word.params).toMatchObject({ line: 2, column: 2, text: 'x' })
    expect(refusal(() => decodeCsv('# nothing\n\n', 'k.csv')).code).toBe('csv-empty')
  })

  it('a # shape line that does not match the rows', () => {
    const error = refusal(() => decodeCsv(fixture('shape-too-few.csv'), 'x.csv'))
    expect(error.code).toBe('csv-shape')
    expect(error.params).toMatchObject({ shape: '(2, 3, 2)', size: 12, count: 10, width: 2 })
    expect(refusal(() => decodeCsv('# shape (2, 0)\n', 'x.csv')).code).toBe('empty-dimension')
  })
})

describe("Convolab's own CSV export round-trips", () => {
  it('any N-D tensor, to the same shape and float64 values (NaN, ±∞, −0 included)', () => {
    for (const shape of [[7], [2, 3], [2, 3, 4], [2, 2, 3, 5], [1, 1, 1, 1, 2]]) {
      const size = shape.reduce((a, b) => a * b, 1)
      const data = Float64Array.from({ length: size }, (_, k) => Math.sin(k * 1.7) / (k + 0.3) ** 3)
      data[0] = -0
      if (size > 3) data.set([NaN, Infinity, -Infinity], 1)
      const back = decodeCsv(encodeCsv({ shape, data }), 'x.csv').tensor
      expect(back.shape).toEqual(shape)
      expect(Object.is(back.data[0], -0)).toBe(true)
      expect([...back.data]).toEqual([...data])
    }
  })
})
