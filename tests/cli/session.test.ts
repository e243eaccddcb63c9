// Sessions from the command line: `convolab session` writes a format-2 file the app's own reader
// opens with every value and setting, and `convolab compute --session` writes the same files as
// `convolab compute` given the same tensors (PyTorch's reference values for the seed's example).

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeSessionFile, encodeNpy, parseNpy, serializeSession } from '../../core'
import { run } from '../../src-main/cli'

const seed = 'tests/reference/cases/seed-stride1-padding0'
let scratch: string

const readNpy = (path: string) => parseNpy(new Uint8Array(readFileSync(path)))
const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-session-'))
})

describe('convolab session', () => {
  it('writes a session the app opens: input, its file name, kernel, upstream gradient', async () => {
    const out = join(scratch, 'seed.convolab')
    const result = await run(
      ['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--grad-output', `${seed}/grad_output.npy`, '--out', out],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('wrote the session')
    const session = decodeSessionFile(new Uint8Array(readFileSync(out)))
    expect(sameBits(session.input.data, readNpy(`${seed}/x.npy`).data)).toBe(true)
    expect(sameBits(session.weight.data, readNpy(`${seed}/weight.npy`).data)).toBe(true)
    expect(session.inputName).toBe('x.npy')
    expect(session.bias).toBeNull()
    expect(session.gradOutput.kind).toBe('tensor')
  })

  it('keeps every compute option and an image input as to_tensor reads it', async () => {
    const image = join(scratch, 'photo.png')
    const pixels = Buffer.from(Array.from({ length: 9 * 7 * 3 }, (_, k) => (k * 37) % 256))
    await sharp(pixels, { raw: { width: 9, height: 7, channels: 3 } })
      .png()
      .toFile(image)
    const weight = join(scratch, 'w.npy')
    writeFileSync(weight, encodeNpy({ shape: [2, 1, 2, 3], data: Float64Array.from({ length: 12 }, (_, k) => k / 10 - 0.5) }))
    const bias = join(scratch, 'b.npy')
    writeFileSync(bias, encodeNpy({ shape: [2], data: Float64Array.from([0.25, -1]) }))
    const out = join(scratch, 'options.convolab')
    const args = [
      '--input',
      image,
      '--weight',
      weight,
      '--bias',
      bias,
      '--stride',
      '2,1',
      '--padding',
      '1,2',
      '--dilation',
      '1,2',
      '--groups',
      '1',
      '--padding-mode',
      'reflect',
      '--grayscale',
      '--out',
      out,
    ]
    const result = await run(['session', ...args], 'en')
    expect(result.stderr).toBe('')
    const session = decodeSessionFile(new Uint8Array(readFileSync(out)))
    expect(session.options).toEqual({ stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 1, paddingMode: 'reflect' })
    expect(session.input.shape).toEqual([1, 1, 7, 9])
    expect(session.inputName).toBe('photo.png')
    expect([...session.bias!.data]).toEqual([0.25, -1])
    expect(session.gradOutput).toEqual({ kind: 'ones' })
  })

  it('refuses what the app could not open, writing nothing, in the user language', async () => {
    const out = join(scratch, 'bad.convolab')
    const wrongGradient = await run(
      ['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--grad-output', `${seed}/x.npy`, '--out', out],
      'es',
    )
    expect(wrongGradient.code).toBe(2)
    expect(wrongGradient.stderr).toMatch(/^convolab: /)
    const impossible = await run(['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--dilation', '9', '--out', out], 'en')
    expect(impossible.code).toBe(2)
    const notSession = await run(['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--out', join(scratch, 'x.zip')], 'en')
    expect(notSession.code).toBe(2)
    expect(readdirSync(scratch)).not.toContain('bad.convolab')
    expect(readdirSync(scratch)).not.toContain('x.zip')
  })
})

describe('convolab compute --session', () => {
  it("writes the same files as compute, with PyTorch's values", async () => {
    const file = join(scratch, 'combo.convolab')
    const common = [
      '--input',
      `${seed}/x.npy`,
      '--weight',
      `${seed}/weight.npy`,
      '--grad-output',
      `${seed}/grad_output.npy`,
      '--stride',
      '2',
      '--padding',
      '1',
      '--padding-mode',
      'reflect',
    ]
    expect((await run(['session', ...common, '--out', file], 'en')).code).toBe(0)
    const direct = join(scratch, 'direct')
    const fromSession = join(scratch, 'from-session')
    const a = await run(['compute', ...common, '--out', direct], 'en')
    const b = await run(['compute', '--session', file, '--out', fromSession], 'en')
    expect(a.stderr + b.stderr).toBe('')
    expect(b.stdout).toBe(a.stdout)
    expect(readdirSync(fromSession).sort()).toEqual(readdirSync(direct).sort())
    for (const name of readdirSync(direct)) {
      expect(readFileSync(join(fromSession, name)).equals(readFileSync(join(direct, name))), name).toBe(true)
    }
  })

  it("reproduces the seed's reference values from a session", async () => {
    const file = join(scratch, 'seed-ref.convolab')
    await run(['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--grad-output', `${seed}/grad_output.npy`, '--out', file], 'en')
    const out = join(scratch, 'seed-ref')
    expect((await run(['compute', '--session', file, '--out', out], 'en')).code).toBe(0)
    for (const name of ['output.npy', 'grad_input.npy', 'grad_weight.npy']) {
      const actual = readNpy(join(out, name))
      const expected = readNpy(join(seed, name))
      expect(actual.shape).toEqual(expected.shape)
      actual.data.forEach((value, k) => expect(Math.abs(value - expected.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected.data[k]))))
    }
  })

  it('opens version-1 sessions too, and refuses a missing or damaged one', async () => {
    const v1 = join(scratch, 'old.convolab')
    const x = readNpy(`${seed}/x.npy`)
    const w = readNpy(`${seed}/weight.npy`)
    writeFileSync(v1, serializeSession({ input: x, weight: w, bias: null, options: {}, gradOutput: { kind: 'ones' }, view: {} }))
    const old = await run(['compute', '--session', v1, '--out', join(scratch, 'old')], 'en')
    expect(old.stderr).toBe('')
    const got = readNpy(join(scratch, 'old', 'output.npy'))
    const expected = readNpy(`${seed}/output.npy`)
    expect(got.shape).toEqual(expected.shape)
    got.data.forEach((value, k) => expect(Math.abs(value - expected.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected.data[k]))))
    const missing = await run(['compute', '--session', join(scratch, 'none.convolab'), '--out', join(scratch, 'none')], 'en')
    expect(missing.code).toBe(2)
    const damaged = join(scratch, 'damaged.convolab')
    writeFileSync(damaged, Buffer.from('PK\u0003\u0004 not really a zip'))
    const refused = await run(['compute', '--session', damaged, '--out', join(scratch, 'damaged')], 'en')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('session')
  })
})

describe('convolab export of a format-2 session', () => {
  it('draws the frames of a session written by convolab session', async () => {
    const file = join(scratch, 'export.convolab')
    expect((await run(['session', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--out', file], 'en')).code).toBe(0)
    const out = join(scratch, 'frames')
    const result = await run(['export', '--session', file, '--animation', 'forward', '--format', 'png', '--size', '160x90', '--to', '3', '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(readdirSync(out).filter((name) => name.endsWith('.png')).length).toBeGreaterThanOrEqual(3)
  })
})
