// Session version 3: the explorer's layer and the stack saved and opened bit for bit, their
// tensors as zip members that `unzip` lists and NumPy loads, the committed version-1 and
// version-2 files migrated (a Conv2d, no stack), newer files refused, damaged stacks refused with
// the place and the reason, and impossible settings opened as saved.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  ConvolabError,
  decodeSessionFile,
  encodeSessionFile,
  explorerLayer,
  hasWeights,
  LAYER_TYPES,
  MAX_STACK_LAYERS,
  MIGRATIONS,
  normalTensor,
  parseSession,
  planStack,
  seededSource,
  serializeSession,
  SESSION_VERSION,
  type Layer,
  type Session,
  type SessionLayer,
  type Tensor,
} from '../../core'
import { LIMITS } from '../../contract'
import { messageOf } from '../../messages'

const FIXTURES = 'tests/core/sessions'

function base(): Session {
  const source = seededSource(11)
  return {
    input: normalTensor([1, 2, 9, 8], source),
    inputName: 'grid.npy',
    weight: normalTensor([2, 1, 3, 2], source),
    bias: normalTensor([1], source),
    options: {},
    gradOutput: { kind: 'random', seed: 4 },
    view: { colourMap: 'magma' },
  }
}

/** Every layer of the family with every option set away from its default. */
const EXPLORER_LAYERS: SessionLayer[] = [
  { type: 'conv2d' },
  { type: 'conv-transpose2d', options: { stride: [2, 1], padding: [1, 0], outputPadding: [1, 0], dilation: [1, 2], groups: 2 } },
  { type: 'conv-transpose2d', options: { stride: 2, padding: 1, outputSize: [17, 15], dilation: 1, groups: 1 } },
  { type: 'max-pool2d', options: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 2], ceilMode: true } },
  { type: 'avg-pool2d', options: { kernelSize: [3, 3], stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 5 } },
  { type: 'avg-pool2d', options: { kernelSize: 2, divisorOverride: null } },
]

/** A stack that mixes every layer kind, each with its options away from the defaults. */
function mixedStack(): Layer[] {
  const source = seededSource(23)
  return [
    {
      type: 'conv2d',
      weight: normalTensor([4, 1, 3, 3], source),
      bias: normalTensor([4], source),
      stride: 1,
      padding: [1, 2],
      dilation: [1, 2],
      groups: 2,
      paddingMode: 'reflect',
    },
    { type: 'relu' },
    { type: 'max-pool2d', kernelSize: 2, stride: [2, 1], padding: 1, dilation: 1, ceilMode: true },
    { type: 'conv-transpose2d', weight: normalTensor([4, 3, 3, 3], source), bias: null, stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 1 },
    { type: 'avg-pool2d', kernelSize: 3, stride: 1, padding: 1, ceilMode: false, countIncludePad: false, divisorOverride: null },
    { type: 'leaky-relu', negativeSlope: 0.1 },
    { type: 'conv-transpose2d', weight: normalTensor([3, 2, 2, 2], source), bias: normalTensor([2], source), outputSize: [21, 36], stride: 2 },
    { type: 'tanh' },
    { type: 'avg-pool2d', kernelSize: [2, 3], divisorOverride: 4 },
    { type: 'sigmoid' },
  ]
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  return x.every((v, k) => v === y[k])
}

/** Layers with their tensors as plain arrays of bits, to compare with toEqual exactly. */
function comparable(layers: readonly Layer[]): unknown[] {
  const bits = (t: Tensor | null) => (t ? { shape: t.shape, bits: [...new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)] } : null)
  return layers.map((layer) => (hasWeights(layer) ? { ...layer, weight: bits(layer.weight), bias: bits(layer.bias) } : layer))
}

function errorOf(run: () => unknown): ConvolabError | null {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error
    throw error
  }
  return null
}

function rezip(file: Uint8Array, changes: Record<string, Uint8Array | null>): Uint8Array {
  const next: Record<string, Uint8Array> = {}
  for (const [name, data] of Object.entries({ ...unzipSync(file), ...changes })) if (data) next[name] = data
  return zipSync(next)
}

const jsonOf = (file: Uint8Array) => JSON.parse(new TextDecoder().decode(unzipSync(file)['session.json']))

describe('session version 3: the explorer layer', () => {
  it.each(EXPLORER_LAYERS.map((layer) => [layer.type, layer] as const))('%s round-trips with all its options, in the zip and the text form', (_, layer) => {
    const session = { ...base(), layer }
    const file = encodeSessionFile(session)
    expect(jsonOf(file).version).toBe(SESSION_VERSION)
    expect(jsonOf(file).layer).toEqual(layer)
    for (const back of [decodeSessionFile(file), parseSession(serializeSession(session))]) {
      expect(back.layer).toEqual(layer)
      expect(back.stack).toBeUndefined()
      expect(sameBits(back.weight.data, session.weight.data)).toBe(true)
      expect(sameBits(back.input.data, session.input.data)).toBe(true)
    }
  })

  it('is written as a Conv2d when the session has no layer, and read back as one', () => {
    const file = encodeSessionFile(base())
    expect(jsonOf(file).layer).toEqual({ type: 'conv2d' })
    expect(jsonOf(file).stack).toBeUndefined()
    expect(decodeSessionFile(file).layer).toEqual({ type: 'conv2d' })
  })

  it("gives core's Layer of the explorer: the session's kernel with the layer's options", () => {
    const transposed = { stride: [2, 1], padding: 1, outputPadding: [1, 0], groups: 1 } as const
    const pool = { kernelSize: 3, stride: 2, dilation: 2, ceilMode: true } as const
    const session: Session = { ...base(), options: { stride: 2 }, layer: { type: 'conv-transpose2d', options: transposed } }
    expect(explorerLayer(session)).toEqual({ type: 'conv-transpose2d', weight: session.weight, bias: session.bias, ...transposed })
    expect(explorerLayer({ ...session, layer: { type: 'conv2d' } })).toEqual({ type: 'conv2d', weight: session.weight, bias: session.bias, stride: 2 })
    expect(explorerLayer({ ...session, layer: { type: 'max-pool2d', options: pool } })).toEqual({ type: 'max-pool2d', ...pool })
  })
})

describe('session version 3: the stack', () => {
  it('round-trips a stack that mixes every layer kind, bit for bit, with the selected layer and whether it is shown', () => {
    const layers = mixedStack()
    expect(new Set(layers.map((layer) => layer.type))).toEqual(new Set(LAYER_TYPES))
    const session: Session = { ...base(), input: normalTensor([1, 2, 9, 8], seededSource(3)), stack: { layers, selected: 6, active: true } }
    const file = encodeSessionFile(session)
    const json = jsonOf(file)
    expect(json.stack.selected).toBe(6)
    expect(json.stack.active).toBe(true)
    expect(json.stack.layers[0].weight).toEqual({ npy: 'stack-0-weight.npy' })
    expect(json.stack.layers[0].bias).toEqual({ npy: 'stack-0-bias.npy' })
    expect(json.stack.layers[3].bias).toBeNull()
    expect(json.stack.layers[5]).toEqual({ type: 'leaky-relu', negativeSlope: 0.1 })
    const members = Object.keys(unzipSync(file)).filter((name) => name.startsWith('stack-'))
    expect(members.sort()).toEqual(['stack-0-bias.npy', 'stack-0-weight.npy', 'stack-3-weight.npy', 'stack-6-bias.npy', 'stack-6-weight.npy'])
    for (const back of [decodeSessionFile(file), parseSession(serializeSession(session))]) {
      expect(back.stack?.selected).toBe(6)
      expect(back.stack?.active).toBe(true)
      expect(comparable(back.stack!.layers)).toEqual(comparable(layers))
    }
    // the stack computes through every layer, so the file holds a real network
    expect(planStack(layers, session.input.shape).failure).toBeNull()
    // a hidden stack and an empty one are kept as they are
    const hidden = decodeSessionFile(encodeSessionFile({ ...session, stack: { layers: [], selected: 0, active: false } }))
    expect(hidden.stack).toEqual({ layers: [], selected: 0, active: false })
  })

  it('writes inline tensors in the text form, and reads hand-written plain arrays', () => {
    const text = JSON.parse(serializeSession({ ...base(), stack: { layers: mixedStack().slice(0, 2), selected: 0, active: false } }))
    expect(text.stack.layers[0].weight.shape).toEqual([4, 1, 3, 3])
    expect(typeof text.stack.layers[0].weight.data).toBe('string')
    text.stack.layers[0] = { type: 'conv2d', weight: { shape: [1, 2, 1, 1], data: [0.5, -2] }, bias: { shape: [1], data: [3] }, padding: 'same' }
    const session = parseSession(JSON.stringify(text))
    const layer = session.stack!.layers[0]
    expect(layer.type === 'conv2d' && [...layer.weight.data, ...layer.bias!.data, layer.padding]).toEqual([0.5, -2, 3, 'same'])
  })

  it('`unzip` lists the stack members and NumPy loads the exact values', () => {
    const layers = mixedStack()
    const dir = mkdtempSync(join(tmpdir(), 'convolab-session3-'))
    try {
      const path = join(dir, 'stack.convolab')
      writeFileSync(path, encodeSessionFile({ ...base(), stack: { layers, selected: 0, active: true } }))
      const listing = spawnSync('/usr/bin/unzip', ['-l', path], { encoding: 'utf8' })
      expect(listing.status).toBe(0)
      for (const member of ['stack-0-weight.npy', 'stack-0-bias.npy', 'stack-3-weight.npy', 'stack-6-weight.npy', 'stack-6-bias.npy']) {
        expect(listing.stdout).toContain(member)
      }
      const script = [
        'import sys, zipfile, json, io, numpy as np',
        'z = zipfile.ZipFile(sys.argv[1])',
        'doc = json.loads(z.read("session.json"))',
        'out = {}',
        'for i, layer in enumerate(doc["stack"]["layers"]):',
        '    for key in ("weight", "bias"):',
        '        if layer.get(key):',
        '            a = np.load(io.BytesIO(z.read(layer[key]["npy"])))',
        '            out["%d-%s" % (i, key)] = [str(a.dtype), list(a.shape), a.ravel().tolist()]',
        'print(json.dumps(out))',
      ].join('\n')
      const run = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' })
      expect(run.stderr).toBe('')
      const loaded = JSON.parse(run.stdout) as Record<string, [string, number[], number[]]>
      const expected: Record<string, [string, readonly number[], number[]]> = {}
      layers.forEach((layer, i) => {
        if (!hasWeights(layer)) return
        expected[`${i}-weight`] = ['float64', layer.weight.shape, [...layer.weight.data]]
        if (layer.bias) expected[`${i}-bias`] = ['float64', layer.bias.shape, [...layer.bias.data]]
      })
      // Python's repr of a float64 is the shortest text that reads back to the same bits.
      expect(loaded).toEqual(expected)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('opens a stack that stops at layer 3, and a layer that cannot take its input, as they were saved', () => {
    const source = seededSource(2)
    const layers: Layer[] = [
      { type: 'conv2d', weight: normalTensor([3, 2, 3, 3], source), bias: null },
      { type: 'relu' },
      { type: 'max-pool2d', kernelSize: 2 },
      // 3×3 after the pool: a 5×5 kernel cannot be applied
      { type: 'conv2d', weight: normalTensor([1, 3, 5, 5], source), bias: null, dilation: 1 },
    ]
    const input = normalTensor([1, 2, 8, 8], source)
    expect(planStack(layers, input.shape).failure?.params.index).toBe(3)
    const layer: SessionLayer = { type: 'max-pool2d', options: { kernelSize: 20 } }
    const session: Session = { ...base(), input, layer, stack: { layers, selected: 3, active: true } }
    const back = decodeSessionFile(encodeSessionFile(session))
    expect(back.layer).toEqual(layer)
    expect(comparable(back.stack!.layers)).toEqual(comparable(layers))
    expect(back.stack!.selected).toBe(3)
  })
})

describe('older and newer files', () => {
  // version-1.convolab (a JSON text) and version-2.convolab (a zip) were written by the code of
  // their time: a 5×5 input, a 3×3 Sobel-like kernel, bias 0.25, stride 2, padding 1, a
  // tensor dE/dy and a learning set-up.
  it.each(['version-1.convolab', 'version-2.convolab'])('%s opens as a Conv2d without a stack, every value kept', (name) => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)))
    const session = decodeSessionFile(bytes)
    expect(session.layer).toEqual({ type: 'conv2d' })
    expect(session.stack).toBeUndefined()
    expect(session.inputName).toBe('grid.npy')
    expect(session.input.shape).toEqual([1, 1, 5, 5])
    expect([...session.input.data]).toEqual(Array.from({ length: 25 }, (_, k) => (k % 7) / 4 - 0.5))
    expect([...session.weight.data]).toEqual([1, 0, -1, 2, 0, -2, 1, 0, -1])
    expect([...session.bias!.data]).toEqual([0.25])
    expect(session.options).toEqual({ stride: 2, padding: 1 })
    expect(session.gradOutput.kind === 'tensor' && [...session.gradOutput.tensor.data]).toEqual([1, -1, 0.5, 0, 2, -2, 0.25, 1, 3])
    expect(session.view).toEqual({ colourMap: 'viridis', zoom: 1.5 })
    expect(session.learning).toEqual({ target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.05, steps: 20, start: 'random', seed: 7 })
    // saved again, it is a version-3 file with the same document
    const again = decodeSessionFile(encodeSessionFile(session))
    expect(jsonOf(encodeSessionFile(session)).version).toBe(3)
    expect({ ...again, input: [...again.input.data] }).toEqual({ ...session, input: [...session.input.data] })
  })

  it('migrates through the table, 1 → 2 → 3; a stray "stack" of an older file is not read', () => {
    expect(MIGRATIONS[2]({ format: 'convolab-session', version: 2, stack: { layers: 'x' } })).toEqual({
      format: 'convolab-session',
      version: 3,
      layer: { type: 'conv2d' },
    })
    const v1 = JSON.parse(readFileSync(join(FIXTURES, 'version-1.convolab'), 'utf8'))
    const stray = parseSession(JSON.stringify({ ...v1, layer: { type: 'max-pool2d', options: { kernelSize: 2 } }, stack: { bad: true } }))
    expect(stray.layer).toEqual({ type: 'conv2d' })
    expect(stray.stack).toBeUndefined()
  })

  it('refuses version 4, in the zip and as text, saying it is newer', () => {
    const file = encodeSessionFile(base())
    const newer = rezip(file, { 'session.json': strToU8(JSON.stringify({ ...jsonOf(file), version: 4 })) })
    expect(errorOf(() => decodeSessionFile(newer))?.code).toBe('session-newer')
    const text = JSON.parse(serializeSession(base()))
    const error = errorOf(() => parseSession(JSON.stringify({ ...text, version: 4 })))
    expect(error?.code).toBe('session-newer')
    expect(error?.params).toEqual({ version: 4, supported: 3 })
  })
})

describe('damaged layers and stacks', () => {
  const withStack = (): Session => ({ ...base(), stack: { layers: mixedStack(), selected: 0, active: true } })

  /** The parts of session.json the cases change. */
  type Doc = { layer: unknown; stack: { layers: Array<Record<string, unknown>>; selected: unknown; active: unknown } }

  function detailOf(change: (json: Doc) => void, file = encodeSessionFile(withStack())): string {
    const json = jsonOf(file)
    change(json)
    const error = errorOf(() => decodeSessionFile(rezip(file, { 'session.json': strToU8(JSON.stringify(json)) })))
    expect(error?.code).toBe('session-corrupt')
    // the reason, as the English message words it (core passes a path and a reason word, no sentence)
    return messageOf(error, 'en').replace('this is not a valid Convolab session: ', '')
  }

  it('names the place and the reason', () => {
    expect(
      detailOf((json) => {
        json.stack.layers[2].type = 'dropout'
      }),
    ).toMatch(/^stack\.layers\.2\.type must be one of .*conv2d/)
    expect(
      detailOf((json) => {
        json.stack.layers[2].kernelSize = 1.5
      }),
    ).toMatch(/^stack\.layers\.2\.kernelSize /)
    expect(
      detailOf((json) => {
        delete json.stack.layers[0].weight
      }),
    ).toMatch(/^stack\.layers\.0\.weight /)
    expect(
      detailOf((json) => {
        json.stack.selected = 10
      }),
    ).toBe('stack.selected is not a layer of the stack')
    expect(
      detailOf((json) => {
        json.stack.active = 'yes'
      }),
    ).toMatch(/^stack\.active must be true or false/)
    expect(
      detailOf((json) => {
        json.stack.layers = Array.from({ length: MAX_STACK_LAYERS + 1 }, () => ({ type: 'relu' }))
      }),
    ).toBe(`stack.layers must have at most ${MAX_STACK_LAYERS} items`)
    expect(
      detailOf((json) => {
        json.layer = { type: 'max-pool2d', options: { stride: 2 } }
      }),
    ).toMatch(/^layer\.options\.kernelSize /)
    expect(
      detailOf((json) => {
        json.layer = { type: 'conv3d' }
      }),
    ).toMatch(/^layer\.type must be one of /)
  })

  it('refuses a missing or wrong stack member, naming it', () => {
    const file = encodeSessionFile(withStack())
    const missing = errorOf(() => decodeSessionFile(rezip(file, { 'stack-3-weight.npy': null })))
    expect(missing?.code).toBe('session-corrupt')
    expect(messageOf(missing, 'en')).toBe('this is not a valid Convolab session: stack.layers.3.weight: the file has no member stack-3-weight.npy')
    expect(errorOf(() => decodeSessionFile(rezip(file, { 'stack-0-bias.npy': strToU8('not an npy') })))?.code).toBe('npy-magic')
  })

  it('allows as many layers as the contract does', () => {
    expect(MAX_STACK_LAYERS).toBe(LIMITS.maxStackLayers)
    const layers: Layer[] = Array.from({ length: MAX_STACK_LAYERS }, () => ({ type: 'tanh' }))
    expect(decodeSessionFile(encodeSessionFile({ ...base(), stack: { layers, selected: MAX_STACK_LAYERS - 1, active: true } })).stack?.layers).toHaveLength(
      MAX_STACK_LAYERS,
    )
  })
})
