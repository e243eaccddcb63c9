// The browser mode's wire codec: typed arrays, NaN and ±∞ survive both ways bit for bit,
// wherever the frame's bytes sit in memory; frames that are not ours are refused.

import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from '../../contract/wire'

describe('wire codec', () => {
  const message = {
    kind: 'result',
    id: 4,
    result: {
      ok: true,
      value: {
        output: {
          shape: [1, 2, 3, 3],
          data: Float32Array.from([1.5, NaN, -Infinity, 3e38, 0, -0, 7, 8, 9]),
          min: Float64Array.from([-1e-310, Math.PI]),
          nonFinite: Uint32Array.from([2, 0]),
        },
        bytes: Uint8Array.from([0, 255, 7]),
        loss: NaN,
        big: Infinity,
        label: 'κ = 3×3',
        nothing: null,
        list: [1, Int32Array.from([-5, 6]), { deep: Float64Array.from([0.1]) }],
      },
    },
  }

  it('round-trips typed arrays exactly, and NaN and infinities as numbers', () => {
    const back = decodeMessage(encodeMessage(message)) as typeof message
    const value = back.result.value
    expect(value.output.data).toBeInstanceOf(Float32Array)
    expect(Array.from(value.output.data)).toEqual(Array.from(message.result.value.output.data))
    expect(Object.is(value.output.data[5], -0)).toBe(true)
    expect(value.output.min).toBeInstanceOf(Float64Array)
    expect(Array.from(value.output.min)).toEqual([-1e-310, Math.PI])
    expect(value.output.nonFinite).toBeInstanceOf(Uint32Array)
    expect(value.bytes).toBeInstanceOf(Uint8Array)
    expect(Array.from(value.bytes)).toEqual([0, 255, 7])
    expect(Number.isNaN(value.loss)).toBe(true)
    expect(value.big).toBe(Infinity)
    expect(value.label).toBe('κ = 3×3')
    expect(value.nothing).toBeNull()
    expect(value.list[1]).toBeInstanceOf(Int32Array)
    expect((value.list[2] as { deep: Float64Array }).deep[0]).toBe(0.1)
  })

  it('reads a frame that sits at an odd offset of a larger buffer (as Node may deliver it)', () => {
    const frame = encodeMessage({ data: Float64Array.from([1, 2, 3]) })
    const shifted = new Uint8Array(frame.length + 3)
    shifted.set(frame, 3)
    const back = decodeMessage(shifted.subarray(3)) as { data: Float64Array }
    expect(Array.from(back.data)).toEqual([1, 2, 3])
  })

  it('reads a frame that the socket hands over as a Node Buffer at an odd offset of a larger buffer', () => {
    // Buffer.prototype.slice is a view, not a copy: an unaligned array must be copied from its own
    // bytes, not read from the start of the shared buffer (what once showed a photo's map as 1e285)
    const data = Float64Array.from({ length: 49 }, (_, k) => k / 7 - 3)
    const frame = encodeMessage({ kind: 'invoke', id: 3, method: 'setInput', request: { shape: [1, 1, 7, 7], data } })
    const network = Buffer.alloc(frame.length + 5, 0xab)
    network.set(frame, 5)
    const back = decodeMessage(network.subarray(5)) as { request: { data: Float64Array } }
    expect(Array.from(back.request.data)).toEqual(Array.from(data))
    // and the values are the receiver's own: the network buffer may be reused
    network.fill(0xcd)
    expect(Array.from(back.request.data)).toEqual(Array.from(data))
  })

  it('sends a view of part of a buffer, not the whole buffer', () => {
    const whole = Float64Array.from([9, 1, 2, 9])
    const back = decodeMessage(encodeMessage({ part: whole.subarray(1, 3) })) as { part: Float64Array }
    expect(Array.from(back.part)).toEqual([1, 2])
  })

  it('refuses frames that are not Convolab frames or are cut short, and keeps __proto__ a plain key', () => {
    expect(() => decodeMessage(new TextEncoder().encode('{"kind":"invoke"}'))).toThrow(/not a Convolab frame/)
    const frame = encodeMessage({ data: Float64Array.from([1, 2, 3]) })
    expect(() => decodeMessage(frame.subarray(0, frame.length - 8))).toThrow(/truncated/)
    const sneaky = decodeMessage(encodeMessage(JSON.parse('{"__proto__": {"polluted": true}}'))) as Record<string, unknown>
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(sneaky)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(sneaky, '__proto__')?.value).toEqual({ polluted: true })
  })

  it('sends a large array of one finite value as that value, and gives back the same array', () => {
    const ones = new Float32Array(256 * 256 * 8).fill(1)
    const tenth = new Float64Array(5000).fill(0.1)
    const almost = new Float32Array(5000).fill(2)
    almost[4999] = 3
    const negativeZero = new Float64Array(5000).fill(-0)
    const frame = encodeMessage({ ones, tenth, almost, negativeZero })
    // the two filled arrays take no bytes; the others all theirs
    expect(frame.length).toBeLessThan(5000 * 4 + 5000 * 8 + 1024)
    const back = decodeMessage(frame) as { ones: Float32Array; tenth: Float64Array; almost: Float32Array; negativeZero: Float64Array }
    expect(back.ones).toBeInstanceOf(Float32Array)
    expect(back.ones.length).toBe(ones.length)
    expect(back.ones.every((v) => v === 1)).toBe(true)
    expect(back.tenth).toBeInstanceOf(Float64Array)
    expect(back.tenth.every((v) => v === 0.1)).toBe(true)
    expect(back.tenth.length).toBe(5000)
    expect(Array.from(back.almost)).toEqual(Array.from(almost))
    expect(back.negativeZero.every((v) => Object.is(v, -0))).toBe(true)
  })

  it('refuses a filled array with a value that is not finite or larger than any tensor', () => {
    const frameOf = (header: unknown): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header))
      const frame = new Uint8Array((8 + json.length + 7) & ~7)
      frame.set([0x43, 0x56, 0x4c, 0x31])
      new DataView(frame.buffer).setUint32(4, json.length, true)
      frame.set(json, 8)
      return frame
    }
    const value = { '\u0000typed': 0 }
    expect((decodeMessage(frameOf({ value, chunks: [['f64', 0, 3, 2]] })) as Float64Array).join()).toBe('2,2,2')
    expect(() => decodeMessage(frameOf({ value, chunks: [['f64', 0, 3, 'x']] }))).toThrow(/bad chunk table/)
    expect(() => decodeMessage(frameOf({ value, chunks: [['f64', 0, 3, null]] }))).toThrow(/bad chunk table/)
    expect(() => decodeMessage(frameOf({ value, chunks: [['f64', 0, 2 ** 40, 1]] }))).toThrow(/bad chunk table/)
  })
})
