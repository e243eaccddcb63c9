// Readers for the icon containers, written from the formats' specifications independently of
// scripts/icon-containers.mjs, so the test does not trust the writer it checks.

export interface ContainedImage {
  /** 'ico' entries are keyed by their declared size; ICNS elements by their 4-character type. */
  key: string
  declaredSize: number | null
  data: Buffer
}

export function isPng(data: Buffer): boolean {
  return data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
}

/** ICONDIR + ICONDIRENTRY table; a width byte of 0 means 256. */
export function readIco(file: Buffer): ContainedImage[] {
  if (file.readUInt16LE(0) !== 0 || file.readUInt16LE(2) !== 1) throw new Error('not an ICO file')
  const count = file.readUInt16LE(4)
  const images: ContainedImage[] = []
  for (let i = 0; i < count; i++) {
    const at = 6 + 16 * i
    const width = file.readUInt8(at) || 256
    const height = file.readUInt8(at + 1) || 256
    if (width !== height) throw new Error(`ICO entry ${i} is not square`)
    const length = file.readUInt32LE(at + 8)
    const offset = file.readUInt32LE(at + 12)
    if (offset + length > file.length) throw new Error(`ICO entry ${i} runs past the end of the file`)
    images.push({ key: String(width), declaredSize: width, data: file.subarray(offset, offset + length) })
  }
  return images
}

/** 'icns' + big-endian total length, then (type, length including its 8-byte head, data) elements. */
export function readIcns(file: Buffer): ContainedImage[] {
  if (file.toString('ascii', 0, 4) !== 'icns') throw new Error('not an ICNS file')
  if (file.readUInt32BE(4) !== file.length) throw new Error('ICNS length field does not match the file size')
  const images: ContainedImage[] = []
  for (let at = 8; at < file.length;) {
    const type = file.toString('ascii', at, at + 4)
    const length = file.readUInt32BE(at + 4)
    if (length < 8 || at + length > file.length) throw new Error(`ICNS element ${type} has a bad length`)
    images.push({ key: type, declaredSize: null, data: file.subarray(at + 8, at + length) })
    at += length
  }
  return images
}
