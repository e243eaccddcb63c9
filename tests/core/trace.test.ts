import { describe, expect, it } from 'vitest'
import { cellsReading, conv2d, convGeometry, normalTensor, outputCellAt, outputIndex, seededSource, traceCell, type Conv2dOptions } from '../../core'

describe('traceCell', () => {
  const settings: Array<Conv2dOptions> = [
    {},
    { stride: 2, padding: 1 },
    { padding: [2, 1], dilation: 2, paddingMode: 'reflect' },
    { padding: 'same', paddingMode: 'circular' },
  ]
  for (const options of settings) {
    it(`every cell's trace sums to the forward output ${JSON.stringify(options)}`, () => {
      const source = seededSource(3)
      const x = normalTensor([2, 2, 6, 7], source)
      const w = normalTensor([3, 2, 3, 3], source)
      const b = normalTensor([3], source)
      const { output, geometry } = conv2d(x, w, b, options)
      for (let k = 0; k < output.data.length; k++) {
        const cell = outputCellAt(geometry, k)
        expect(outputIndex(geometry, cell)).toBe(k)
        const trace = traceCell(x.data, w.data, b.data, geometry, cell)
        expect(trace.terms.length).toBe(2 * 9)
        expect(Math.abs(trace.value - output.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(output.data[k])))
      }
    })
  }

  it('marks zero-padding cells with source -1 and reads them as 0', () => {
    const x = normalTensor([1, 1, 3, 3], seededSource(1))
    const w = normalTensor([1, 1, 3, 3], seededSource(2))
    const geometry = convGeometry(x.shape, w.shape, { padding: 1 })
    const corner = traceCell(x.data, w.data, null, geometry, { n: 0, m: 0, i: 0, j: 0 })
    const padded = corner.terms.filter((t) => t.sourceRow < 0 || t.sourceCol < 0)
    expect(padded.length).toBe(5)
    expect(padded.every((t) => t.input === 0 && t.product === 0)).toBe(true)
  })
})

describe('cellsReading', () => {
  it('is the inverse of the receptive field', () => {
    const geometry = convGeometry([1, 1, 9, 8], [1, 1, 3, 2], { stride: [2, 3], dilation: [1, 2], padding: 1 })
    const x = new Float64Array(72)
    const w = new Float64Array(6)
    for (let p = 0; p < geometry.paddedH; p++) {
      for (let q = 0; q < geometry.paddedW; q++) {
        const expected: string[] = []
        for (let i = 0; i < geometry.outH; i++) {
          for (let j = 0; j < geometry.outW; j++) {
            const trace = traceCell(x, w, null, geometry, { n: 0, m: 0, i, j })
            if (trace.terms.some((t) => t.paddedRow === p && t.paddedCol === q)) expected.push(`${i},${j}`)
          }
        }
        expect(
          cellsReading(geometry, p, q)
            .map(([i, j]) => `${i},${j}`)
            .sort(),
        ).toEqual(expected.sort())
      }
    }
  })
})
