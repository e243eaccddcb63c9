// BMP, which sharp (libvips) does not read: decoded with bmp-ts into packed 8-bit RGB.

import { decode } from 'bmp-ts'

export interface RawRgb {
  width: number
  height: number
  /** width·height·3 bytes, row-major, top row first. */
  rgb: Uint8Array
}

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d // "BM"
}

/** Width and height from the header, read before decoding so absurd sizes are refused early. */
export function bmpSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 26) return null
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) }
}

export function decodeBmp(bytes: Uint8Array): RawRgb {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // toRGBA gives R,G,B,A per pixel; BMP alpha is mostly an unused zero byte, so it is dropped.
  const image = decode(buffer, { toRGBA: true })
  const { width, height } = image
  const rgba = image.data
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) throw new Error('the pixel data is incomplete')
  const rgb = new Uint8Array(width * height * 3)
  for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
    rgb[q] = rgba[p]
    rgb[q + 1] = rgba[p + 1]
    rgb[q + 2] = rgba[p + 2]
  }
  return { width, height, rgb }
}
