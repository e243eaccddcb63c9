// Large wire messages in parts: a message over one part travels in several frames and comes back
// whole and exact; frames over the limit, absurd part counts, parts out of order and too many
// messages in parts at once are refused with the close code the server uses.

import { describe, expect, it } from 'vitest'
import { encodeFrames, FrameAssembler, MAX_FRAME_BYTES, PART_BYTES, WireError } from '../../contract/wire-parts'

function closeCodeOf(run: () => unknown): number | 'none' {
  try {
    run()
  } catch (error) {
    if (error instanceof WireError) return error.closeCode
    throw error
  }
  return 'none'
}

describe('messages in parts', () => {
  it('sends a small message as one frame and a large one in parts, received exactly', () => {
    const small = { kind: 'invoke', id: 1, method: 'about', request: undefined }
    expect(encodeFrames(small, 0)).toHaveLength(1)
    expect(new FrameAssembler().push(encodeFrames(small, 0)[0])).toEqual({ kind: 'invoke', id: 1, method: 'about' })

    const data = Float64Array.from({ length: 300_000 }, (_, k) => Math.sin(k) * 1e-3 + (k === 5 ? NaN : 0))
    const frames = encodeFrames({ kind: 'invoke', id: 2, method: 'setInput', request: { shape: [1, 1, 600, 500], data } }, 7, 100_000)
    expect(frames.length).toBeGreaterThan(20)
    expect(frames.every((frame) => frame.length <= 100_016)).toBe(true)
    const assembler = new FrameAssembler()
    const received = frames.map((frame) => assembler.push(frame))
    expect(received.slice(0, -1).every((value) => value === undefined)).toBe(true)
    const message = received.at(-1) as { request: { data: Float64Array } }
    expect(Buffer.from(message.request.data.buffer, message.request.data.byteOffset, message.request.data.byteLength).equals(Buffer.from(data.buffer))).toBe(
      true,
    )
  })

  it('receives frames handed over as Node Buffers inside larger buffers, exactly and as its own copy', () => {
    // what ws delivers: Buffers that may sit at any offset of a buffer the network layer owns
    // (their slice() is a view, not a copy)
    const asNetworkBuffer = (frame: Uint8Array, at: number): Buffer => {
      const network = Buffer.alloc(frame.length + at + 3, 0xab)
      network.set(frame, at)
      return network.subarray(at, at + frame.length)
    }
    const small = Float64Array.from({ length: 49 }, (_, k) => Math.cos(k) * 5)
    for (const at of [0, 1, 3, 4, 7, 8]) {
      const delivered = asNetworkBuffer(encodeFrames({ kind: 'invoke', id: at, method: 'setInput', request: { shape: [1, 1, 7, 7], data: small } }, at)[0], at)
      const message = new FrameAssembler().push(delivered) as { request: { data: Float64Array } }
      delivered.fill(0xcd)
      expect(Array.from(message.request.data)).toEqual(Array.from(small))
    }

    const large = Float64Array.from({ length: 40_000 }, (_, k) => Math.sin(k) * 1e-3)
    const frames = encodeFrames({ kind: 'invoke', id: 9, method: 'setInput', request: { shape: [1, 1, 200, 200], data: large } }, 2, 50_001)
    expect(frames.length).toBeGreaterThan(2)
    const assembler = new FrameAssembler()
    let message: { request: { data: Float64Array } } | undefined
    frames.forEach((frame, index) => {
      const delivered = asNetworkBuffer(frame, index % 5)
      message = assembler.push(delivered) as typeof message
      // the network layer reuses its memory once the frame is handed over
      delivered.fill(0xcd)
    })
    expect(Array.from(message!.request.data)).toEqual(Array.from(large))
  })

  it('refuses what a hostile client could send, with the close code', () => {
    // not all one value (that would travel as the value alone)
    const bytes = new Uint8Array(PART_BYTES * 2)
    bytes[1] = 1
    const big = encodeFrames({ data: bytes }, 1)
    expect(big).toHaveLength(3)
    expect(big.every((frame) => frame.length <= MAX_FRAME_BYTES)).toBe(true)
    expect(closeCodeOf(() => new FrameAssembler().push(new Uint8Array(MAX_FRAME_BYTES + 1)))).toBe(1009)
    // The second part before the first.
    expect(closeCodeOf(() => new FrameAssembler().push(big[1]))).toBe(1007)
    // A message that would be larger than the limit.
    expect(closeCodeOf(() => new FrameAssembler(PART_BYTES).push(big[0]))).toBe(1009)
    const absurd = big[0].slice(0, 64)
    new DataView(absurd.buffer).setUint32(12, 0xffffffff, true)
    expect(closeCodeOf(() => new FrameAssembler().push(absurd))).toBe(1009)
    const many = new FrameAssembler()
    for (let k = 0; k < 4; k++) {
      const first = big[0].slice(0, 64)
      new DataView(first.buffer).setUint32(4, 100 + k, true)
      many.push(first)
    }
    const fifth = big[0].slice(0, 64)
    new DataView(fifth.buffer).setUint32(4, 999, true)
    expect(closeCodeOf(() => many.push(fifth))).toBe(1008)
    expect(closeCodeOf(() => new FrameAssembler().push(Uint8Array.from([1, 2, 3])))).toBe(1007)
  })
})
