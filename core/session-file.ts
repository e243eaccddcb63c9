// The .convolab file, format 2: a zip of `session.json` (core/session.ts) and one deflated .npy
// member per tensor (input.npy, weight.npy, ..., and stack-{i}-weight.npy, stack-{i}-bias.npy for
// each layer of a stack that has them), readable with `unzip` and `numpy.load`. Written as a stream of chunks (a
// 12-megapixel photo is never one giant string or buffer), read member by member. A file that is
// not a zip is read as a version-1 JSON text session.

import { Zip, ZipDeflate, unzipSync, type UnzipFileInfo } from 'fflate'
import { ConvolabError } from './errors'
import { sessionCorrupt } from './session-corrupt'
import { npyHeader, parseNpy, type NpyWriteType } from './npy'
import { parseSession, sessionDocument, SESSION_VERSION, type MemberArray, type Session } from './session'
import type { Tensor } from './tensor'
import { concatBytes } from './bytes'

export const SESSION_JSON = 'session.json'
/** Values per piece pushed through the compressor: bounds the memory a write takes beyond the session. */
const PIECE_VALUES = 1 << 20
/** Largest member unpacked when reading (a 64 M-value float64 tensor plus its header). */
const MAX_MEMBER_BYTES = 64 * 1024 * 1024 * 8 + 4096
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]

const LITTLE_ENDIAN_HOST = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f

/** True when the bytes start like a zip file (format 2); a version-1 session is JSON text. */
export function isZipFile(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_MAGIC.every((byte, i) => bytes[i] === byte)
}

/** How a tensor is stored: float64, or the exact integers k of values k/255 or k/65535. */
interface Encoding {
  descr: NpyWriteType
  divisor?: 255 | 65535
}

function isExactly(data: Float64Array, divisor: number): boolean {
  for (let k = 0; k < data.length; k++) {
    const x = data[k]
    const n = Math.round(x * divisor)
    // -0 would come back as +0: not exact.
    if (!(n >= 0 && n <= divisor && n / divisor === x) || (x === 0 && 1 / x < 0)) return false
  }
  return true
}

export function tensorEncoding(tensor: Tensor): Encoding {
  if (tensor.data.length >= 64) {
    if (isExactly(tensor.data, 255)) return { descr: '|u1', divisor: 255 }
    if (isExactly(tensor.data, 65535)) return { descr: '<u2', divisor: 65535 }
  }
  return { descr: '<f8' }
}

/** The bytes of values [start, end) in the member's dtype. */
function pieceBytes(data: Float64Array, start: number, end: number, encoding: Encoding): Uint8Array {
  if (encoding.descr === '|u1') {
    const out = new Uint8Array(end - start)
    for (let k = start; k < end; k++) out[k - start] = Math.round(data[k] * 255)
    return out
  }
  if (encoding.descr === '<u2') {
    const out = new Uint8Array((end - start) * 2)
    const view = new DataView(out.buffer)
    for (let k = start; k < end; k++) view.setUint16((k - start) * 2, Math.round(data[k] * 65535), true)
    return out
  }
  // A copy: the compressor may keep a reference while the caller changes the array later.
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer.slice(data.byteOffset + start * 8, data.byteOffset + end * 8))
  const out = new Uint8Array((end - start) * 8)
  const view = new DataView(out.buffer)
  for (let k = start; k < end; k++) view.setFloat64((k - start) * 8, data[k], true)
  return out
}

export interface SessionFileOptions {
  /** Deflate level of large members (1 fastest … 9 smallest); small ones always use 6. */
  level?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
}

/**
 * The file as a lazy stream of chunks: each `next()` compresses a little more, so a caller can
 * send or write every chunk before the next is made (and let the page breathe in between).
 */
export function* sessionFileChunks(session: Session, options: SessionFileOptions = {}): Generator<Uint8Array, void, undefined> {
  const ready: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else if (chunk.length) ready.push(chunk)
  })
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw failure
    while (ready.length) yield ready.shift()!
  }
  const tensors: Array<{ tensor: Tensor; member: string; encoding: Encoding }> = []
  const document = sessionDocument(session, SESSION_VERSION, (tensor, member) => {
    const encoding = tensorEncoding(tensor)
    tensors.push({ tensor, member, encoding })
    return encoding.divisor ? { npy: member, divisor: encoding.divisor } : { npy: member }
  })
  const json = new ZipDeflate(SESSION_JSON, { level: 6 })
  zip.add(json)
  json.push(new TextEncoder().encode(JSON.stringify(document, null, 1) + '\n'), true)
  yield* drain()
  for (const { tensor, member, encoding } of tensors) {
    const bytesPerValue = encoding.descr === '<f8' ? 8 : encoding.descr === '<u2' ? 2 : 1
    const large = tensor.data.length * bytesPerValue > 1 << 20
    const file = new ZipDeflate(member, { level: large ? (options.level ?? 1) : 6 })
    zip.add(file)
    file.push(npyHeader(encoding.descr, tensor.shape), false)
    const size = tensor.data.length
    for (let start = 0; start < size; start += PIECE_VALUES) {
      const end = Math.min(size, start + PIECE_VALUES)
      file.push(pieceBytes(tensor.data, start, end, encoding), end === size)
      yield* drain()
    }
  }
  zip.end()
  yield* drain()
}

/** The whole file in one buffer (the command line, tests); the app streams sessionFileChunks. */
export function encodeSessionFile(session: Session, options: SessionFileOptions = {}): Uint8Array {
  return concatBytes([...sessionFileChunks(session, options)])
}

/**
 * Reads a session file of any version: a zip (format 2) member by member, or a version-1 JSON
 * text. Refused files (corrupt, newer, not computable) throw a ConvolabError and change nothing.
 */
export function decodeSessionFile(bytes: Uint8Array): Session {
  if (!isZipFile(bytes)) return parseSession(decodeText(bytes))
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, { filter: (file: UnzipFileInfo) => acceptMember(file) })
  } catch (error) {
    if (error instanceof ConvolabError) throw error
    throw sessionCorrupt('zip-unreadable')
  }
  const json = files[SESSION_JSON]
  if (!json) throw sessionCorrupt('zip-no-document', { name: SESSION_JSON })
  const read = new Map<string, MemberArray>()
  return parseSession(decodeText(json), (name) => {
    const member = files[name]
    if (!member) return null
    if (!read.has(name)) read.set(name, parseNpy(member))
    return read.get(name)!
  })
}

function acceptMember(file: UnzipFileInfo): boolean {
  if (file.name !== SESSION_JSON && !/^[A-Za-z0-9_.-]{1,64}\.npy$/.test(file.name)) return false
  if (file.originalSize > MAX_MEMBER_BYTES) {
    throw sessionCorrupt('member-too-large', { name: file.name, size: file.originalSize })
  }
  return true
}

function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw sessionCorrupt('not-zip-or-text')
  }
}
