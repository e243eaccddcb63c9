// Session format 2 (a zip of session.json and .npy members): bit-exact round trips, the exact
// integer encoding of 8/16-bit images, a committed version-1 file through the migration table, refusals.

import { readFileSync } from 'node:fs'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  ConvolabError,
  decodeSessionFile,
  encodeSessionFile,
  isZipFile,
  MIGRATIONS,
  normalTensor,
  parseNpy,
  seededSource,
  serializeSession,
  sessionFileChunks,
  SESSION_VERSION,
  type Session,
  type Tensor,
} from '../../core'

function photo(shape: number[], divisor: number, seed = 3): Tensor {
  const size = shape.reduce((a, b) => a * b, 1)
  const source = seededSource(seed)
  return { shape, data: Float64Array.from({ length: size }, () => Math.floor(source() * (divisor + 1)) / divisor) }
}

function sample(input: Tensor = photo([1, 3, 16, 20], 255)): Session {
  const source = seededSource(5)
  return {
    input,
    inputName: 'photo.png',
    weight: normalTensor([2, 3, 3, 2], source),
    bias: normalTensor([2], source),
    options: { stride: [2, 1], padding: 'valid', dilation: 1, groups: 1, paddingMode: 'reflect' },
    gradOutput: { kind: 'mse', target: normalTensor([1, 2, Math.floor((input.shape[2] - 3) / 2) + 1, input.shape[3] - 1], source) },
    view: { colourMap: 'viridis', zoom: 2 },
    learning: { target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.1, steps: 5, start: 'random', seed: 7 },
  }
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  return x.every((v, k) => v === y[k])
}

function codeOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error.code
    throw error
  }
  return 'no error'
}

describe('session format 2', () => {
  it('is a zip of session.json and .npy members that NumPy reads', () => {
    const session = sample()
    const bytes = encodeSessionFile(session)
    expect(isZipFile(bytes)).toBe(true)
    const members = unzipSync(bytes)
    expect(Object.keys(members).sort()).toEqual(['bias.npy', 'input.npy', 'session.json', 'target.npy', 'weight.npy'])
    const json = JSON.parse(new TextDecoder().decode(members['session.json']))
    expect(json.version).toBe(SESSION_VERSION)
    expect(json.input).toEqual({ npy: 'input.npy', divisor: 255 })
    expect(json.weight).toEqual({ npy: 'weight.npy' })
    expect(json.inputName).toBe('photo.png')
    // The 8-bit photo is stored as its integers, read back as NumPy would.
    const input = parseNpy(members['input.npy'])
    expect(input.dtype).toBe('uint8')
    expect(input.shape).toEqual([1, 3, 16, 20])
    expect([...input.data.slice(0, 5)]).toEqual([...session.input.data.slice(0, 5)].map((v) => Math.round(v * 255)))
    expect(parseNpy(members['weight.npy']).dtype).toBe('float64')
  })

  it('round-trips every value bit for bit: 8-bit, 16-bit and arbitrary float64 inputs, NaN, −0 and ∞', () => {
    const floats = normalTensor([1, 3, 16, 20], seededSource(9))
    floats.data[0] = NaN
    floats.data[1] = -0
    floats.data[2] = Infinity
    const withNegativeZero = photo([1, 3, 16, 20], 255)
    withNegativeZero.data[7] = -0
    for (const input of [photo([1, 3, 16, 20], 255), photo([1, 3, 16, 20], 65535), floats, withNegativeZero]) {
      const session = sample(input)
      const back = decodeSessionFile(encodeSessionFile(session))
      expect(back.input.shape).toEqual(input.shape)
      expect(sameBits(back.input.data, input.data)).toBe(true)
      expect(sameBits(back.weight.data, session.weight.data)).toBe(true)
      expect(sameBits(back.bias!.data, session.bias!.data)).toBe(true)
      expect(back.gradOutput.kind === 'mse' && sameBits(back.gradOutput.target.data, (session.gradOutput as { target: Tensor }).target.data)).toBe(true)
      expect(back.options).toEqual(session.options)
      expect(back.view).toEqual(session.view)
      expect(back.learning).toEqual(session.learning)
      expect(back.inputName).toBe('photo.png')
    }
  })

  it('streams: the chunks, joined, are the file, and a large input comes in many chunks', () => {
    const session = sample(photo([1, 3, 700, 700], 255))
    const chunks = [...sessionFileChunks(session)]
    expect(chunks.length).toBeGreaterThan(2)
    const joined = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks) {
      joined.set(c, at)
      at += c.length
    }
    expect(sameBits(decodeSessionFile(joined).input.data, session.input.data)).toBe(true)
  })

  it('opens version-1 JSON text sessions through the migration table', () => {
    expect(MIGRATIONS[1]({ format: 'convolab-session', version: 1 })).toEqual({ format: 'convolab-session', version: 2 })
    // written by the version-1 code (tests/core/session-v3.test.ts checks every value of it)
    const v1 = readFileSync('tests/core/sessions/version-1.convolab')
    expect(isZipFile(v1)).toBe(false)
    expect(JSON.parse(v1.toString('utf8')).version).toBe(1)
    const back = decodeSessionFile(new Uint8Array(v1))
    expect(back.inputName).toBe('grid.npy')
    expect(back.layer).toEqual({ type: 'conv2d' })
    expect(back.learning).toEqual({ target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.05, steps: 20, start: 'random', seed: 7 })
    // the text form of today's version opens too
    const session = sample(normalTensor([1, 3, 16, 20], seededSource(2)))
    const text = serializeSession(session)
    expect(JSON.parse(text).version).toBe(SESSION_VERSION)
    const again = decodeSessionFile(new TextEncoder().encode(text))
    expect(sameBits(again.input.data, session.input.data)).toBe(true)
    expect(again.learning).toEqual(session.learning)
  })

  it('refuses damaged, incomplete or newer files with a reason, never half a session', () => {
    const good = encodeSessionFile(sample())
    expect(codeOf(() => decodeSessionFile(good.slice(0, good.length >> 1)))).toBe('session-corrupt')
    const members = unzipSync(good)
    const rezip = (changes: Record<string, Uint8Array | null>): Uint8Array => {
      const next: Record<string, Uint8Array> = {}
      for (const [name, data] of Object.entries({ ...members, ...changes })) if (data) next[name] = data
      return zipSync(next)
    }
    expect(codeOf(() => decodeSessionFile(rezip({ 'input.npy': null })))).toBe('session-corrupt')
    expect(codeOf(() => decodeSessionFile(rezip({ 'session.json': null })))).toBe('session-corrupt')
    expect(codeOf(() => decodeSessionFile(rezip({ 'input.npy': members['weight.npy'] })))).toBe('session-corrupt')
    expect(codeOf(() => decodeSessionFile(rezip({ 'weight.npy': members['input.npy'] })))).toBe('session-corrupt')
    const json = JSON.parse(new TextDecoder().decode(members['session.json']))
    expect(codeOf(() => decodeSessionFile(rezip({ 'session.json': strToU8(JSON.stringify({ ...json, version: SESSION_VERSION + 1 })) })))).toBe('session-newer')
    expect(codeOf(() => decodeSessionFile(rezip({ 'session.json': strToU8(JSON.stringify({ ...json, input: { npy: '../etc.npy' } })) })))).toBe(
      'session-corrupt',
    )
    expect(codeOf(() => decodeSessionFile(rezip({ 'weight.npy': strToU8('not an npy') })))).toBe('npy-magic')
    expect(codeOf(() => decodeSessionFile(new Uint8Array([0xff, 0xfe, 0x00])))).toBe('session-corrupt')
  })
})
