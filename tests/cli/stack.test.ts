// convolab compute --stack and convolab receptive-field from outside: PyTorch's stack fixtures
// reproduced file by file, the receptive-field table and JSON, and every refusal (exit 2, one
// line, nothing written).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Layer } from '../../core'
import { encodeNpy, parseNpy, stackPreset, stackToFile } from '../../core'
import { run } from '../../src-main/cli'
import { REFERENCE_TOLERANCE } from '../reference/cases'
import { STACKS_FOLDER, stackCaseNames } from '../reference/stacks'

let scratch: string

function filesUnder(dir: string): string[] {
  const found: string[] = []
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name))
      else found.push(relative(dir, join(folder, entry.name)))
    }
  }
  if (existsSync(dir)) walk(dir)
  return found.sort()
}

function expectSameTensor(actualPath: string, expectedPath: string): void {
  const actual = parseNpy(new Uint8Array(readFileSync(actualPath)))
  const expected = parseNpy(new Uint8Array(readFileSync(expectedPath)))
  expect(actual.shape, actualPath).toEqual(expected.shape)
  for (let k = 0; k < expected.data.length; k++) {
    const b = expected.data[k]
    expect(Math.abs(actual.data[k] - b), `${actualPath}[${k}]`).toBeLessThanOrEqual(REFERENCE_TOLERANCE * Math.max(1, Math.abs(b)))
  }
}

/** Writes a STACK.json for core Layers, with its .npy files, into a new folder. */
function writeStack(name: string, layers: Layer[]): string {
  const folder = join(scratch, name)
  mkdirSync(folder, { recursive: true })
  const { json, tensors } = stackToFile(layers)
  for (const [file, tensor] of tensors) writeFileSync(join(folder, file), encodeNpy(tensor))
  writeFileSync(join(folder, 'stack.json'), json)
  return join(folder, 'stack.json')
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-stack-cli-'))
})

describe('convolab compute --stack', () => {
  it.each(stackCaseNames())("%s: writes PyTorch's output, dE/dx and every layer's files", async (name) => {
    const fixture = join(STACKS_FOLDER, name)
    const out = join(scratch, `compute-${name}`)
    const result = await run(
      ['compute', '--stack', join(fixture, 'stack.json'), '--input', join(fixture, 'x.npy'), '--grad-output', join(fixture, 'grad_output.npy'), '--out', out],
      'en',
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^layer 0 \w+: \(/)
    const expected = filesUnder(fixture).filter((f) => f === 'output.npy' || f === 'grad_input.npy' || f.startsWith('layers'))
    expect(filesUnder(out)).toEqual(expected)
    for (const file of expected) expectSameTensor(join(out, file), join(fixture, file))
  })

  it('takes a photo as input (--grayscale, --max-side) like compute', async () => {
    const photo = join(scratch, 'photo.png')
    const pixels = Buffer.from(Array.from({ length: 40 * 30 * 3 }, (_, k) => (k * 37) % 256))
    await sharp(pixels, { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toFile(photo)
    const out = join(scratch, 'photo-out')
    const stack = join(STACKS_FOLDER, 'dilated', 'stack.json')
    const result = await run(['compute', '--stack', stack, '--input', photo, '--grayscale', '--max-side', '20', '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain('output shape (1, 1, 15, 20)')
    expect(parseNpy(new Uint8Array(readFileSync(join(out, 'output.npy')))).shape).toEqual([1, 1, 15, 20])
  })

  it('--unit: dE/dx for dE/dy = 1 at one unit (its effective receptive field), as PyTorch', async () => {
    const fixture = join(STACKS_FOLDER, 'issue-example')
    const unit = JSON.parse(readFileSync(join(fixture, 'unit.json'), 'utf8')) as { layer: number; unit: number[] }
    const out = join(scratch, 'unit')
    const args = ['compute', '--stack', join(fixture, 'stack.json'), '--input', join(fixture, 'x.npy'), '--out', out]
    const result = await run([...args, '--unit', [unit.layer, ...unit.unit].join(',')], 'en')
    expect(result.stderr).toBe('')
    expectSameTensor(join(out, 'grad_input.npy'), join(fixture, 'unit_grad_input.npy'))
    // gradients only up to the unit's layer
    expect(existsSync(join(out, `layers/${unit.layer}_grad_output.npy`))).toBe(true)
    expect(existsSync(join(out, `layers/${unit.layer + 1}_grad_output.npy`))).toBe(false)
    const outside = await run([...args.slice(0, -1), join(scratch, 'unit-bad'), '--unit', '4,0,3,0,0'], 'en')
    expect(outside.stderr).toBe('convolab: there is no unit (0, 3, 0, 0) in layer 4, whose output has shape (2, 3, 10, 10)')
    expect(existsSync(join(scratch, 'unit-bad'))).toBe(false)
    const both = await run([...args, '--unit', '0,0,0,0,0', '--grad-output', join(fixture, 'grad_output.npy')], 'en')
    expect(both.stderr).toBe('convolab: give --grad-output or --unit, not both')
  })

  it('without --grad-output writes only the outputs', async () => {
    const fixture = join(STACKS_FOLDER, 'issue-example')
    const out = join(scratch, 'forward-only')
    const result = await run(['compute', '--stack', join(fixture, 'stack.json'), '--input', join(fixture, 'x.npy'), '--out', out], 'es')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('capa 3 ConvTranspose2d: (2, 4, 4, 4) → (2, 3, 10, 10)')
    expect(result.stdout).toContain('forma de la salida (2, 3, 10, 10)')
    expect(filesUnder(out)).toEqual(['layers/0_output.npy', ...Array.from({ length: 7 }, (_, i) => `layers/${i + 1}_output.npy`), 'output.npy'].sort())
  })
})

describe('convolab receptive-field', () => {
  it('prints the JSON of the issue for the dilated preset: 31×31 at the last layer', async () => {
    const stack = writeStack('dilated', stackPreset('dilated', 3))
    const result = await run(['receptive-field', '--stack', stack, '--input-shape', '1,3,64,64', '--json'], 'en')
    expect(result.code).toBe(0)
    const fields = JSON.parse(result.stdout)
    expect(fields[0]).toEqual({ layer: 0, type: 'conv2d', output_shape: [1, 8, 64, 64], size: [3, 3], jump: [1, 1], start: [-1, -1] })
    expect(fields.map((f: { size: number[] }) => f.size[0])).toEqual([3, 3, 7, 7, 15, 15, 31])
    expect(fields[6]).toEqual({ layer: 6, type: 'conv2d', output_shape: [1, 8, 64, 64], size: [31, 31], jump: [1, 1], start: [-15, -15] })
  })

  it('takes a preset instead of a file (--preset, in channels from --input-shape)', async () => {
    const stem = await run(['receptive-field', '--preset', 'resnet-stem', '--input-shape', '1,1,224,224', '--json'], 'en')
    expect(stem.code).toBe(0)
    expect(JSON.parse(stem.stdout)[2]).toEqual({ layer: 2, type: 'max-pool2d', output_shape: [1, 16, 56, 56], size: [11, 11], jump: [4, 4], start: [-5, -5] })
    const unknown = await run(['receptive-field', '--preset', 'alexnet', '--input-shape', '1,1,224,224'], 'en')
    expect(unknown.stderr).toBe('convolab: --preset must be one of lenet, vgg-block, dilated, encoder-decoder, resnet-stem (got alexnet)')
    expect(unknown.code).toBe(2)
  })

  it('prints a table, in English or Spanish, and notes the fractional jump of transposed layers', async () => {
    const stack = join(STACKS_FOLDER, 'encoder-decoder', 'stack.json')
    const en = await run(['receptive-field', '--stack', stack, '--input-shape', '1,3,16,16'], 'en')
    expect(en.code).toBe(0)
    const lines = en.stdout.split('\n')
    expect(lines[0]).toMatch(/^layer\s+type\s+output shape\s+size\s+jump\s+start$/)
    expect(lines[1]).toMatch(/^0\s+Conv2d\s+\(1, 4, 8, 8\)\s+3×3\s+2×2\s+-1,-1$/)
    expect(lines[3]).toMatch(/^2\s+Conv2d\s+\(1, 6, 4, 4\)\s+7×7\s+4×4\s+-3,-3$/)
    expect(lines[5]).toMatch(/^4\s+ConvTranspose2d\s+\(1, 4, 8, 8\)\s+11×11\s+2×2\s+-5,-5$/)
    expect(en.stdout).toContain('after a transposed layer the jump is fractional')
    const es = await run(['receptive-field', '--stack', stack, '--input-shape', '1,3,16,16'], 'es')
    expect(es.stdout.split('\n')[0]).toMatch(/^capa\s+tipo\s+forma de la salida\s+tamaño\s+salto\s+inicio$/)
  })
})

describe('convolab gradcheck --stack', () => {
  it("runs the seed's check through a fixture stack of every layer kind", async () => {
    const stack = join(STACKS_FOLDER, 'issue-example', 'stack.json')
    const result = await run(['gradcheck', '--stack', stack, '--input-shape', '1,3,6,6', '--samples', '2'], 'en')
    // per sample: x 108, conv 4·3·9 + 4, transposed 4·3·9 (no bias)
    expect(result.stdout).toBe(`SUCCESS ${2 * (108 + 112 + 108)} partial derivatives checked (2 random input samples)`)
    expect(result.code).toBe(0)
  })

  it('exits 1 naming the worst derivative when the tolerance cannot be met, and 2 for a stack that does not fit', async () => {
    const stack = join(STACKS_FOLDER, 'dilated', 'stack.json')
    const failed = await run(['gradcheck', '--stack', stack, '--input-shape', '1,1,5,5', '--samples', '1', '--tolerance', '1e-15'], 'es')
    expect(failed.code).toBe(1)
    expect(failed.stdout).toMatch(/^ERROR \d+ de \d+ derivadas parciales superan la tolerancia 1e-15; la peor: /)
    const refused = await run(['gradcheck', '--stack', stack, '--input-shape', '1,2,5,5'], 'en')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/^convolab: layer 0 \(Conv2d\) cannot take its input \(1, 2, 5, 5\): /)
  })
})

describe('refusals: exit 2, one line, nothing written', () => {
  const fixture = join(STACKS_FOLDER, 'issue-example')

  async function refused(stackJson: unknown, language: 'en' | 'es' = 'en', extra: string[] = []) {
    const folder = mkdtempSync(join(scratch, 'bad-'))
    writeFileSync(join(folder, 'w0.npy'), readFileSync(join(fixture, 'w0.npy')))
    const stack = join(folder, 'stack.json')
    writeFileSync(stack, typeof stackJson === 'string' ? stackJson : JSON.stringify(stackJson))
    const out = join(folder, 'out')
    const result = await run(['compute', '--stack', stack, '--input', join(fixture, 'x.npy'), '--out', out, ...extra], language)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toHaveLength(1)
    expect(existsSync(out)).toBe(false)
    return result.stderr.replace(`${stack}`, 'STACK.json')
  }

  it('names the layer that cannot take its input, with the reason', async () => {
    const message = await refused({ layers: [{ type: 'relu' }, { type: 'conv2d', weight: 'w0.npy', groups: 2 }] })
    expect(message).toBe('convolab: layer 1 (Conv2d) cannot take its input (2, 3, 8, 8): groups 2 must divide in_channels 3')
    const es = await refused({ layers: [{ type: 'max-pool2d', kernel_size: 16 }] }, 'es')
    expect(es).toMatch(/^convolab: la capa 0 \(MaxPool2d\) no puede tomar su entrada \(2, 3, 8, 8\): /)
  })

  it('refuses bad files with the layer index and the reason', async () => {
    expect(await refused('{"layers": [')).toMatch(/^convolab: STACK.json: not valid JSON: the text ends too early$/)
    expect(await refused('{"layers": [],}')).toMatch(/^convolab: STACK.json: not valid JSON from character 14$/)
    expect(await refused([{ type: 'relu' }])).toBe('convolab: STACK.json: a stack is an object {"layers": [...]}')
    expect(await refused({ layers: [{ type: 'relu' }, { type: 'softmax' }] })).toBe(
      'convolab: STACK.json, layer 1: unknown layer type "softmax" (one of conv2d, conv-transpose2d, max-pool2d, avg-pool2d, relu, leaky-relu, tanh, sigmoid)',
    )
    expect(await refused({ layers: [{ type: 'conv2d' }] })).toBe('convolab: STACK.json, layer 0 (conv2d): weight is required')
    expect(await refused({ layers: [{ kernel_size: 2 }] }, 'es')).toBe(
      'convolab: STACK.json, capa 0: falta type (uno de conv2d, conv-transpose2d, max-pool2d, avg-pool2d, relu, leaky-relu, tanh, sigmoid)',
    )
    expect(await refused({ layers: [{ type: 'conv2d', weight: 'w0.npy', stride: [1, 2, 3] }] })).toBe(
      'convolab: STACK.json, layer 0 (conv2d): stride must be a whole number or a pair [h, w] (got [1,2,3])',
    )
    expect(await refused({ layers: [{ type: 'conv2d', weight: 'w0.npy', paddingMode: 'zeros' }] })).toBe(
      "convolab: STACK.json, layer 0 (conv2d): unknown option paddingMode for conv2d (options use PyTorch's keyword names)",
    )
    expect(await refused({ layers: [{ type: 'relu' }, { type: 'conv2d', weight: 'missing.npy' }] })).toMatch(
      /^convolab: STACK.json, layer 1 \(conv2d\): cannot read .*missing\.npy: ENOENT$/,
    )
    expect(await refused({ layers: [{ type: 'conv2d', weight: 'w0.npy', out_channels: 5 }] })).toBe(
      'convolab: STACK.json, layer 0 (conv2d): out_channels 5 does not match the weight of shape (4, 3, 3, 3) (4)',
    )
    expect(await refused({ layers: [{ type: 'leaky-relu', negative_slope: 'x' }] }, 'es')).toBe(
      'convolab: STACK.json, capa 0 (leaky-relu): negative_slope debe ser un número (se recibió "x")',
    )
  })

  it('refuses a gradient of the wrong shape before writing anything', async () => {
    const message = await refused({ layers: [{ type: 'relu' }] }, 'en', ['--grad-output', join(fixture, 'grad_output.npy')])
    expect(message).toBe('convolab: the output gradient has shape (2, 3, 10, 10) but the output has shape (2, 3, 8, 8)')
  })

  it('receptive-field refuses a stack that does not fit the input shape', async () => {
    const result = await run(['receptive-field', '--stack', join(fixture, 'stack.json'), '--input-shape', '1,3,1,1', '--json'], 'en')
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      'convolab: layer 2 (MaxPool2d) cannot take its input (1, 4, 1, 1): the pooling window (2×2) does not fit in the padded input (1×1): the output would be 0×0',
    )
    const bad = await run(['receptive-field', '--stack', join(fixture, 'stack.json'), '--input-shape', '1,3,8'], 'en')
    expect(bad.code).toBe(2)
  })
})

describe('the built bin', () => {
  it.runIf(existsSync('out/main/cli.js'))('runs receptive-field and compute --stack from the command line', () => {
    const stack = join(STACKS_FOLDER, 'dilated', 'stack.json')
    const stdout = execFileSync(process.execPath, ['bin/convolab.cjs', 'receptive-field', '--stack', stack, '--input-shape', '1,1,20,20', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C' },
    })
    expect(JSON.parse(stdout)[4].size).toEqual([15, 15])
    const bad = spawnSync(process.execPath, ['bin/convolab.cjs', 'compute', '--stack', stack, '--input', 'missing.npy', '--out', join(scratch, 'x')], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'es_ES.UTF-8' },
    })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe('convolab: no se puede leer missing.npy: ENOENT\n')
  })
})
