// Painting a plane through the colour table: the table's colour for each value (rounded to one of
// 256 steps over the domain, clamped outside it), magenta for NaN and ±∞, opaque everywhere.
import { rgb } from 'd3'
import { describe, expect, it } from 'vitest'
import { colourTable, paintPlane, valueScale } from '../../src-renderer/src/lib/colour/scales'

describe('paintPlane', () => {
  for (const [map, low, high] of [
    ['viridis', -1, 3],
    ['diverging', -2, 5],
    ['grayscale', 4, 4],
  ] as const) {
    it(`gives each value its table colour (${map} over [${low}, ${high}])`, () => {
      const scale = valueScale(map, low, high)
      const values = [low, high, (low + high) / 2, low - 10, high + 10, 0.1234, NaN, Infinity, -Infinity, 1e308]
      for (const array of [Float64Array.from(values), Float32Array.from(values)]) {
        const pixels = paintPlane(array, 2, array.length - 2, scale)
        const { table, low: a, high: b } = colourTable(scale)
        for (let k = 2; k < array.length; k++) {
          const v = array[k]
          const p = (k - 2) * 4
          const expected = Number.isFinite(v)
            ? Array.from(table.subarray(Math.max(0, Math.min(255, Math.round(((v - a) / (b - a || 1)) * 255))) * 3).subarray(0, 3))
            : [255, 0, 255]
          expect([...pixels.subarray(p, p + 4)]).toEqual([...expected, 255])
        }
      }
      // the table is the scale's colours at 256 steps
      const { table } = colourTable(scale)
      const first = rgb(scale(scale.domain()[0]))
      expect([table[0], table[1], table[2]]).toEqual([first.r, first.g, first.b])
    })
  }
})

describe('colour tables', () => {
  it('one table serves every domain of a colour map: the colours at 256 steps of each domain', () => {
    for (const map of ['viridis', 'diverging', 'grayscale'] as const) {
      const first = colourTable(valueScale(map, -1, 2)).table
      for (let i = 1; i < 50; i++) {
        const scale = valueScale(map, -1 - i * 0.37, 2 + i * 1.13)
        const { table, low, high } = colourTable(scale)
        // a bias edit moves every map's range: the table is reused, not built again
        expect(table).toBe(first)
        for (let k = 0; k < 256; k++) {
          const colour = rgb(scale(low + ((high - low) * k) / 255))
          // the same colours up to the last bit of t (a channel may round the other way)
          for (const [c, channel] of [colour.r, colour.g, colour.b].entries())
            expect(Math.abs(channel - table[k * 3 + c]), `${map} ${k}`).toBeLessThanOrEqual(1)
        }
      }
    }
  })
})
