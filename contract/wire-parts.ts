// Large wire messages in parts: no WebSocket frame is larger than PART_BYTES (plus a small
// header), so the server can refuse any frame above that before reading it, and a 12-megapixel
// photo (288 MB of float64) still travels. Both sides use this same file.
//
// Part frame: "CVLP" | u32 message number | u32 part index | u32 part count (all LE) | bytes.
// A message that fits in one frame is sent as it is (a "CVL1" frame of ./wire.ts).

import { copyBytes, decodeMessage, encodeMessage } from './wire'
import { concatBytes } from '../core/bytes'

const PART_MAGIC = [0x43, 0x56, 0x4c, 0x50] // "CVLP"
const PART_HEADER = 16

/** Largest piece of a message in one frame. */
export const PART_BYTES = 8 * 1024 * 1024
/** Largest frame either side sends: a part and its header (the server's frame limit). */
export const MAX_FRAME_BYTES = PART_BYTES + PART_HEADER
/** Largest whole message: the largest tensor (64 M float64 values) and room for its header. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024 * 8 + 16 * 1024 * 1024
/** Messages being received in parts at once, per connection. */
const MAX_OPEN_MESSAGES = 4

/** Why a frame was refused: the close code (RFC 6455) the receiver closes the connection with. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly closeCode: 1003 | 1007 | 1008 | 1009,
  ) {
    super(message)
  }
}

/** The frames of one message: one, or its parts. `number` tells a sender's messages apart. */
export function encodeFrames(value: unknown, number: number, partBytes = PART_BYTES): Uint8Array[] {
  const whole = encodeMessage(value)
  if (whole.length <= partBytes) return [whole]
  const count = Math.ceil(whole.length / partBytes)
  const frames: Uint8Array[] = []
  for (let index = 0; index < count; index++) {
    const piece = whole.subarray(index * partBytes, Math.min(whole.length, (index + 1) * partBytes))
    const frame = new Uint8Array(PART_HEADER + piece.length)
    frame.set(PART_MAGIC, 0)
    const view = new DataView(frame.buffer)
    view.setUint32(4, number >>> 0, true)
    view.setUint32(8, index, true)
    view.setUint32(12, count, true)
    frame.set(piece, PART_HEADER)
    frames.push(frame)
  }
  return frames
}

interface Partial {
  pieces: Uint8Array[]
  count: number
  bytes: number
}

/** Joins the frames of one connection into messages, within the limits; throws a WireError otherwise. */
export class FrameAssembler {
  private readonly open = new Map<number, Partial>()

  constructor(private readonly maxMessageBytes = MAX_MESSAGE_BYTES) {}

  /** The decoded message once complete; undefined while parts are missing. */
  push(frame: Uint8Array): unknown {
    if (frame.length > MAX_FRAME_BYTES) throw new WireError(`a frame of ${frame.length} bytes is over the limit of ${MAX_FRAME_BYTES}`, 1009)
    if (!PART_MAGIC.every((byte, i) => frame[i] === byte)) return decodeWhole(frame)
    if (frame.length <= PART_HEADER) throw new WireError('an empty part frame', 1007)
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    const number = view.getUint32(4, true)
    const index = view.getUint32(8, true)
    const count = view.getUint32(12, true)
    if (count < 2 || count > Math.ceil(this.maxMessageBytes / PART_BYTES)) throw new WireError(`a message of ${count} parts`, 1009)
    let partial = this.open.get(number)
    if (!partial) {
      if (index !== 0) throw new WireError(`part ${index} of a message that did not start`, 1007)
      if (this.open.size >= MAX_OPEN_MESSAGES) throw new WireError(`more than ${MAX_OPEN_MESSAGES} messages in parts at once`, 1008)
      partial = { pieces: [], count, bytes: 0 }
      this.open.set(number, partial)
    }
    if (index !== partial.pieces.length || count !== partial.count) throw new WireError(`part ${index} of ${count} out of order`, 1007)
    partial.bytes += frame.length - PART_HEADER
    if (partial.bytes > this.maxMessageBytes) throw new WireError(`a message over ${this.maxMessageBytes} bytes`, 1009)
    // A copy: the network layer may reuse the frame's memory.
    partial.pieces.push(copyBytes(frame.subarray(PART_HEADER)))
    if (partial.pieces.length < partial.count) return undefined
    this.open.delete(number)
    return decodeWhole(concatBytes(partial.pieces))
  }
}

function decodeWhole(frame: Uint8Array): unknown {
  try {
    // A copy the receiver owns: decoded typed arrays are views into these bytes.
    return decodeMessage(frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? frame : copyBytes(frame))
  } catch (error) {
    throw new WireError((error as Error).message, 1007)
  }
}
