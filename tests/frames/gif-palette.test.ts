// GIF palettes keep neutral greys grey: a frame with every grey level beside many colours is
// indexed so that each grey pixel lands on an exact grey within a level or two of its own, while
// a palette quantized from the whole frame (what the export did before) tints some of them.
// Checked on the palette itself and on a GIF written by the export's writer and decoded by sharp.

import { applyPalette, quantize } from 'gifenc'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { GREY_LEVELS, indexedGifFrame } from '../../frames/gif-palette'
import { gifWriter } from '../../src-main/export/gif'

const WIDTH = 256
const HEIGHT = 64

/** Top half: 256 grey levels and near-greys of anti-aliasing; bottom half: a rainbow of many hues and shades. */
function testFrame(): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(WIDTH * HEIGHT * 4)
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const p = (y * WIDTH + x) * 4
      if (y < HEIGHT / 2) {
        // Every 4th row a near-grey (channels one apart), as anti-aliased text gives.
        const tilt = y % 4 === 3 ? 1 : 0
        rgba.set([x, Math.max(0, x - tilt), x], p)
      } else {
        const hue = (x / WIDTH) * 6
        const shade = (y - HEIGHT / 2) / (HEIGHT / 2)
        const f = hue % 1
        const [r, g, b] = [
          [1, f, 0],
          [1 - f, 1, 0],
          [0, 1, f],
          [0, 1 - f, 1],
          [f, 0, 1],
          [1, 0, 1 - f],
        ][Math.floor(hue) % 6]
        rgba.set([r * 255 * (0.3 + 0.7 * shade), g * 255 * (0.3 + 0.7 * shade), b * 255 * (0.3 + 0.7 * shade)], p)
      }
      rgba[p + 3] = 255
    }
  }
  return rgba
}

const greyPixels = (rgba: Uint8ClampedArray | Uint8Array) => {
  const list: number[] = []
  for (let p = 0; p < WIDTH * (HEIGHT / 2); p++) list.push(p)
  return list.map((p) => ({ p, v: (rgba[4 * p] + rgba[4 * p + 1] + rgba[4 * p + 2]) / 3 }))
}

describe('indexedGifFrame', () => {
  it('maps every grey pixel to an exact grey within 2 levels, with at most 256 entries', () => {
    const rgba = testFrame()
    const { palette, index } = indexedGifFrame(rgba)
    expect(palette.length).toBeLessThanOrEqual(256)
    expect(palette.slice(-GREY_LEVELS).every(([r, g, b]) => r === g && g === b)).toBe(true)
    let worst = 0
    for (const { p, v } of greyPixels(rgba)) {
      const [r, g, b] = palette[index[p]]
      expect(r === g && g === b, `pixel ${p}`).toBe(true)
      worst = Math.max(worst, Math.abs(r - v))
    }
    expect(worst).toBeLessThanOrEqual(2.5)
  })

  it('keeps the colours close too (the other 192 entries are theirs)', () => {
    const rgba = testFrame()
    const { palette, index } = indexedGifFrame(rgba)
    let total = 0
    let count = 0
    for (let p = WIDTH * (HEIGHT / 2); p < WIDTH * HEIGHT; p++) {
      const [r, g, b] = palette[index[p]]
      total += Math.abs(r - rgba[4 * p]) + Math.abs(g - rgba[4 * p + 1]) + Math.abs(b - rgba[4 * p + 2])
      count++
    }
    expect(total / count / 3).toBeLessThan(8)
  })

  it('is needed: a palette quantized from the whole frame tints some greys', () => {
    const rgba = testFrame()
    const palette = quantize(rgba, 256, { format: 'rgb444' })
    const index = applyPalette(rgba, palette, 'rgb444')
    const tinted = greyPixels(rgba).filter(({ p }) => {
      const [r, g, b] = palette[index[p]]
      return r !== g || g !== b
    })
    expect(tinted.length).toBeGreaterThan(0)
  })

  it('handles an all-grey frame (no colours to quantize)', () => {
    const rgba = new Uint8ClampedArray(16 * 4).map((_, i) => (i % 4 === 3 ? 255 : 128))
    const { palette, index } = indexedGifFrame(rgba)
    expect(palette).toHaveLength(GREY_LEVELS)
    const [r, g, b] = palette[index[0]]
    expect(r === g && g === b).toBe(true)
    expect(Math.abs(r - 128)).toBeLessThanOrEqual(2.5)
  })
})

describe("the export's GIF", () => {
  it('decodes with the greys still grey', async () => {
    const writer = gifWriter(4)
    writer.addFrame(testFrame(), WIDTH, HEIGHT)
    const { data, info } = await sharp(Buffer.from(writer.finish())).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([WIDTH, HEIGHT])
    for (const { p, v } of greyPixels(testFrame())) {
      const [r, g, b] = [data[p * info.channels], data[p * info.channels + 1], data[p * info.channels + 2]]
      expect(r === g && g === b, `pixel ${p}: ${r},${g},${b}`).toBe(true)
      expect(Math.abs(r - v)).toBeLessThanOrEqual(2.5)
    }
  })
})
