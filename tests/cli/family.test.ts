// convolab compute --layer conv-transpose2d | max-pool2d | avg-pool2d reproduces every PyTorch
// fixture of generate_family.py from the fixture files; gradcheck --layer; bad input.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Pair } from '../../core'
import { parseNpy } from '../../core'
import { run } from '../../src-main/cli'
import { REFERENCE_TOLERANCE, familyError, familyFolder, familyManifest } from '../reference/family'

const root = 'tests/reference/'
let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-family-'))
})

function readNpy(path: string) {
  return parseNpy(new Uint8Array(readFileSync(path)))
}

function pairWord(value: Pair | readonly [number, number]): string {
  return typeof value === 'number' ? String(value) : value.join(',')
}

/** One flag per option, in the CLI's words (`--flag=value`, so negative numbers stay values). */
function flags(options: object): string[] {
  const names: Record<string, string> = {
    stride: 'stride',
    padding: 'padding',
    outputPadding: 'output-padding',
    outputSize: 'output-size',
    dilation: 'dilation',
    groups: 'groups',
    kernelSize: 'kernel-size',
    countIncludePad: 'count-include-pad',
    divisorOverride: 'divisor-override',
  }
  return Object.entries(options).flatMap(([key, value]) => {
    if (key === 'ceilMode') return value ? ['--ceil-mode'] : []
    if (key === 'countIncludePad') return [`--count-include-pad=${value}`]
    return [`--${names[key]}=${pairWord(value as Pair)}`]
  })
}

function expectClose(path: string, expectedPath: string): number {
  const error = familyError(readNpy(path), readNpy(expectedPath))
  expect(error, path).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
  return error
}

const manifest = familyManifest()

describe('compute --layer conv-transpose2d reproduces PyTorch', () => {
  it.each(manifest.convTranspose2d.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const folder = root + familyFolder('conv-transpose2d', name)
    const out = join(scratch, `transposed-${name}`)
    const result = await run(
      [
        'compute',
        '--layer',
        'conv-transpose2d',
        '--input',
        `${folder}/x.npy`,
        '--weight',
        `${folder}/weight.npy`,
        ...(c.bias ? ['--bias', `${folder}/bias.npy`] : []),
        ...flags(c.options),
        '--grad-output',
        `${folder}/grad_output.npy`,
        '--out',
        out,
      ],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^output shape \(\d+, \d+, \d+, \d+\)\nH_out = .* = \d+\nW_out = .* = \d+\nwrote: /)
    const files = ['output', 'grad_input', 'grad_weight', ...(c.bias ? ['grad_bias'] : [])]
    expect(readdirSync(out).sort()).toEqual(files.map((f) => `${f}.npy`).sort())
    for (const file of files) expectClose(join(out, `${file}.npy`), `${folder}/${file}.npy`)
  })

  it('prints the formula with its numbers', async () => {
    const folder = root + familyFolder('conv-transpose2d', 'stride2-output-padding1')
    const result = await run(
      [
        'compute',
        '--layer',
        'conv-transpose2d',
        '--input',
        `${folder}/x.npy`,
        '--weight',
        `${folder}/weight.npy`,
        '--stride',
        '2',
        '--output-padding',
        '1',
        '--out',
        join(scratch, 'formula'),
      ],
      'en',
    )
    expect(result.stdout).toBe(
      [
        'output shape (1, 2, 10, 10)',
        'H_out = (4 − 1)·2 − 2·0 + 1·(3−1) + 1 + 1 = 10',
        'W_out = (4 − 1)·2 − 2·0 + 1·(3−1) + 1 + 1 = 10',
        'wrote: output.npy',
      ].join('\n'),
    )
  })
})

describe('compute --layer max-pool2d and avg-pool2d reproduce PyTorch', () => {
  const pools = [...manifest.maxPool2d.map((c) => ['max-pool2d', c] as const), ...manifest.avgPool2d.map((c) => ['avg-pool2d', c] as const)]
  it.each(pools.map(([layer, c]) => [`${layer} ${c.name}`, layer, c] as const))('%s', async (_label, layer, c) => {
    const folder = root + familyFolder(layer, c.name)
    const out = join(scratch, `${layer}-${c.name}`)
    const result = await run(
      ['compute', '--layer', layer, '--input', `${folder}/x.npy`, ...flags(c.options), '--grad-output', `${folder}/grad_output.npy`, '--out', out],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const files = layer === 'max-pool2d' ? ['output', 'indices', 'grad_input'] : ['output', 'grad_input']
    expect(readdirSync(out).sort()).toEqual(files.map((f) => `${f}.npy`).sort())
    expectClose(join(out, 'output.npy'), `${folder}/output.npy`)
    expectClose(join(out, 'grad_input.npy'), `${folder}/grad_input.npy`)
    if (layer === 'max-pool2d') {
      // int64 indices written byte for byte as np.save writes PyTorch's
      expect(readNpy(join(out, 'indices.npy')).dtype).toBe('int64')
      expect(readFileSync(join(out, 'indices.npy')).equals(readFileSync(`${folder}/indices.npy`))).toBe(true)
    }
  })

  it('prints the formula, the dropped ceil-mode window and the divisors', async () => {
    const folder = root + familyFolder('avg-pool2d', 'ceil-drops-window-in-padding')
    const result = await run(
      [
        'compute',
        '--layer',
        'avg-pool2d',
        '--input',
        `${folder}/x.npy`,
        '--kernel-size',
        '2',
        '--stride',
        '2',
        '--padding',
        '1',
        '--ceil-mode',
        '--count-include-pad',
        'false',
        '--out',
        join(scratch, 'avg-formula'),
      ],
      'en',
    )
    expect(result.stdout).toBe(
      [
        'output shape (1, 1, 3, 3)',
        'H_out = ⌈(5 + 2·1 − 1·(2−1) − 1) / 2⌉ + 1 − 1 (last window would start in the padding) = 3',
        'W_out = ⌈(5 + 2·1 − 1·(2−1) − 1) / 2⌉ + 1 − 1 (last window would start in the padding) = 3',
        'divisors 4, 2, 1 (real input cells in the window)',
        'wrote: output.npy',
      ].join('\n'),
    )
  })
})

describe('gradcheck --layer', () => {
  it('conv-transpose2d', async () => {
    const result = await run(
      [
        'gradcheck',
        '--layer',
        'conv-transpose2d',
        '--input-shape',
        '1,2,3,3',
        '--out-channels',
        '4',
        '--kernel-size',
        '3',
        '--stride',
        '2',
        '--output-padding',
        '1',
        '--groups',
        '2',
        '--bias',
        '--samples',
        '3',
      ],
      'en',
    )
    // per sample: x 18 + w (2·2·3·3 = 36) + b 4
    expect(result).toEqual({ code: 0, stdout: 'SUCCESS 174 partial derivatives checked (3 random input samples)', stderr: '' })
  })

  it('max-pool2d says why ties are excluded', async () => {
    const result = await run(
      [
        'gradcheck',
        '--layer',
        'max-pool2d',
        '--input-shape',
        '1,2,5,5',
        '--kernel-size',
        '3',
        '--stride',
        '2',
        '--padding',
        '1',
        '--ceil-mode',
        '--samples',
        '4',
      ],
      'es',
    )
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      'SUCCESS 200 derivadas parciales comprobadas (4 muestras aleatorias de entrada)',
      expect.stringMatching(/^Las entradas se sortearon sin empates/),
    ])
  })

  it('avg-pool2d', async () => {
    const result = await run(
      [
        'gradcheck',
        '--layer',
        'avg-pool2d',
        '--input-shape',
        '1,1,6,6',
        '--kernel-size',
        '3',
        '--stride',
        '2',
        '--padding',
        '1',
        '--ceil-mode',
        '--count-include-pad',
        'false',
        '--samples',
        '2',
      ],
      'en',
    )
    expect(result).toEqual({ code: 0, stdout: 'SUCCESS 72 partial derivatives checked (2 random input samples)', stderr: '' })
  })
})

describe('bad input: exit 2, one line, nothing written', () => {
  const transposed = root + familyFolder('conv-transpose2d', 'stride2')
  const pool = root + familyFolder('max-pool2d', 'kernel2-default-stride')
  const cases: Array<[string, string[], RegExp, 'en' | 'es']> = [
    [
      'output padding too large',
      ['--layer', 'conv-transpose2d', '--input', `${transposed}/x.npy`, '--weight', `${transposed}/weight.npy`, '--stride', '2', '--output-padding', '2'],
      /^convolab: output padding 2 on the height axis must be smaller than the stride 2 or the dilation 1$/,
      'en',
    ],
    [
      'an unreachable output size, in Spanish',
      ['--layer', 'conv-transpose2d', '--input', `${transposed}/x.npy`, '--weight', `${transposed}/weight.npy`, '--stride', '2', '--output-size', '20,9'],
      /^convolab: no se puede obtener la altura de salida 20: con estos ajustes está entre 9 y 10 \(la altura de la entrada 4\)$/,
      'es',
    ],
    [
      'a Conv2d flag on the transposed layer',
      ['--layer', 'conv-transpose2d', '--input', `${transposed}/x.npy`, '--weight', `${transposed}/weight.npy`, '--padding-mode', 'reflect'],
      /^convolab: unknown option --padding-mode \(see convolab --help\)$/,
      'en',
    ],
    [
      'an unknown layer',
      ['--layer', 'conv3d', '--input', `${pool}/x.npy`],
      /--layer must be conv2d, conv-transpose2d, max-pool2d, avg-pool2d \(got conv3d\)/,
      'en',
    ],
    ['a pool without kernel size', ['--layer', 'max-pool2d', '--input', `${pool}/x.npy`], /--kernel-size is required/, 'en'],
    [
      'pool padding above half the kernel, in Spanish',
      ['--layer', 'max-pool2d', '--input', `${pool}/x.npy`, '--kernel-size', '2', '--padding', '2'],
      /^convolab: el relleno del pooling 2 debe ser como mucho la mitad del tamaño de ventana 2 \(como mucho 1\)$/,
      'es',
    ],
    [
      'dilation on avg-pool2d',
      ['--layer', 'avg-pool2d', '--input', `${pool}/x.npy`, '--kernel-size', '2', '--dilation', '2'],
      /unknown option --dilation/,
      'en',
    ],
    [
      'a divisor of 0',
      ['--layer', 'avg-pool2d', '--input', `${pool}/x.npy`, '--kernel-size', '2', '--divisor-override', '0'],
      /divisor override must not be 0/,
      'en',
    ],
    [
      'count-include-pad not a boolean',
      ['--layer', 'avg-pool2d', '--input', `${pool}/x.npy`, '--kernel-size', '2', '--count-include-pad', 'yes'],
      /--count-include-pad must be true or false \(got yes\)/,
      'en',
    ],
    [
      'a wrong grad-output shape',
      ['--layer', 'max-pool2d', '--input', `${pool}/x.npy`, '--kernel-size', '2', '--grad-output', `${pool}/x.npy`],
      /output gradient has shape/,
      'en',
    ],
  ]
  for (const [name, args, message, language] of cases) {
    it(name, async () => {
      const out = join(scratch, `bad-${name.replace(/\W+/g, '-')}`)
      const result = await run(['compute', ...args, '--out', out], language)
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(message)
      expect(result.stderr).not.toContain('\n')
      expect(existsSync(out)).toBe(false)
    })
  }
})
