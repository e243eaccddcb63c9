// The stack view's pixels and windows (src-renderer/src/lib/stack/paint.ts): the window around a
// receptive field stays inside the map, crops keep the values of the cells they cover, and the
// effective field's magnitude is Σ over channels of |dE/dx|.

import { describe, expect, it } from 'vitest'
import type { MapStack } from '../../contract'
import { cropMaps, cropTensor, fieldMagnitude, heatPixels, rgbPixels, windowAround } from '../../src-renderer/src/lib/stack/paint'

function mapStack(shape: [number, number, number, number], values: (p: number, r: number, c: number) => number): MapStack {
  const [n, ch, h, w] = shape
  const data = new Float32Array(n * ch * h * w)
  for (let p = 0; p < n * ch; p++) for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) data[(p * h + r) * w + c] = values(p, r, c)
  return { shape, displayH: h, displayW: w, data, min: new Float64Array(n * ch), max: new Float64Array(n * ch), nonFinite: new Uint32Array(n * ch) }
}

describe('stack view pixels', () => {
  it('puts a window of three times the field around it, inside the map', () => {
    expect(windowAround({ rows: [10, 40], cols: [0, 30] }, 100, 50)).toEqual({ rows: [0, 92], cols: [0, 49] })
    const small = windowAround({ rows: [50, 50], cols: [50, 50] }, 200, 200)
    expect(small.rows[1] - small.rows[0] + 1).toBe(24)
    expect(small.rows[0]).toBeLessThanOrEqual(50)
    expect(small.rows[1]).toBeGreaterThanOrEqual(50)
  })

  it('crops tensors and display maps to the cells of a window', () => {
    const input = { shape: [2, 2, 4, 5], data: Float64Array.from({ length: 80 }, (_, k) => k) }
    const crop = cropTensor(input, 1, { rows: [1, 2], cols: [3, 4] })
    expect(crop.shape).toEqual([1, 2, 2, 2])
    // sample 1, channel 0 starts at 40; row 1, col 3 is 40 + 5 + 3
    expect(Array.from(crop.data)).toEqual([48, 49, 53, 54, 68, 69, 73, 74])
    const maps = mapStack([1, 2, 6, 6], (p, r, c) => (p ? -1 : 1) * (r * 6 + c))
    const cut = cropMaps(maps, { rows: [2, 3], cols: [1, 3] })
    expect([cut.displayH, cut.displayW]).toEqual([2, 3])
    expect(Array.from(cut.data.slice(0, 6))).toEqual([13, 14, 15, 19, 20, 21])
    expect([cut.min[1], cut.max[1]]).toEqual([-21, -13])
  })

  it('sums |dE/dx| over channels and paints it transparent where it is zero', () => {
    const grad = mapStack([1, 3, 2, 2], (p, r, c) => (r === 0 && c === 0 ? (p - 1) * 2 : 0))
    const { values, peak } = fieldMagnitude(grad, 0)
    expect(Array.from(values)).toEqual([4, 0, 0, 0])
    expect(peak).toBe(4)
    const heat = heatPixels(values, peak, 2, 2)
    expect(heat.data[3]).toBe(255)
    expect(heat.data[7]).toBe(0)
  })

  it('draws an RGB photo in its own colours, box-averaged to the size asked', () => {
    const input = { shape: [1, 3, 2, 2], data: Float64Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5]) }
    const pixels = rgbPixels(input, 0, 1)
    expect([pixels.width, pixels.height]).toEqual([1, 1])
    expect(Array.from(pixels.data)).toEqual([255, 0, 128, 255])
  })
})
