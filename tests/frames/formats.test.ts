// Tensors as CSV (read back by Convolab's own reader), and the PNG embedded in SVG views.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeCsv, encodeCsv } from '../../core/csv'
import { encodeStoredPng as encodePngStoredForTest } from '../../frames/png-stored'

describe('CSV', () => {
  it('a 2-D kernel reads back to the same float64 values', () => {
    const data = Float64Array.of(0.1, -2 / 3, 1e-300, 12345.678901234567, -0, 3)
    const text = encodeCsv({ shape: [2, 3], data })
    expect(text.split('\n')[0]).toBe('# shape (2, 3)')
    const back = decodeCsv(text, 'k.csv').tensor
    expect(back.shape).toEqual([2, 3])
    expect([...back.data]).toEqual([...data])
  })

  it('a 4-D tensor is one block per (n, c) with an index line, in NCHW order', () => {
    const data = Float64Array.from({ length: 2 * 2 * 2 * 3 }, (_, k) => k)
    data[5] = NaN
    data[6] = -Infinity
    const lines = encodeCsv({ shape: [2, 2, 2, 3], data }).split('\n')
    expect(lines.slice(0, 4)).toEqual(['# shape (2, 2, 2, 3)', '# [0, 0, :, :]', '0,1,2', '3,4,nan'])
    expect(lines.slice(4, 8)).toEqual(['', '# [0, 1, :, :]', '-inf,7,8', '9,10,11'])
    expect(lines.filter((l) => l.startsWith('# ['))).toEqual(['# [0, 0, :, :]', '# [0, 1, :, :]', '# [1, 0, :, :]', '# [1, 1, :, :]'])
    // The reader takes the shape line back: the same shape, the same numbers in the same order.
    const back = decodeCsv(lines.join('\n'), 'x.csv').tensor
    expect(back.shape).toEqual([2, 2, 2, 3])
    expect(back.data[23]).toBe(23)
    expect(Number.isNaN(back.data[5])).toBe(true)
  })
})

describe('PNG inside SVG views', () => {
  it('decodes to the same pixels', async () => {
    const width = 300
    const height = 250
    const rgba = new Uint8Array(width * height * 4).map((_, k) => (k * 7919) % 251)
    for (let k = 3; k < rgba.length; k += 4) rgba[k] = 255
    const { data, info } = await sharp(encodePngStoredForTest(width, height, rgba))
      .raw()
      .toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, info.channels]).toEqual([width, height, 4])
    expect(Buffer.compare(data, Buffer.from(rgba))).toBe(0)
  })
})
