// Image files to tensors: each format decodes to the pixels it was made from (exactly for the
// lossless ones, within JPEG's error for JPEG), orientation is applied, bad files are refused.
// Values against PIL for every kind of image: image-reference.test.ts.

import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { encode as encodeBmp } from 'bmp-ts'
import { describe, expect, it } from 'vitest'
import { ConvolabError } from '../../core'
import { LIMITS } from '../../contract'
import { decodeImage, fitInside } from '../../src-main/image-io'
import { messageOf } from '../../messages'

/** An RGB test picture W×H whose pixel (x, y) is (10x, 20y, 255 − 10x − 20y) clamped to bytes. */
function pattern(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3
      raw[p] = 10 * x
      raw[p + 1] = 20 * y
      raw[p + 2] = Math.max(0, 255 - 10 * x - 20 * y)
    }
  }
  return raw
}

const fromRaw = (raw: Buffer, width: number, height: number, channels: 3 | 4 = 3) => sharp(raw, { raw: { width, height, channels } })

/** Expected (1, 3, H, W) values of the pattern. */
function expectedPattern(width: number, height: number): Float64Array {
  const raw = pattern(width, height)
  const plane = width * height
  const data = new Float64Array(3 * plane)
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) data[c * plane + p] = raw[p * 3 + c] / 255
  return data
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ConvolabError)
    return (error as ConvolabError).code
  }
  return 'no error'
}

describe('decodeImage', () => {
  it('reads a PNG as (1, 3, H, W) in [0, 1], exactly', async () => {
    const png = await fromRaw(pattern(7, 5), 7, 5).png().toBuffer()
    const { tensor, originalWidth, originalHeight, resized } = await decodeImage(png, { name: 'a.png' })
    expect(tensor.shape).toEqual([1, 3, 5, 7])
    expect(Array.from(tensor.data)).toEqual(Array.from(expectedPattern(7, 5)))
    expect([originalWidth, originalHeight, resized]).toEqual([7, 5, false])
  })

  it("turns RGB into one channel as PIL's convert('L') does: ITU-R 601-2 weights, integer rounding", async () => {
    const png = await fromRaw(pattern(6, 4), 6, 4).png().toBuffer()
    const { tensor } = await decodeImage(png, { name: 'a.png', grayscale: true })
    expect(tensor.shape).toEqual([1, 1, 4, 6])
    const raw = pattern(6, 4)
    for (let p = 0; p < 24; p++) {
      const luma = (raw[p * 3] * 19595 + raw[p * 3 + 1] * 38470 + raw[p * 3 + 2] * 7471 + 0x8000) >> 16
      expect(tensor.data[p]).toBe(luma / 255)
    }
  })

  it('reads a gray source exactly as v / 255: 255 is 1, not 0.9999', async () => {
    const gray = Buffer.from([0, 1, 128, 254, 255, 77])
    const png = await sharp(gray, { raw: { width: 3, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer()
    for (const grayscale of [true, false]) {
      const { tensor } = await decodeImage(png, { name: 'g.png', grayscale })
      expect(tensor.shape).toEqual([1, grayscale ? 1 : 3, 2, 3])
      expect(Array.from(tensor.data.subarray(0, 6))).toEqual(Array.from(gray, (v) => v / 255))
    }
  })

  it('reads lossless WebP exactly', async () => {
    const webp = await fromRaw(pattern(9, 3), 9, 3).webp({ lossless: true }).toBuffer()
    const { tensor } = await decodeImage(webp, { name: 'a.webp' })
    expect(tensor.shape).toEqual([1, 3, 3, 9])
    expect(Array.from(tensor.data)).toEqual(Array.from(expectedPattern(9, 3)))
  })

  it('reads the first frame of an animated GIF', async () => {
    const white = await fromRaw(Buffer.alloc(4 * 4 * 3, 255), 4, 4)
      .png()
      .toBuffer()
    const black = await fromRaw(Buffer.alloc(4 * 4 * 3, 0), 4, 4)
      .png()
      .toBuffer()
    const gif = await sharp([white, black], { join: { animated: true } })
      .gif()
      .toBuffer()
    expect((await sharp(gif).metadata()).pages).toBe(2)
    const { tensor } = await decodeImage(gif, { name: 'a.gif' })
    expect(tensor.shape).toEqual([1, 3, 4, 4])
    expect(tensor.data.every((v) => v === 1)).toBe(true)
  })

  it('applies EXIF orientation 6 (rotate 90° clockwise) to a JPEG', async () => {
    // Stored 16 wide × 8 high, white on its left half: upright it is 8 wide × 16 high, white on top.
    const raw = Buffer.alloc(16 * 8 * 3, 0)
    for (let y = 0; y < 8; y++) raw.fill(255, y * 16 * 3, y * 16 * 3 + 8 * 3)
    const jpeg = await fromRaw(raw, 16, 8).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer()
    const { tensor, originalWidth, originalHeight } = await decodeImage(jpeg, { name: 'photo.jpg' })
    expect(tensor.shape).toEqual([1, 3, 16, 8])
    expect([originalWidth, originalHeight]).toEqual([8, 16])
    const at = (c: number, y: number, x: number) => tensor.data[c * 128 + y * 8 + x]
    // JPEG is lossy: far from the edge the values are within 0.05 of 1 and 0.
    for (let c = 0; c < 3; c++) {
      expect(at(c, 2, 4)).toBeGreaterThan(0.95)
      expect(at(c, 13, 4)).toBeLessThan(0.05)
    }
  })

  it('reads a BMP (bottom-up, as written by bmp-ts) exactly', async () => {
    const width = 5
    const height = 3
    const rgb = pattern(width, height)
    // bmp-ts's encoder takes ABGR bytes per pixel.
    const abgr = Buffer.alloc(width * height * 4)
    for (let p = 0; p < width * height; p++) {
      abgr[p * 4] = 255
      abgr[p * 4 + 1] = rgb[p * 3 + 2]
      abgr[p * 4 + 2] = rgb[p * 3 + 1]
      abgr[p * 4 + 3] = rgb[p * 3]
    }
    const bmp = encodeBmp({ width, height, data: abgr }).data
    const { tensor } = await decodeImage(new Uint8Array(bmp), { name: 'a.bmp' })
    expect(tensor.shape).toEqual([1, 3, height, width])
    expect(Array.from(tensor.data)).toEqual(Array.from(expectedPattern(width, height)))
  })

  it('reads a hand-made top-down 24-bit BMP (negative height) the right way up', async () => {
    const width = 2
    const height = 2
    const rowBytes = 8 // 2 pixels × 3 bytes, padded to 4
    const bytes = new Uint8Array(54 + rowBytes * height)
    const view = new DataView(bytes.buffer)
    bytes.set([0x42, 0x4d])
    view.setUint32(2, bytes.length, true)
    view.setUint32(10, 54, true)
    view.setUint32(14, 40, true)
    view.setInt32(18, width, true)
    view.setInt32(22, -height, true)
    view.setUint16(26, 1, true)
    view.setUint16(28, 24, true)
    // Row 0 (top): red, green. Row 1: blue, white. Pixels are stored B, G, R.
    bytes.set([0, 0, 255, 0, 255, 0], 54)
    bytes.set([255, 0, 0, 255, 255, 255], 54 + rowBytes)
    const { tensor } = await decodeImage(bytes, { name: 'top-down.bmp' })
    expect(tensor.shape).toEqual([1, 3, 2, 2])
    // Planes R, G, B of (top-left, top-right, bottom-left, bottom-right).
    expect(Array.from(tensor.data)).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1])
  })

  it("drops transparency as PIL's convert('RGB') does (no white), and says so", async () => {
    const rgba = Buffer.from([10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255, 0, 0, 0, 0])
    const png = await fromRaw(rgba, 2, 2, 4).png().toBuffer()
    const { tensor, notices } = await decodeImage(png, { name: 'clear.png' })
    expect(Array.from(tensor.data)).toEqual([10, 40, 70, 0, 20, 50, 80, 0, 30, 60, 90, 0].map((v) => v / 255))
    expect(notices).toEqual([{ code: 'image-alpha', params: { name: 'clear.png' } }])
    const opaque = await fromRaw(Buffer.alloc(16, 255), 2, 2, 4).png().toBuffer()
    expect((await decodeImage(opaque, { name: 'opaque.png' })).notices).toEqual([])
  })

  it('keeps 16 bits when resizing a 16-bit PNG with transparency', async () => {
    // Colour 1000 of 65535 (no 8-bit value is 1000/65535), alpha varying.
    const samples = new Uint16Array(8 * 6 * 4).map((_, k) => (k % 4 === 3 ? 65535 - k : 1000))
    const png = await sharp(samples, { raw: { width: 8, height: 6, channels: 4 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer()
    expect((await sharp(png).metadata()).depth).toBe('ushort')
    const { tensor, notices, resized } = await decodeImage(png, { name: 'deep.png', maxSide: 4 })
    expect(resized).toBe(true)
    expect(tensor.shape).toEqual([1, 3, 3, 4])
    // The resize kernel may round by one 16-bit step; an 8-bit path could only give 4/255 (1028/65535).
    for (const v of tensor.data) expect(Math.abs(v * 65535 - 1000)).toBeLessThanOrEqual(1)
    expect(notices.map((n) => n.code)).toEqual(['image-alpha', 'image-16bit'])
  })

  it('resizes to the working size keeping the aspect, and never enlarges', async () => {
    const png = await fromRaw(pattern(40, 20), 40, 20).png().toBuffer()
    const small = await decodeImage(png, { name: 'a.png', maxSide: 10 })
    expect(small.tensor.shape).toEqual([1, 3, 5, 10])
    expect(small.resized).toBe(true)
    const same = await decodeImage(png, { name: 'a.png', maxSide: 100 })
    expect(same.tensor.shape).toEqual([1, 3, 20, 40])
    expect(same.resized).toBe(false)
    expect(fitInside(3000, 1000, 1024)).toEqual({ width: 1024, height: 341 })
  })

  it('refuses an image above the limit at full size, and accepts it with a working size', async () => {
    const wide = LIMITS.maxImageSide + 4
    const png = await sharp({ create: { width: wide, height: 8, channels: 3, background: '#808080' } })
      .png()
      .toBuffer()
    expect(await codeOf(decodeImage(png, { name: 'wide.png' }))).toBe('image-too-large')
    const { tensor } = await decodeImage(png, { name: 'wide.png', maxSide: 1024 })
    expect(tensor.shape).toEqual([1, 3, 2, 1024])
  })

  it('refuses a truncated PNG and a text file named .png with image-decode', async () => {
    const png = await fromRaw(pattern(20, 20), 20, 20).png().toBuffer()
    expect(await codeOf(decodeImage(png.subarray(0, png.length - 40), { name: 'cut.png' }))).toBe('image-decode')
    const text = new TextEncoder().encode('this is not an image\n')
    expect(await codeOf(decodeImage(text, { name: 'notes.png' }))).toBe('image-decode')
    expect(await codeOf(decodeImage(new Uint8Array([0x42, 0x4d, 1, 2]), { name: 'cut.bmp' }))).toBe('image-decode')
  })

  it('refuses a BMP whose header claims absurd dimensions without allocating them', async () => {
    const bytes = new Uint8Array(54)
    const view = new DataView(bytes.buffer)
    bytes.set([0x42, 0x4d])
    view.setUint32(14, 40, true)
    view.setInt32(18, 100_000, true)
    view.setInt32(22, 100_000, true)
    view.setUint16(28, 24, true)
    expect(await codeOf(decodeImage(bytes, { name: 'huge.bmp', maxSide: 512 }))).toBe('image-pixels')
  })

  it('refuses a 20000×20000 PNG from its header, with a message, before decoding', async () => {
    // A real 1×1 PNG whose IHDR is rewritten to claim 20000×20000 (CRC recomputed).
    const png = new Uint8Array(
      await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    )
    const view = new DataView(png.buffer)
    view.setUint32(16, 20000)
    view.setUint32(20, 20000)
    view.setUint32(29, crc32(png.subarray(12, 29)))
    const started = performance.now()
    let error: ConvolabError | null = null
    try {
      await decodeImage(png, { name: 'huge.png', maxSide: 1024 })
    } catch (caught) {
      error = caught as ConvolabError
    }
    expect(error?.code).toBe('image-pixels')
    expect(messageOf(error)).toBe('the image is 20000×20000 (400 megapixels); at most 268 megapixels can be read, even to resize')
    expect(messageOf(error, 'es')).toContain('megapíxeles')
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
