// Tensor files: .npy, CSV and JSON read into the values written, and each kind of bad file is
// refused with its own error code.

import { describe, expect, it } from 'vitest'
import { ConvolabError } from '../../core'
import { encodeNpy } from '../../core/npy'
import { readTensorFile } from '../../src-main/tensor-files'
import { messageOf } from '../../messages'

const text = (s: string) => new TextEncoder().encode(s)

function errorOf(run: () => unknown): ConvolabError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConvolabError)
    return error as ConvolabError
  }
  throw new Error('expected an error')
}

describe('readTensorFile', () => {
  it('reads .npy through core/npy, values unchanged', () => {
    const data = Float64Array.from([0.1, -2.5, 1e-300, 7, Math.PI, -0])
    const t = readTensorFile(encodeNpy({ shape: [1, 2, 3], data }), 'w.npy').tensor
    expect(t.shape).toEqual([1, 2, 3])
    expect(Array.from(t.data)).toEqual(Array.from(data))
  })

  it('reads a CSV kernel through core/csv, with its notices (more cases in tests/core/csv.test.ts)', () => {
    const { tensor, notices } = readTensorFile(text('a;b\r\n0,5;0,25\r\n1,5;-1,5\r\n'), 'k.csv')
    expect(tensor.shape).toEqual([2, 2])
    expect(Array.from(tensor.data)).toEqual([0.5, 0.25, 1.5, -1.5])
    expect(notices.map((n) => n.code)).toEqual(['csv-header'])
  })

  it('reads a CSV saved as UTF-16 with its byte-order mark (a spreadsheet\'s "Unicode text", tab-separated)', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('w0\tw1\r\n0,5\t\u22120,25\r\n', 'utf16le')])
    const { tensor } = readTensorFile(new Uint8Array(utf16), 'k.csv')
    expect(Array.from(tensor.data)).toEqual([0.5, -0.25])
  })

  it('keeps NaN and infinities written in a CSV', () => {
    const t = readTensorFile(text('nan,inf,-inf\n'), 'k.csv').tensor
    expect(Number.isNaN(t.data[0])).toBe(true)
    expect([t.data[1], t.data[2]]).toEqual([Infinity, -Infinity])
  })

  it('refuses a CSV with a word or a ragged row, naming the line, and one larger than 4-D', () => {
    const word = errorOf(() => readTensorFile(text('1,2\n3,x\n'), 'k.csv'))
    expect(word.code).toBe('csv-value')
    expect(word.params.line).toBe(2)
    const ragged = errorOf(() => readTensorFile(text('1,2,3\n\n4,5\n'), 'k.csv'))
    expect(ragged.code).toBe('csv-ragged')
    expect(ragged.params.line).toBe(3)
    expect(errorOf(() => readTensorFile(text('# nothing\n'), 'k.csv')).code).toBe('csv-empty')
    expect(errorOf(() => readTensorFile(text('# shape (1, 1, 1, 1, 2)\n1,2\n'), 'k.csv')).code).toBe('bad-rank')
  })

  it('reads JSON nested arrays and {shape, data}', () => {
    const nested = readTensorFile(text('[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]'), 'x.json').tensor
    expect(nested.shape).toEqual([2, 2, 2])
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const flat = readTensorFile(text('{"shape": [1, 1, 2, 2], "data": [0.5, "NaN", 2, -3]}'), 'x.json').tensor
    expect(flat.shape).toEqual([1, 1, 2, 2])
    expect(Number.isNaN(flat.data[1])).toBe(true)
  })

  it('refuses bad JSON tensors with json-tensor', () => {
    for (const bad of ['[[1, 2], [3]]', '[[1, 2], 3]', '{"shape": [2], "data": [1]}', '{"shape": [-1], "data": []}', '[1, "a"]', '[]', '{', '"x"']) {
      expect(errorOf(() => readTensorFile(text(bad), 'x.json')).code, bad).toBe('json-tensor')
    }
  })

  it('refuses other extensions and a broken .npy', () => {
    expect(errorOf(() => readTensorFile(text('1'), 'x.txt')).code).toBe('file-type')
    expect(errorOf(() => readTensorFile(text('not numpy'), 'x.npy')).code).toBe('npy-magic')
  })

  it('names the dimension of size 0 in a .npy or JSON tensor', () => {
    const npy = errorOf(() => readTensorFile(encodeNpy({ shape: [3, 0, 2], data: new Float64Array(0) }), 'empty.npy'))
    expect(npy.code).toBe('empty-dimension')
    expect(messageOf(npy)).toBe('empty.npy has size 0 in dimension 1 (shape (3, 0, 2)); every dimension needs at least 1')
    expect(errorOf(() => readTensorFile(text('{"shape": [2, 0], "data": []}'), 'e.json')).params).toMatchObject({ axis: '1' })
  })
})
