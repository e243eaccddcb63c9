// The command line from outside: the seed's example, images, gradcheck, and every kind of bad input.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeNpy, parseNpy } from '../../core'
import { run } from '../../src-main/cli'

const seed = 'tests/reference/cases/seed-stride1-padding0'
let scratch: string

function readNpy(path: string) {
  return parseNpy(new Uint8Array(readFileSync(path)))
}

function expectMatches(path: string, referencePath: string): void {
  const actual = readNpy(path)
  const expected = readNpy(referencePath)
  expect(actual.shape).toEqual(expected.shape)
  actual.data.forEach((value, k) => {
    expect(Math.abs(value - expected.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected.data[k])))
  })
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-'))
})

afterAll(() => {
  // Temporary folders are left to the OS; nothing outside scratch is written.
})

describe('convolab compute', () => {
  it("reproduces the seed's example, forward and backward", async () => {
    const out = join(scratch, 'seed')
    const result = await run(
      ['compute', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--grad-output', `${seed}/grad_output.npy`, '--out', out],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('output shape (2, 4, 3, 3)')
    expect(result.stdout).toContain('H_out = ⌊(7 + 2·0 − 1·(5−1) − 1) / 1⌋ + 1 = 3')
    expectMatches(join(out, 'output.npy'), `${seed}/output.npy`)
    expectMatches(join(out, 'grad_input.npy'), `${seed}/grad_input.npy`)
    expectMatches(join(out, 'grad_weight.npy'), `${seed}/grad_weight.npy`)
    expect(existsSync(join(out, 'grad_bias.npy'))).toBe(false)
    const y = readNpy(join(out, 'output.npy')).data
    expect([...y.slice(0, 3)].map((v) => v.toFixed(8))).toEqual(['18.91400336', '17.74220249', '17.04932403'])
    expect(readdirSync(out).sort()).toEqual(['grad_input.npy', 'grad_output.npy', 'grad_weight.npy', 'output.npy'].filter((f) => f !== 'grad_output.npy'))
  })

  it('runs the stride 2, padding 1 variant and writes the bias gradient', async () => {
    const variant = 'tests/reference/cases/seed-stride2-padding1'
    const bias = join(scratch, 'bias.npy')
    writeFileSync(bias, encodeNpy({ shape: [4], data: Float64Array.of(0.5, -1, 2, 0) }))
    const out = join(scratch, 'variant')
    const result = await run(
      [
        'compute',
        '--input',
        `${variant}/x.npy`,
        '--weight',
        `${variant}/weight.npy`,
        '--bias',
        bias,
        '--grad-output',
        `${variant}/grad_output.npy`,
        '--stride',
        '2',
        '--padding',
        '1',
        '--out',
        out,
      ],
      'en',
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('output shape (2, 4, 3, 3)')
    const sums = readNpy(join(out, 'grad_bias.npy'))
    const dy = readNpy(`${variant}/grad_output.npy`)
    const plane = 9
    for (let m = 0; m < 4; m++) {
      let expected = 0
      for (let n = 0; n < 2; n++) for (let k = 0; k < plane; k++) expected += dy.data[(n * 4 + m) * plane + k]
      expect(sums.data[m]).toBeCloseTo(expected, 12)
    }
    const withoutBias = readNpy(`${variant}/output.npy`)
    const withBias = readNpy(join(out, 'output.npy'))
    expect(withBias.data[0] - withoutBias.data[0]).toBeCloseTo(0.5, 12)
  })

  it('reads an image as (1, 3, H, W) in [0, 1], or (1, 1, H, W) with --grayscale', async () => {
    const image = join(scratch, 'photo.png')
    const pixels = Buffer.alloc(6 * 5 * 3)
    pixels[0] = 255 // top-left red
    await sharp(pixels, { raw: { width: 6, height: 5, channels: 3 } })
      .png()
      .toFile(image)
    const weight = join(scratch, 'identity.npy')
    writeFileSync(weight, encodeNpy({ shape: [3, 3, 1, 1], data: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1) }))
    const out = join(scratch, 'image')
    const result = await run(['compute', '--input', image, '--weight', weight, '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('output shape (1, 3, 5, 6)')
    const y = readNpy(join(out, 'output.npy'))
    expect(y.data[0]).toBe(1)
    expect(y.data[1]).toBe(0)
    expect(y.data[30]).toBe(0)

    const gray = join(scratch, 'gray')
    const grayWeight = join(scratch, 'one.npy')
    writeFileSync(grayWeight, encodeNpy({ shape: [1, 1, 1, 1], data: Float64Array.of(1) }))
    const grayResult = await run(['compute', '--input', image, '--grayscale', '--weight', grayWeight, '--out', gray], 'en')
    expect(grayResult.stdout).toContain('output shape (1, 1, 5, 6)')
  })

  it("prints the readers' notices: a skipped CSV header, an image's dropped transparency (en/es)", async () => {
    const image = join(scratch, 'clear.png')
    await sharp(Buffer.alloc(4 * 4 * 4, 0), { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toFile(image)
    const weight = join(scratch, 'kernel.csv')
    writeFileSync(weight, '\uFEFF# shape (1, 1, 2, 2)\r\na;b\r\n0,5;0,25\r\n1,5;−1,5\r\n')
    const out = join(scratch, 'notices')
    const en = await run(['compute', '--input', image, '--grayscale', '--weight', weight, '--out', out], 'en')
    expect(en.stderr).toBe('')
    const lines = en.stdout.split('\n')
    expect(lines[0]).toBe(
      `note: ${image} has transparency; it was dropped as PyTorch's PIL convert('RGB') drops it (the colours under transparent pixels are kept, not flattened onto white)`,
    )
    expect(lines[1]).toBe(`note: ${weight}: line 2 ('a;b') is a row of names, not numbers; it was skipped`)
    expect(lines[2]).toBe('output shape (1, 1, 3, 3)')
    const es = await run(['compute', '--input', image, '--grayscale', '--weight', weight, '--out', join(scratch, 'notas')], 'es')
    expect(es.stdout).toMatch(/^nota: .* tiene transparencia/)
  })
})

describe('convolab gradcheck', () => {
  it("prints the notebook's report", async () => {
    const result = await run(['gradcheck', '--input-shape', '2,3,5,5', '--out-channels', '5', '--kernel-size', '3'], 'en')
    expect(result).toEqual({ code: 0, stdout: 'SUCCESS 28500 partial derivatives checked (100 random input samples)', stderr: '' })
  })

  it('exits 1 when derivatives exceed the tolerance', async () => {
    const result = await run(
      ['gradcheck', '--input-shape', '1,1,4,4', '--out-channels', '1', '--kernel-size', '2', '--samples', '2', '--tolerance', '1e-16'],
      'en',
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^FAILURE \d+ of 40 partial derivatives exceed the tolerance 1e-16; worst: /)
  })
})

describe('bad input', () => {
  const corrupt = () => {
    const path = join(scratch, 'corrupt.npy')
    writeFileSync(path, readFileSync(`${seed}/x.npy`).subarray(0, 100))
    return path
  }
  const notAnImage = () => {
    const path = join(scratch, 'text.png')
    writeFileSync(path, 'this is not a png')
    return path
  }
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => ['--input', 'missing.npy', '--weight', `${seed}/weight.npy`], /cannot read missing\.npy/],
    ['a truncated .npy', () => ['--input', corrupt(), '--weight', `${seed}/weight.npy`], /truncated/],
    ['an image that is not one', () => ['--input', notAnImage(), '--weight', `${seed}/weight.npy`], /is not an image/],
    ['a channel mismatch', () => ['--input', `${seed}/x.npy`, '--weight', 'tests/reference/cases/single-channel/weight.npy'], /channels/],
    [
      "'same' with stride 2",
      () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--padding', 'same', '--stride', '2'],
      /padding 'same' needs stride 1 \(got stride 2\)/,
    ],
    [
      'stride 0',
      () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--stride', '0'],
      /stride must be a whole number of at least 1 \(got 0\)/,
    ],
    ['an unknown padding mode', () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--padding-mode', 'mirror'], /padding mode must be/],
    ['a kernel larger than the input', () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--dilation', '2'], /larger than the padded input/],
    ['an unknown flag', () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--strid', '2'], /unknown option --strid/],
    [
      'a wrong grad-output shape',
      () => ['--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--grad-output', `${seed}/x.npy`],
      /output gradient has shape/,
    ],
  ]
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line on stderr, nothing written`, async () => {
      const out = join(scratch, `bad-${name.replace(/\W+/g, '-')}`)
      const result = await run(['compute', ...args(), '--out', out], 'en')
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^convolab: /)
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toContain('\n')
      expect(existsSync(out)).toBe(false)
    })
  }

  it('leaves an existing output folder exactly as it was', async () => {
    const out = join(scratch, 'existing')
    await run(['compute', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--out', out], 'en')
    const before = readFileSync(join(out, 'output.npy'))
    const result = await run(['compute', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--stride', '2,x', '--out', out], 'en')
    expect(result.code).toBe(2)
    expect(readdirSync(out)).toEqual(['output.npy'])
    expect(readFileSync(join(out, 'output.npy')).equals(before)).toBe(true)
  })

  it('speaks Spanish', async () => {
    const result = await run(['compute', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--groups', '2', '--out', join(scratch, 'es')], 'es')
    expect(result.stderr).toBe('convolab: grupos 2 debe dividir a in_channels 3')
  })
})

describe('the built bin', () => {
  const bin = 'bin/convolab.cjs'
  it.runIf(existsSync('out/main/cli.js'))('runs compute from the command line', () => {
    const out = join(scratch, 'bin')
    const stdout = execFileSync(process.execPath, [bin, 'compute', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C' },
    })
    expect(stdout).toContain('output shape (2, 4, 3, 3)')
    expectMatches(join(out, 'output.npy'), `${seed}/output.npy`)
    const bad = spawnSync(process.execPath, [bin, 'compute', '--input', 'missing.npy'], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } })
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
  })
})
