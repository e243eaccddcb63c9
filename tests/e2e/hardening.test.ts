// Bad input everywhere, through the engine as the renderer reaches it: corrupt and truncated
// images, .npy files and sessions; an image claiming 20000×20000 pixels and a real 6000×4000
// photo; a kernel larger than the input; non-numeric kernel cells; NaN and infinity in
// tensors. Each is an error envelope whose message exists in English and Spanish (or, for
// non-finite values, counted maps), never a crash, a hang or a silent blank map.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeNpy } from '../../core/npy'
import { plainMessage } from '../../core/errors'
import { formatMessage } from '../../messages'
import { serializeSession } from '../../core/session'
import type { ComputeRequest, ErrorEnvelope, Result, TensorPayload } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { Storage } from '../../src-main/storage/storage'

const scratch = mkdtempSync(join(resolve(__dirname, '../..'), 'node_modules', '.cache', 'convolab-hardening-'))
let engine: Engine
const logged: string[] = []

beforeAll(() => {
  mkdirSync(join(scratch, 'data'), { recursive: true })
  const storage = new Storage({ dir: join(scratch, 'data'), host: 'browser', log: () => {} })
  engine = new Engine({ host: 'browser', spawn: sameThreadWorker(), storage, log: (message) => logged.push(message) })
})
afterAll(() => {
  engine.close()
  rmSync(scratch, { recursive: true, force: true })
})

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`engine error ${result.code}: ${result.message}`)
  return result.value
}

/** The envelope, checked to have a real message in both languages (not the code-and-values fallback). */
function refusal(result: Result<unknown>, code: string): { en: string; es: string } {
  if (result.ok) throw new Error(`expected ${code}, got a result`)
  const envelope = result as ErrorEnvelope
  expect(envelope.code).toBe(code)
  const en = formatMessage(envelope.code, envelope.params, 'en')
  const es = formatMessage(envelope.code, envelope.params, 'es')
  const fallback = plainMessage(envelope.code, envelope.params)
  expect(en).not.toBe(fallback)
  expect(es).not.toBe(fallback)
  expect(es).not.toBe(en)
  // the envelope carries no language: its message is the plain code and values, for logs
  expect(envelope.message).toBe(fallback)
  return { en, es }
}

const tensor = (shape: number[], values: number[]): TensorPayload => ({ shape, data: Float64Array.from(values) })

/** A real 1×1 PNG whose header claims width×height (IHDR CRC recomputed): decoding it would be a disaster. */
async function pngClaiming(width: number, height: number): Promise<Uint8Array> {
  const png = new Uint8Array(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  )
  const view = new DataView(png.buffer, png.byteOffset)
  view.setUint32(16, width)
  view.setUint32(20, height)
  view.setUint32(29, crc32(png.subarray(12, 29)))
  return png
}

describe('images', () => {
  it('refuses corrupt and truncated images by name', async () => {
    const real = new Uint8Array(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 20, b: 90 } } })
        .png()
        .toBuffer(),
    )
    const cases: Array<[string, Uint8Array]> = [
      ['noise.png', Uint8Array.from({ length: 500 }, (_, k) => (k * 131) % 251)],
      ['half.png', real.subarray(0, Math.floor(real.length / 2))],
      ['header-only.png', real.subarray(0, 40)],
      ['empty.jpg', new Uint8Array(0)],
    ]
    for (const [name, bytes] of cases) {
      const { en, es } = refusal(await engine.invoke('decodeImage', { bytes, name, grayscale: true, maxSide: 256 }), 'image-decode')
      expect(en).toContain(name)
      expect(es).toContain(name)
    }
  })

  it('refuses an image claiming 20000×20000 from its header, without decoding it, even when asked to downscale', async () => {
    const before = process.memoryUsage().rss
    for (const maxSide of [0, 1024]) {
      const { en, es } = refusal(
        await engine.invoke('decodeImage', { bytes: await pngClaiming(20000, 20000), name: 'huge.png', grayscale: false, maxSide }),
        'image-pixels',
      )
      expect(en).toMatch(/20000×20000 \(400 megapixels\)/)
      expect(es).toMatch(/20000×20000 \(400 megapíxeles\)/)
    }
    // 400 megapixels would need 1.6 GB as RGBA; nothing near that was allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
  })

  it('refuses a 6000×4000 photo at full size, and downscales it when a working size is given', async () => {
    const bytes = new Uint8Array(
      await sharp({ create: { width: 6000, height: 4000, channels: 3, background: { r: 10, g: 120, b: 240 } } })
        .jpeg()
        .toBuffer(),
    )
    const { en } = refusal(await engine.invoke('decodeImage', { bytes, name: 'photo.jpg', grayscale: true, maxSide: 0 }), 'image-too-large')
    expect(en).toMatch(/6000×4000/)
    const decoded = value(await engine.invoke('decodeImage', { bytes, name: 'photo.jpg', grayscale: true, maxSide: 512 }))
    expect(decoded.tensor.shape).toEqual([1, 1, 341, 512])
    expect(decoded).toMatchObject({ originalWidth: 6000, originalHeight: 4000, resized: true })
  }, 60_000)
})

describe('.npy, CSV and JSON tensors', () => {
  const good = encodeNpy({ shape: [1, 1, 3, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) })
  it('refuses a file that is not .npy, a truncated one and a broken header', async () => {
    refusal(await engine.invoke('readTensorFile', { bytes: new TextEncoder().encode('hello'), name: 'k.npy' }), 'npy-magic')
    refusal(await engine.invoke('readTensorFile', { bytes: good.subarray(0, good.length - 20), name: 'k.npy' }), 'npy-truncated')
    refusal(await engine.invoke('readTensorFile', { bytes: good.subarray(0, 12), name: 'k.npy' }), 'npy-truncated')
    const broken = good.slice()
    broken.set(new TextEncoder().encode("{'descr': <f8"), 10)
    refusal(await engine.invoke('readTensorFile', { bytes: broken, name: 'k.npy' }), 'npy-header')
  })

  it('refuses non-numeric kernel cells, naming the line', async () => {
    const { en, es } = refusal(
      await engine.invoke('readTensorFile', { bytes: new TextEncoder().encode('1,0,-1\n2,abc,-2\n1,0,-1\n'), name: 'sobel.csv' }),
      'csv-value',
    )
    expect(en).toMatch(/sobel\.csv, line 2/)
    expect(es).toMatch(/sobel\.csv, línea 2/)
    refusal(await engine.invoke('readTensorFile', { bytes: new TextEncoder().encode('[[1, "x"], [0, 1]]'), name: 'k.json' }), 'json-tensor')
  })
})

describe('requests', () => {
  let inputId = ''
  const request = (extra: Partial<ComputeRequest>): ComputeRequest => ({
    requestId: 1,
    inputId,
    weight: tensor([1, 1, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1]),
    bias: null,
    options: { padding: 1 },
    display: { maxSide: 0 },
    ...extra,
  })
  beforeAll(async () => {
    inputId = value(await engine.invoke('setInput', tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]))).inputId
  })

  it('explains a kernel larger than the input, with both sizes', async () => {
    const { en, es } = refusal(
      await engine.invoke('compute', request({ weight: tensor([1, 1, 5, 5], new Array(25).fill(1)), options: {} })),
      'kernel-too-large',
    )
    expect(en).toBe('the dilated kernel (5×5) is larger than the padded input (3×3)')
    expect(es).toContain('(5×5)')
  })

  it('refuses kernel cells that are not numbers before anything runs', async () => {
    const cells = { shape: [1, 1, 3, 3], data: [1, 'a', 1, 1, 1, 1, 1, 1, 1] } as unknown as TensorPayload
    const { en } = refusal(await engine.invoke('compute', request({ weight: cells })), 'bad-request')
    expect(en).toMatch(/compute: weight\.data/)
    refusal(await engine.invoke('compute', request({ weight: { shape: [1, 1, 3, 3], data: new Float64Array(4) } })), 'bad-request')
  })

  it('opens a session whose kernel is larger than its input as it is, and refuses corrupt, truncated and newer sessions', async () => {
    const session = {
      input: tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]),
      weight: tensor([1, 1, 5, 5], new Array(25).fill(1)),
      bias: null,
      options: {},
      gradOutput: { kind: 'ones' as const },
      view: {},
    }
    const open = (text: string) => engine.invoke('openSession', { bytes: new TextEncoder().encode(text), name: 's.convolab' })
    // An impossible setting is part of the document: it opens as saved (the app then explains it).
    expect(value(await open(serializeSession(session))).session.weight.shape).toEqual([1, 1, 5, 5])
    const fine = serializeSession({ ...session, weight: tensor([1, 1, 2, 2], [1, 0, 0, 1]) })
    expect(value(await open(fine)).session.weight.shape).toEqual([1, 1, 2, 2])
    refusal(await open(fine.slice(0, 200)), 'session-corrupt')
    refusal(await open(fine.replace(/"data": "[^"]+"/, '"data": "!!!!"')), 'session-corrupt')
    refusal(await open(fine.replace(/"version": \d+/, '"version": 99')), 'session-newer')
    refusal(await open(fine.replace(/"data": "[^"]+"/, '"data": "AAAA"')), 'data-size')
  })

  it('counts NaN and infinity in every map instead of drawing a silent blank', async () => {
    const withInf = value(await engine.invoke('setInput', tensor([1, 1, 3, 3], [Infinity, 2, 3, 4, 5, 6, 7, 8, 9]))).inputId
    // A 3×3 window of ones with padding 1 over  ∞ 2 3 / 4 5 6 / 7 8 9: the four outputs that see
    // the corner are +∞; the others are 16, 33, 24, 39, 28.
    const result = value(await engine.invoke('compute', request({ inputId: withInf, gradOutput: { kind: 'ones' } })))
    expect(Array.from(result.output.nonFinite)).toEqual([4])
    expect(Array.from(result.output.data)).toEqual([Infinity, Infinity, 16, Infinity, Infinity, 33, 24, 39, 28])
    expect([result.output.min[0], result.output.max[0]]).toEqual([16, 39])
    // dE/dw: the four taps that reach the corner are +∞ too, exactly.
    expect(Array.from(result.gradWeight!.data).filter((v) => v === Infinity)).toHaveLength(4)

    // A NaN weight spoils every output: all nine counted, shown as NaN (not 0), range unknown.
    const spoiled = value(await engine.invoke('compute', request({ weight: tensor([1, 1, 3, 3], [1, 1, 1, 1, NaN, 1, 1, 1, 1]) })))
    expect(Array.from(spoiled.output.nonFinite)).toEqual([9])
    expect(Array.from(spoiled.output.data).every(Number.isNaN)).toBe(true)
    expect([spoiled.output.min[0], spoiled.output.max[0]]).toEqual([NaN, NaN])
  })
})

describe('after all of the above', () => {
  it("no bad input reached the engine's unexpected-error path: every refusal was a known error", () => {
    expect(logged).toEqual([])
  })
})
