// convolab export from outside: frames of the seed example, and every bad input refused with
// exit 2, one line `convolab: …`, and nothing written.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src-main/cli'

const sample = 'samples/seed-example.convolab'
let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-export-'))
})

describe('convolab export', () => {
  it('writes the forward frames of the seed example as PNGs at the size asked', async () => {
    const out = join(scratch, 'forward')
    const result = await run(
      ['export', '--session', sample, '--animation', 'forward', '--format', 'png', '--out', out, '--size', '400x240', '--granularity', 'row'],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^wrote 24 frames \(forward, row, 400×240\) to .* in \d+\.\d s$/)
    expect(readdirSync(out)).toHaveLength(24)
    const meta = await sharp(join(out, 'frame-0024.png')).metadata()
    expect([meta.width, meta.height]).toEqual([400, 240])
  })

  it('writes a GIF of a range of backward steps, and says so in Spanish', async () => {
    const out = join(scratch, 'weight.gif')
    const result = await run(
      [
        'export',
        '--session',
        sample,
        '--animation',
        'backward-weight',
        '--format',
        'gif',
        '--out',
        out,
        '--size',
        '320x180',
        '--fps',
        '10',
        '--from',
        '5',
        '--to',
        '9',
      ],
      'es',
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^escritos 5 fotogramas \(backward-weight, cell, 320×180\)/)
    const meta = await sharp(out, { pages: -1 }).metadata()
    expect([meta.pages, meta.delay?.[0]]).toEqual([5, 100])
  })

  it("--from 0 starts at the empty start, as the page's export does", async () => {
    const out = join(scratch, 'from-zero')
    const result = await run(
      [
        'export',
        '--session',
        sample,
        '--animation',
        'backward-input',
        '--format',
        'png',
        '--out',
        out,
        '--size',
        '160x90',
        '--granularity',
        'channel',
        '--from',
        '0',
        '--to',
        '1',
      ],
      'en',
    )
    expect(result.code).toBe(0)
    expect(readdirSync(out)).toEqual(['frame-0001.png', 'frame-0002.png'])
  })

  it('--from alone runs to the last step', async () => {
    const out = join(scratch, 'tail')
    const result = await run(
      [
        'export',
        '--session',
        sample,
        '--animation',
        'backward-input',
        '--format',
        'png',
        '--out',
        out,
        '--size',
        '160x90',
        '--granularity',
        'channel',
        '--from',
        '5',
      ],
      'en',
    )
    expect(result.code).toBe(0)
    expect(readdirSync(out)).toEqual(['frame-0001.png', 'frame-0002.png'])
  })

  const corrupt = () => {
    const path = join(scratch, 'corrupt.convolab')
    writeFileSync(path, '{"format": "convolab-session", "version": 1, "input": 3}')
    return path
  }
  const newer = () => {
    const path = join(scratch, 'newer.convolab')
    writeFileSync(path, '{"format": "convolab-session", "version": 99}')
    return path
  }
  const cases: Array<[string, () => string[], RegExp]> = [
    [
      'a missing session file',
      () => ['--session', join(scratch, 'none.convolab'), '--animation', 'forward', '--format', 'png'],
      /cannot read .*none\.convolab/,
    ],
    ['a corrupt session', () => ['--session', corrupt(), '--animation', 'forward', '--format', 'png'], /not a valid Convolab session: input/],
    ['a session from a newer Convolab', () => ['--session', newer(), '--animation', 'forward', '--format', 'png'], /newer Convolab/],
    [
      'an unknown animation',
      () => ['--session', sample, '--animation', 'sideways', '--format', 'png'],
      /--animation must be one of forward, backward-input, backward-weight, backward-scatter/,
    ],
    ['an unknown format', () => ['--session', sample, '--animation', 'forward', '--format', 'webm'], /--format must be one of png, gif/],
    [
      'an unknown granularity',
      () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--granularity', 'pixel'],
      /--granularity must be one of/,
    ],
    ['a bad size', () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--size', '1280'], /--size must be WIDTHxHEIGHT/],
    [
      'a size too small',
      () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--size', '8x8'],
      /frame width must be a whole number of at least 16/,
    ],
    ['a size too large', () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--size', '100000x10'], /frame width/],
    ['fps 0', () => ['--session', sample, '--animation', 'forward', '--format', 'gif', '--fps', '0'], /--fps must be a whole number of at least 1/],
    ['fps too high', () => ['--session', sample, '--animation', 'forward', '--format', 'gif', '--fps', '60'], /fps must be more than 0 and at most 50/],
    ['--from 1.5', () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--from', '1.5'], /--from must be a whole number of at least 0/],
    [
      'a range past the end',
      () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--from', '70', '--to', '80'],
      /0 ≤ --from ≤ --to ≤ 72 \(got 70..80\)/,
    ],
    ['from after to', () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--from', '9', '--to', '3'], /got 9\.\.3/],
    ['an unknown flag', () => ['--session', sample, '--animation', 'forward', '--format', 'png', '--colour', 'red'], /unknown option --colour/],
  ]
  for (const [name, args, message] of cases) {
    it(`refuses ${name}: exit 2, one line, nothing written`, async () => {
      const out = join(scratch, `refused-${name.replace(/\W+/g, '-')}`)
      const before = readdirSync(scratch).filter((f) => !f.endsWith('.convolab'))
      const result = await run(['export', ...args(), '--out', out], 'en')
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^convolab: /)
      expect(result.stderr).toMatch(message)
      expect(existsSync(out)).toBe(false)
      expect(readdirSync(scratch).filter((f) => !f.endsWith('.convolab'))).toEqual(before)
    })
  }

  it('refuses a missing --out, and a GIF into a folder that does not exist', async () => {
    const missing = await run(['export', '--session', sample, '--animation', 'forward', '--format', 'png'], 'en')
    expect([missing.code, missing.stderr]).toEqual([2, 'convolab: --out is required'])
    const nowhere = join(scratch, 'no-such-folder', 'a.gif')
    const result = await run(['export', '--session', sample, '--animation', 'forward', '--format', 'gif', '--out', nowhere], 'es')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^convolab: no se puede leer .*no-such-folder/)
    expect(existsSync(join(scratch, 'no-such-folder'))).toBe(false)
  })
})
