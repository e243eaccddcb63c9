// Tensor files: .npy, CSV and JSON read into the values written, and each kind of bad file is
// refused with its own error code.

import { describe, expect, it } from 'vitest'
import { ConvolabError } from '../../core'
import { encodeNpy } from '../../core/npy'
import { readTensorFile } from '../../src-main/tensor-files'

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
    const t = readTensorFile(encodeNpy({ shape: [1, 2, 3], data }), 'w.npy')
    expect(t.shape).toEqual([1, 2, 3])
    expect(Array.from(t.data)).toEqual(Array.from(data))
  })

  it('reads a CSV kernel with commas, semicolons or spaces, comments and a final newline', () => {
    const t = readTensorFile(text('# sobel x\n-1, 0, 1\n-2;0;2\r\n-1 0 1e0\n'), 'k.csv')
    expect(t.shape).toEqual([3, 3])
    expect(Array.from(t.data)).toEqual([-1, 0, 1, -2, 0, 2, -1, 0, 1])
  })

  it('keeps NaN and infinities written in a CSV', () => {
    const t = readTensorFile(text('nan,inf,-inf\n'), 'k.csv')
    expect(Number.isNaN(t.data[0])).toBe(true)
    expect([t.data[1], t.data[2]]).toEqual([Infinity, -Infinity])
  })

  it('refuses a CSV with a word or a ragged row, naming the line', () => {
    const word = errorOf(() => readTensorFile(text('1,2\n3,x\n'), 'k.csv'))
    expect(word.code).toBe('csv-parse')
    expect(word.params.line).toBe(2)
    const ragged = errorOf(() => readTensorFile(text('1,2,3\n\n4,5\n'), 'k.csv'))
    expect(ragged.code).toBe('csv-parse')
    expect(ragged.params.line).toBe(3)
    expect(errorOf(() => readTensorFile(text('# nothing\n'), 'k.csv')).code).toBe('csv-parse')
  })

  it('reads JSON nested arrays and {shape, data}', () => {
    const nested = readTensorFile(text('[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]'), 'x.json')
    expect(nested.shape).toEqual([2, 2, 2])
    expect(Array.from(nested.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const flat = readTensorFile(text('{"shape": [1, 1, 2, 2], "data": [0.5, "NaN", 2, -3]}'), 'x.json')
    expect(flat.shape).toEqual([1, 1, 2, 2])
    expect(Number.isNaN(flat.data[1])).toBe(true)
  })

  it('refuses bad JSON tensors with json-tensor', () => {
    for (const bad of ['[[1, 2], [3]]', '[[1, 2], 3]', '{"shape": [2], "data": [1]}', '{"shape": [0], "data": []}', '[1, "a"]', '[]', '{', '"x"']) {
      expect(errorOf(() => readTensorFile(text(bad), 'x.json')).code, bad).toBe('json-tensor')
    }
  })

  it('refuses other extensions and a broken .npy', () => {
    expect(errorOf(() => readTensorFile(text('1'), 'x.txt')).code).toBe('file-type')
    expect(errorOf(() => readTensorFile(text('not numpy'), 'x.npy')).code).toBe('npy-magic')
  })
})
