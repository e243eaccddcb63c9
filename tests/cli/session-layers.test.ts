// Sessions of the family and of stacks from the command line: `convolab session --layer` and
// `--stack` write what the app opens, `convolab compute --session` then writes the very files
// `compute --layer` and `compute --stack` write (PyTorch's values), impossible settings are
// refused before anything is written, and `compute --stack` leaves no file of an earlier run.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Layer, Pair, Session } from '../../core'
import { decodeSessionFile, encodeNpy, encodeSessionFile, hasWeights, normalTensor, parseNpy, seededSource, stackToFile } from '../../core'
import { run } from '../../src-main/cli'
import { REFERENCE_TOLERANCE } from '../reference/cases'
import { familyError, familyFolder, familyManifest, type FamilyLayer } from '../reference/family'
import { STACKS_FOLDER, loadStackCase } from '../reference/stacks'

let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-session3-'))
})

const readNpy = (path: string) => parseNpy(new Uint8Array(readFileSync(path)))
const readSession = (path: string) => decodeSessionFile(new Uint8Array(readFileSync(path)))

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

/** Both folders hold the same files, byte for byte. */
function expectSameFolders(a: string, b: string): void {
  expect(filesUnder(a)).toEqual(filesUnder(b))
  for (const file of filesUnder(a)) expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true)
}

/** One flag per option, in the CLI's words. */
function flags(options: object): string[] {
  const names: Record<string, string> = {
    stride: 'stride',
    padding: 'padding',
    outputPadding: 'output-padding',
    outputSize: 'output-size',
    dilation: 'dilation',
    groups: 'groups',
    kernelSize: 'kernel-size',
    divisorOverride: 'divisor-override',
  }
  return Object.entries(options).flatMap(([key, value]) => {
    if (key === 'ceilMode') return value ? ['--ceil-mode'] : []
    if (key === 'countIncludePad') return [`--count-include-pad=${value}`]
    return [`--${names[key]}=${typeof value === 'number' ? value : (value as Pair & object).join(',')}`]
  })
}

const manifest = familyManifest()
const CASES: Array<[FamilyLayer, string]> = [
  ['conv-transpose2d', 'combo'],
  ['conv-transpose2d', 'output-size-stride3'],
  ['max-pool2d', 'dilation-pair-ceil'],
  ['avg-pool2d', 'divisor-override-ceil'],
  ['avg-pool2d', 'ceil-rect-no-count-pad'],
]

function caseOf(layer: FamilyLayer, name: string): { options: object; bias: boolean } {
  const list = layer === 'conv-transpose2d' ? manifest.convTranspose2d : layer === 'max-pool2d' ? manifest.maxPool2d : manifest.avgPool2d
  const found = list.find((c) => c.name === name)
  if (!found) throw new Error(`no family case ${layer}/${name}`)
  return { options: found.options, bias: 'bias' in found && Boolean(found.bias) }
}

describe('convolab session --layer, then compute --session', () => {
  it.each(CASES)('%s (%s): the session keeps the layer and its options; compute --session writes what compute --layer writes', async (layer, name) => {
    const { options, bias } = caseOf(layer, name)
    const folder = `tests/reference/${familyFolder(layer, name)}`
    const tensors = [
      '--input',
      `${folder}/x.npy`,
      ...(layer === 'conv-transpose2d' ? ['--weight', `${folder}/weight.npy`] : []),
      ...(bias ? ['--bias', `${folder}/bias.npy`] : []),
      '--grad-output',
      `${folder}/grad_output.npy`,
    ]
    const file = join(scratch, `${layer}-${name}.convolab`)
    const written = await run(['session', '--layer', layer, ...tensors, ...flags(options), '--out', file], 'en')
    expect(written.stderr).toBe('')
    expect(written.code).toBe(0)
    const session = readSession(file)
    expect(session.layer).toEqual({ type: layer, options })
    expect(session.stack).toBeUndefined()
    expect(session.gradOutput.kind).toBe('tensor')

    const direct = join(scratch, `direct-${layer}-${name}`)
    const fromSession = join(scratch, `session-${layer}-${name}`)
    const a = await run(['compute', '--layer', layer, ...tensors, ...flags(options), '--out', direct], 'en')
    const b = await run(['compute', '--session', file, '--out', fromSession], 'en')
    expect(a.stderr + b.stderr).toBe('')
    expect(b.code).toBe(0)
    // the formula with its numbers, and the same list of files
    expect(b.stdout).toBe(a.stdout)
    expectSameFolders(fromSession, direct)
    for (const file of readdirSync(fromSession)) {
      expect(familyError(readNpy(join(fromSession, file)), readNpy(join(folder, file))), file).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    }
  })

  it('keeps the Conv2d kernel given beside a pool, or starts from the 3×3 Sobel of the app', async () => {
    const seed = 'tests/reference/cases/seed-stride1-padding0'
    const kept = join(scratch, 'pool-kept.convolab')
    expect(
      (await run(['session', '--layer', 'max-pool2d', '--kernel-size', '2', '--input', `${seed}/x.npy`, '--weight', `${seed}/weight.npy`, '--out', kept], 'en'))
        .code,
    ).toBe(0)
    expect([...readSession(kept).weight.data]).toEqual([...readNpy(`${seed}/weight.npy`).data])
    const fresh = join(scratch, 'pool-fresh.convolab')
    const result = await run(['session', '--layer', 'avg-pool2d', '--kernel-size', '3', '--stride', '1', '--input', `${seed}/x.npy`, '--out', fresh], 'es')
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^sesión escrita: .*salida \(2, 3, 5, 5\)$/)
    const session = readSession(fresh)
    expect(session.layer).toEqual({ type: 'avg-pool2d', options: { kernelSize: 3, stride: 1 } })
    expect(session.weight.shape).toEqual([1, 3, 3, 3])
    expect([...session.weight.data]).toEqual([0, 1, 2].flatMap(() => [-1, 0, 1, -2, 0, 2, -1, 0, 1]))
    expect(session.gradOutput).toEqual({ kind: 'ones' })
  })
})

describe('convolab session --stack, then compute --session', () => {
  it("writes a session whose stack is shown; compute --session writes what compute --stack writes, PyTorch's values", async () => {
    const fixture = join(STACKS_FOLDER, 'options-mix')
    const reference = loadStackCase('options-mix')
    const common = ['--input', join(fixture, 'x.npy'), '--grad-output', join(fixture, 'grad_output.npy')]
    const file = join(scratch, 'stack.convolab')
    const written = await run(['session', '--stack', join(fixture, 'stack.json'), ...common, '--out', file], 'en')
    expect(written.stderr).toBe('')
    expect(written.stdout).toContain(`a stack of ${reference.layers.length} layers`)
    const session = readSession(file)
    expect(session.stack?.active).toBe(true)
    expect(session.stack?.selected).toBe(0)
    expect(session.stack?.layers.map((layer) => layer.type)).toEqual(reference.layers.map((layer) => layer.type))
    session.stack!.layers.forEach((layer, i) => {
      const expected = reference.layers[i]
      if (hasWeights(layer) && hasWeights(expected)) expect([...layer.weight.data]).toEqual([...expected.weight.data])
    })
    // the single layer beside it is the app's starting Conv2d
    expect(session.layer).toEqual({ type: 'conv2d' })
    expect(session.weight.shape).toEqual([1, reference.x.shape[1], 3, 3])

    const direct = join(scratch, 'stack-direct')
    const fromSession = join(scratch, 'stack-session')
    const a = await run(['compute', '--stack', join(fixture, 'stack.json'), ...common, '--out', direct], 'en')
    const b = await run(['compute', '--session', file, '--out', fromSession], 'en')
    expect(a.stderr + b.stderr).toBe('')
    expect(b.stdout).toBe(a.stdout)
    expectSameFolders(fromSession, direct)
    for (const name of filesUnder(fromSession)) {
      if (!existsSync(join(fixture, name))) continue
      const error = familyError(readNpy(join(fromSession, name)), readNpy(join(fixture, name)))
      expect(error, name).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    }
    expect(filesUnder(fromSession)).toContain('layers/3_grad_weight.npy')
  })

  it('computes the single layer when the stack is kept but not shown, with the upstream gradient of the session', async () => {
    const reference = loadStackCase('options-mix')
    const source = seededSource(8)
    const session: Session = {
      input: reference.x,
      weight: normalTensor([2, reference.x.shape[1], 2, 2], source),
      bias: null,
      options: {},
      layer: { type: 'max-pool2d', options: { kernelSize: 2 } },
      stack: { layers: reference.layers, selected: 2, active: false },
      gradOutput: { kind: 'random', seed: 3 },
      view: {},
    }
    const file = join(scratch, 'hidden-stack.convolab')
    writeFileSync(file, encodeSessionFile(session))
    const out = join(scratch, 'hidden-stack')
    const result = await run(['compute', '--session', file, '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(filesUnder(out)).toEqual(['grad_input.npy', 'indices.npy', 'output.npy'])
    // shown, the same file computes the stack, from dE/dy = N(0, 1) with seed 3 at its output
    writeFileSync(file, encodeSessionFile({ ...session, stack: { ...session.stack!, active: true } }))
    const shown = join(scratch, 'shown-stack')
    expect((await run(['compute', '--session', file, '--out', shown], 'en')).stderr).toBe('')
    expect(filesUnder(shown)).toContain(`layers/${reference.layers.length - 1}_output.npy`)
    expect(readNpy(join(shown, 'output.npy')).shape).toEqual(reference.output.shape)
  })
})

describe('older sessions from the command line', () => {
  it('computes the committed version-2 file as the Conv2d it holds', async () => {
    const out = join(scratch, 'version-2')
    const result = await run(['compute', '--session', 'tests/core/sessions/version-2.convolab', '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(result.stdout.split('\n')[0]).toBe('output shape (1, 1, 3, 3)')
    expect(readdirSync(out).sort()).toEqual(['grad_bias.npy', 'grad_input.npy', 'grad_weight.npy', 'output.npy'])
    // dE/db is the sum of the saved dE/dy: 1 − 1 + 0.5 + 0 + 2 − 2 + 0.25 + 1 + 3
    expect([...readNpy(join(out, 'grad_bias.npy')).data]).toEqual([4.75])
  })
})

describe('refusals: exit 2, one line, nothing written', () => {
  const seed = 'tests/reference/cases/seed-stride1-padding0'

  it.each([
    ['a pool window larger than the padded input', ['--layer', 'max-pool2d', '--kernel-size', '9'], /kernel|window|size/i],
    ['a flag the layer does not take', ['--layer', 'max-pool2d', '--kernel-size', '2', '--groups', '2'], /groups/],
    ['an option of another layer', ['--layer', 'avg-pool2d', '--kernel-size', '2', '--dilation', '2'], /dilation/],
    ['a transposed layer without its weight', ['--layer', 'conv-transpose2d'], /--weight is required/],
    ['a pool without its kernel size', ['--layer', 'avg-pool2d'], /--kernel-size/],
  ])('session: %s', async (_, extra, message) => {
    const out = join(scratch, 'refused.convolab')
    const result = await run(['session', '--input', `${seed}/x.npy`, ...extra, '--out', out], 'en')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^convolab: /)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.split('\n')).toHaveLength(1)
    expect(existsSync(out)).toBe(false)
  })

  it('session: a stack that cannot take the input names the layer; a gradient of the wrong shape for the stack', async () => {
    const fixture = join(STACKS_FOLDER, 'options-mix')
    const out = join(scratch, 'refused-stack.convolab')
    const tiny = join(scratch, 'tiny.npy')
    writeFileSync(tiny, encodeNpy({ shape: [1, 2, 2, 2], data: new Float64Array(8) }))
    const failing = await run(['session', '--stack', join(fixture, 'stack.json'), '--input', tiny, '--out', out], 'en')
    expect(failing.code).toBe(2)
    expect(failing.stderr).toMatch(/^convolab: layer \d \(\w+\) cannot take its input/)
    const wrong = await run(
      ['session', '--stack', join(fixture, 'stack.json'), '--input', join(fixture, 'x.npy'), '--grad-output', join(fixture, 'x.npy'), '--out', out],
      'es',
    )
    expect(wrong.code).toBe(2)
    expect(existsSync(out)).toBe(false)
  })

  it('session and compute --stack: more layers than a stack holds', async () => {
    const folder = join(scratch, 'long-stack')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'stack.json'), JSON.stringify({ layers: Array.from({ length: 33 }, () => ({ type: 'relu' })) }))
    const out = join(scratch, 'long.convolab')
    const result = await run(['session', '--stack', join(folder, 'stack.json'), '--input', `${seed}/x.npy`, '--out', out], 'en')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/a stack has at most 32 layers \(this one has 33\)$/)
    expect(existsSync(out)).toBe(false)
    const computed = await run(['compute', '--stack', join(folder, 'stack.json'), '--input', `${seed}/x.npy`, '--out', join(folder, 'out')], 'es')
    expect(computed.stderr).toMatch(/una pila tiene como mucho 32 capas \(esta tiene 33\)$/)
    expect(existsSync(join(folder, 'out'))).toBe(false)
  })

  it('compute --session: a saved stack that stops at layer 3 is refused naming it, nothing written', async () => {
    const source = seededSource(4)
    const layers: Layer[] = [
      { type: 'conv2d', weight: normalTensor([2, 1, 3, 3], source), bias: null },
      { type: 'relu' },
      { type: 'max-pool2d', kernelSize: 2 },
      { type: 'conv2d', weight: normalTensor([1, 2, 5, 5], source), bias: null },
    ]
    const input = normalTensor([1, 1, 8, 8], source)
    const file = join(scratch, 'stops.convolab')
    writeFileSync(
      file,
      encodeSessionFile({
        input,
        weight: normalTensor([1, 1, 3, 3], source),
        bias: null,
        options: {},
        stack: { layers, selected: 3, active: true },
        gradOutput: { kind: 'ones' },
        view: {},
      }),
    )
    const out = join(scratch, 'stops')
    const result = await run(['compute', '--session', file, '--out', out], 'en')
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^convolab: layer 3 \(Conv2d\) cannot take its input \(1, 2, 3, 3\)/)
    expect(existsSync(out)).toBe(false)
  })
})

describe('compute --stack leaves nothing of an earlier run', () => {
  it('a shorter stack without a gradient, into the folder of a longer one with it: only the new files, the user’s own kept', async () => {
    const source = seededSource(6)
    const folder = join(scratch, 'stale')
    mkdirSync(folder, { recursive: true })
    const write = (name: string, layers: Layer[]) => {
      const { json, tensors } = stackToFile(layers)
      for (const [file, tensor] of tensors) writeFileSync(join(folder, file), encodeNpy(tensor))
      writeFileSync(join(folder, name), json)
      return join(folder, name)
    }
    const conv = (): Layer => ({ type: 'conv2d', weight: normalTensor([1, 1, 3, 3], source), bias: normalTensor([1], source), padding: 1 })
    const long = write('long.json', [conv(), { type: 'relu' }, conv(), { type: 'tanh' }, conv()])
    const short = write('short.json', [{ type: 'sigmoid' }, { type: 'avg-pool2d', kernelSize: 2 }])
    const input = join(folder, 'x.npy')
    writeFileSync(input, encodeNpy(normalTensor([1, 1, 6, 6], source)))
    const gradient = join(folder, 'g.npy')
    writeFileSync(gradient, encodeNpy(normalTensor([1, 1, 6, 6], source)))
    const out = join(folder, 'out')
    expect((await run(['compute', '--stack', long, '--input', input, '--grad-output', gradient, '--out', out], 'en')).stderr).toBe('')
    expect(filesUnder(out)).toContain('layers/4_grad_weight.npy')
    writeFileSync(join(out, 'notes.txt'), 'mine')
    mkdirSync(join(out, 'layers'), { recursive: true })
    writeFileSync(join(out, 'layers', 'keep.npy'), 'mine')
    const result = await run(['compute', '--stack', short, '--input', input, '--out', out], 'en')
    expect(result.stderr).toBe('')
    expect(filesUnder(out)).toEqual(['layers/0_output.npy', 'layers/1_output.npy', 'layers/keep.npy', 'notes.txt', 'output.npy'])
    expect(readNpy(join(out, 'output.npy')).shape).toEqual([1, 1, 3, 3])
  })
})

describe('compute --layer, compute and compute --session leave nothing of an earlier run', () => {
  it('each run into one folder leaves exactly its own files (and the user’s); a refused run changes nothing', async () => {
    const source = seededSource(8)
    const folder = join(scratch, 'stale-layers')
    mkdirSync(folder, { recursive: true })
    const save = (name: string, tensor: ReturnType<typeof normalTensor>) => {
      writeFileSync(join(folder, name), encodeNpy(tensor))
      return join(folder, name)
    }
    const x = save('x.npy', normalTensor([1, 2, 6, 6], source))
    const w = save('w.npy', normalTensor([3, 2, 3, 3], source))
    const b = save('b.npy', normalTensor([3], source))
    const g = save('g.npy', normalTensor([1, 3, 4, 4], source))
    const gPool = save('g-pool.npy', normalTensor([1, 2, 3, 3], source))
    const out = join(folder, 'out')
    const compute = async (...args: string[]) => {
      const result = await run(['compute', ...args, '--out', out], 'en')
      return { ...result, files: filesUnder(out) }
    }
    // Conv2d with every gradient: four files
    const conv = await compute('--input', x, '--weight', w, '--bias', b, '--grad-output', g)
    expect(conv.stderr).toBe('')
    expect(conv.files).toEqual(['grad_bias.npy', 'grad_input.npy', 'grad_weight.npy', 'output.npy'])
    writeFileSync(join(out, 'notes.txt'), 'mine')
    // MaxPool2d: its own three files, the Conv2d's grad_weight and grad_bias gone
    const max = await compute('--layer', 'max-pool2d', '--input', x, '--kernel-size', '2', '--grad-output', gPool)
    expect(max.stderr).toBe('')
    expect(max.files).toEqual(['grad_input.npy', 'indices.npy', 'notes.txt', 'output.npy'])
    // AvgPool2d forward only: output.npy alone, the max-pool's indices and gradient gone
    const avg = await compute('--layer', 'avg-pool2d', '--input', x, '--kernel-size', '2')
    expect(avg.files).toEqual(['notes.txt', 'output.npy'])
    expect(readNpy(join(out, 'output.npy')).shape).toEqual([1, 2, 3, 3])
    // a stack's run, then one layer's: the stack's layers/ goes with its files
    const { json, tensors } = stackToFile([{ type: 'conv2d', weight: normalTensor([1, 2, 3, 3], source), bias: null }, { type: 'relu' }])
    for (const [file, tensor] of tensors) save(file, tensor)
    writeFileSync(join(folder, 'stack.json'), json)
    expect((await compute('--stack', join(folder, 'stack.json'), '--input', x)).files).toEqual([
      'layers/0_output.npy',
      'layers/1_output.npy',
      'notes.txt',
      'output.npy',
    ])
    const transposed = await compute(
      '--layer',
      'conv-transpose2d',
      '--input',
      x,
      '--weight',
      save('wt.npy', normalTensor([2, 1, 2, 2], source)),
      '--stride',
      '2',
    )
    expect(transposed.stderr).toBe('')
    expect(transposed.files).toEqual(['notes.txt', 'output.npy'])
    expect(existsSync(join(out, 'layers'))).toBe(false)
    // a session's Conv2d: its four files again
    const session = join(folder, 's.convolab')
    expect((await run(['session', '--input', x, '--weight', w, '--out', session], 'en')).stderr).toBe('')
    expect((await run(['compute', '--session', session, '--out', out], 'en')).stderr).toBe('')
    expect(filesUnder(out)).toEqual(['grad_input.npy', 'grad_weight.npy', 'notes.txt', 'output.npy'])
    // a refused run (a kernel larger than the input) leaves the folder as it was
    const before = filesUnder(out).map((file) => readFileSync(join(out, file)))
    const refused = await compute('--layer', 'max-pool2d', '--input', x, '--kernel-size', '9')
    expect(refused.code).toBe(2)
    expect(refused.files).toEqual(['grad_input.npy', 'grad_weight.npy', 'notes.txt', 'output.npy'])
    refused.files.forEach((file, k) => expect(readFileSync(join(out, file)).equals(before[k])).toBe(true))
  })
})
