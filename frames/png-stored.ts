// A minimal PNG encoder (RGBA, deflate "stored" blocks: no compression) so the SVG of a view can
// embed a photo's pixels without a canvas. Larger than a compressed PNG, but exact and pure.

import { concatBytes } from '../core/bytes'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (let k = 0; k < bytes.length; k++) c = CRC_TABLE[(c ^ bytes[k]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, body.length)
  for (let k = 0; k < 4; k++) out[4 + k] = type.charCodeAt(k)
  out.set(body, 8)
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)))
  return out
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535))
  const out = new Uint8Array(2 + blocks * 5 + raw.length + 4)
  out[0] = 0x78
  out[1] = 0x01
  let at = 2
  for (let k = 0; k < blocks; k++) {
    const part = raw.subarray(k * 65535, Math.min(raw.length, (k + 1) * 65535))
    out[at] = k === blocks - 1 ? 1 : 0
    out[at + 1] = part.length & 0xff
    out[at + 2] = part.length >> 8
    out[at + 3] = ~part.length & 0xff
    out[at + 4] = (~part.length >> 8) & 0xff
    out.set(part, at + 5)
    at += 5 + part.length
  }
  let s1 = 1
  let s2 = 0
  for (let k = 0; k < raw.length; k++) {
    s1 = (s1 + raw[k]) % 65521
    s2 = (s2 + s1) % 65521
  }
  new DataView(out.buffer).setUint32(at, ((s2 << 16) | s1) >>> 0)
  return out
}

export function encodeStoredPng(width: number, height: number, rgba: Uint8ClampedArray | Uint8Array): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 4))
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1)
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header.set([8, 6, 0, 0, 0], 8)
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]
  return concatBytes(parts)
}
