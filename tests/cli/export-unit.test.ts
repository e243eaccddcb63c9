// convolab export --unit: a stack's backward animation from one unit of one layer (dE/dy = 1
// there, 0 elsewhere) is, frame for frame and pixel for pixel, what the stack view's player draws
// from the engine's effective-field result for that unit (frames/stack-unit.ts), unlike the
// default backward from every output, whose maps like the page’s start on the channels the stack
// view starts them on; a bad unit or a session without a stack is refused with
// exit 2, one line in English or Spanish, and nothing written.

import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FRAME_SIZE, differing, pixels, pngExporter, stackViewAnswer } from './export-frames'
import type { Layer, Session } from '../../core'
import { normalTensor, planStack, seededSource, serializeSession } from '../../core'
import type { Transport } from '../../contract'
import { paintFrame } from '../../frames'
import type { StackUnit } from '../../frames/stack-field'
import { STACK_MAP_SIDE, makeStackScene } from '../../frames/stack-scene'
import { fieldSide, unitSceneData } from '../../frames/stack-unit'
import { defaultChannel } from '../../frames/stack-channels'
import { run } from '../../src-main/cli'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { registerFrameFont } from '../../src-main/export/fonts'
import { stackOf } from '../../src-renderer/src/lib/maps/stack'
import { layersOnWire } from '../../src-renderer/src/lib/stack/wire'

let scratch: string
const source = seededSource(17)
// two batch items of 40×40, so a unit's field is a region of each map and its batch item matters
const input = normalTensor([2, 2, 40, 40], source)
// the first conv's bias of 20 makes its channel 0 all positive, so the page starts its ReLU elsewhere
const layers: Layer[] = [
  { type: 'conv2d', weight: normalTensor([3, 2, 3, 3], source), bias: { shape: [3], data: Float64Array.of(20, -0.2, 0.05) }, padding: 1 },
  { type: 'relu' },
  { type: 'max-pool2d', kernelSize: 2 },
  { type: 'conv2d', weight: normalTensor([2, 3, 3, 3], source), bias: null, padding: 1 },
]
const base: Session = { input, weight: normalTensor([1, 2, 3, 3], source), bias: null, options: {}, gradOutput: { kind: 'ones' }, view: {} }
const sessions: Record<string, Session> = {
  stack: { ...base, stack: { layers, selected: 0, active: true } },
  // the stack's third layer cannot take the 20×20 pool output: the layers before it still animate from a unit
  refused: {
    ...base,
    stack: { layers: [layers[0], layers[1], { type: 'max-pool2d', kernelSize: 2 }, { type: 'avg-pool2d', kernelSize: 30 }], selected: 0, active: true },
  },
  // a photo-sized input: the maps backward from a unit are too many values to come whole (box means to 256 a side)
  large: {
    ...base,
    input: normalTensor([1, 1, 520, 600], source),
    stack: {
      layers: [
        { type: 'conv2d', weight: normalTensor([4, 1, 3, 3], source), bias: null, padding: 1 },
        { type: 'relu' },
        { type: 'max-pool2d', kernelSize: 2 },
        { type: 'conv2d', weight: normalTensor([2, 4, 3, 3], source), bias: null, padding: 1 },
      ],
      selected: 0,
      active: true,
    },
  },
  // the same stack kept but not shown: the session shows its Conv2d
  closed: { ...base, stack: { layers, selected: 0, active: false } },
  max: { ...base, layer: { type: 'max-pool2d', options: { kernelSize: [2, 2] } } },
}
const path = (name: string) => join(scratch, `${name}.convolab`)
const SIZE = FRAME_SIZE

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-export-unit-'))
  for (const [name, session] of Object.entries(sessions)) writeFileSync(path(name), serializeSession(session))
})

const running = new Engine({ host: 'browser', spawn: sameThreadWorker() })
afterAll(() => running.close())
const engine: Transport = { host: 'browser', invoke: (method, request) => running.invoke(method, request), onEvent: (listener) => running.onEvent(listener) }

const exportPng = pngExporter(path, () => scratch)

/**
 * The frames the stack view's player draws backward from `unit`: the engine's answer to its
 * effective-field request, through frames' unitSceneData, each map on the channel the view starts
 * it on (from its main result, dE/dy = 1 at the output) and the unit's map on the unit's channel.
 */
async function pageFrames(session: Session, unit: StackUnit): Promise<{ frames: Buffer[]; channels: number[]; side: number }> {
  const { input } = session
  const layers = session.stack!.layers
  const plan = planStack(layers, input.shape)
  const main = await stackViewAnswer(engine, input, layers, unit.layer + 100)
  const answer = await engine.invoke('computeStack', {
    requestId: unit.layer + 200,
    inputId: main.inputId,
    layers: layersOnWire(layers),
    // what requestField asks for while the seed is "from the unit" and the animation backward
    gradient: { kind: 'unit', layer: unit.layer, unit: [unit.n, unit.c, unit.row, unit.col], weights: true },
    display: { maxSide: fieldSide(plan) },
  })
  if (!answer.ok) throw new Error(answer.message)
  const result = answer.value
  const data = unitSceneData(layers, plan, unit, {
    input: stackOf(input, STACK_MAP_SIDE),
    outputs: result.layers.map((l) => l.output),
    gradOutputs: result.layers.map((l) => l.gradOutput ?? null),
    gradInput: result.gradInput ?? null,
    gradWeights: result.layers.map((l) => (l.gradWeight ? { shape: [...l.gradWeight.shape], data: Float64Array.from(l.gradWeight.data) } : null)),
  })
  // StackView.channelOf before any pick; the unit was chosen on its map as shown, in its own channel
  const channels = data.outputs.map((_, k) => (k === unit.layer ? unit.c : defaultChannel(main.result, k, unit.n)))
  channels.unshift(defaultChannel(main.result, -1, unit.n))
  const scene = makeStackScene(data, 'backward', unit.n, channels, { colourMap: 'grayscale', diverging: 'RdBu', language: 'en', decimals: 2 })
  const frames: Buffer[] = []
  for (let step = 0; step < scene.plan.steps; step++) {
    const canvas = createCanvas(SIZE.width, SIZE.height)
    paintFrame(canvas.getContext('2d'), scene, step, SIZE)
    frames.push(await pixels(Buffer.from(await canvas.encode('png'))))
  }
  return { frames, channels, side: fieldSide(plan) }
}

describe('convolab export --unit', () => {
  it('writes the frames the stack view draws backward from that unit, which are not the frames backward from the output', async () => {
    registerFrameFont()
    const { result: whole, out: fromOutput } = await exportPng('stack', 'backward')
    expect(whole.stderr).toBe('')
    // the first conv's channel 0 is all positive (bias 20): the view starts it and its ReLU on channel 2, whose mask has both states
    for (const [unit, channels] of [
      // the last conv's unit of batch item 1
      [{ layer: 3, n: 1, c: 1, row: 5, col: 12 }, [0, 2, 2, 0, 1]],
      // a ReLU's unit in another channel than the one the view starts the ReLU on
      [{ layer: 1, n: 0, c: 1, row: 30, col: 7 }, [0, 2, 1]],
    ] as const) {
      const words = [unit.layer, unit.n, unit.c, unit.row, unit.col].join(',')
      const { result, out } = await exportPng('stack', 'backward', ['--unit', words])
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      // one frame per layer up to the unit's
      expect(result.stdout).toMatch(new RegExp(`^wrote ${unit.layer + 1} frames? \\(backward, from unit ${words}, 320×180\\) to `))
      const files = readdirSync(out).sort()
      expect(files).toHaveLength(unit.layer + 1)
      const page = await pageFrames(sessions.stack, unit)
      expect(page.channels).toEqual([...channels])
      for (const [k, file] of files.entries()) {
        const written = await pixels(join(out, file))
        expect(differing(written, page.frames[k]), `unit ${words}, frame ${k + 1}, channels ${page.channels.join(',')}`).toBe(0)
        // the default backward (dE/dy = 1 at every output) shows whole maps and other gradients
        expect(differing(written, await pixels(join(fromOutput, file))), `unit ${words}, frame ${k + 1} vs the output's`).toBeGreaterThan(1000)
      }
    }
    // on a photo-sized input the maps are box means (256 a side), the page's and the export's alike
    const large = { layer: 3, n: 0, c: 0, row: 130, col: 211 }
    const { result, out } = await exportPng('large', 'backward', ['--unit', '3,0,0,130,211'])
    expect(result.stderr).toBe('')
    const page = await pageFrames(sessions.large, large)
    expect(page.side).toBe(256)
    expect(readdirSync(out)).toHaveLength(4)
    for (const [k, file] of readdirSync(out).sort().entries()) expect(differing(await pixels(join(out, file)), page.frames[k]), `large, frame ${k + 1}`).toBe(0)

    const es = await exportPng('stack', 'backward', ['--unit', '2,1,0,3,4'], 'es')
    expect(es.result.stdout).toMatch(/^escritos 3 fotogramas \(backward, desde la unidad 2,1,0,3,4, 320×180\) en /)
  })

  it('starts the default backward’s maps on the channels the stack view starts them on, as without --unit', async () => {
    registerFrameFont()
    const { result } = await stackViewAnswer(engine, input, layers, 300)
    const channels = [-1, 0, 1, 2, 3].map((on) => defaultChannel(result, on, 0))
    expect(channels).toEqual([0, 2, 2, 0, 0])
    const scene = makeStackScene(
      {
        layers,
        input: stackOf(input, STACK_MAP_SIDE),
        outputs: result.layers.map((l) => l.output),
        gradOutputs: result.layers.map((l) => l.gradOutput ?? null),
        gradInput: result.gradInput,
        gradWeights: result.layers.map((l) => (l.gradWeight ? { shape: [...l.gradWeight.shape], data: Float64Array.from(l.gradWeight.data) } : null)),
      },
      'backward',
      0,
      channels,
      { colourMap: 'grayscale', diverging: 'RdBu', language: 'en', decimals: 2 },
    )
    const { out } = await exportPng('stack', 'backward', ['--from', '2', '--to', '2'])
    const canvas = createCanvas(SIZE.width, SIZE.height)
    paintFrame(canvas.getContext('2d'), scene, 1, SIZE)
    expect(differing(await pixels(join(out, 'frame-0001.png')), await pixels(Buffer.from(await canvas.encode('png'))))).toBe(0)
  })

  it('animates from a unit before a layer that cannot take its input, as the page does', async () => {
    const { result, out } = await exportPng('refused', 'backward', ['--unit', '1,0,0,4,4'])
    expect(result.stderr).toBe('')
    expect(readdirSync(out)).toHaveLength(2)
    // without a unit the backward pass needs the whole stack
    expect((await exportPng('refused', 'backward')).result.stderr).toMatch(/needs the whole stack to compute/)
  })

  it.each([
    [
      'a layer the stack does not have',
      'stack',
      ['--animation', 'backward', '--unit', '4,0,0,0,0'],
      'there is no layer 4 (the stack has 4 layers, from 0)',
      'no existe la capa 4 (la pila tiene 4 capas, desde la 0)',
    ],
    [
      'a channel outside the layer’s output',
      'stack',
      ['--animation', 'backward', '--unit', '3,0,2,0,0'],
      'there is no unit (0, 2, 0, 0) in layer 3, whose output has shape (2, 2, 20, 20)',
      'no hay ninguna unidad (0, 2, 0, 0) en la capa 3, cuya salida tiene shape (2, 2, 20, 20)',
    ],
    [
      'a batch item and a row outside the layer’s output',
      'stack',
      ['--animation', 'backward', '--unit', '0,2,0,40,0'],
      'there is no unit (2, 0, 40, 0) in layer 0, whose output has shape (2, 3, 40, 40)',
      'no hay ninguna unidad (2, 0, 40, 0) en la capa 0, cuya salida tiene shape (2, 3, 40, 40)',
    ],
    [
      'a layer after the one that cannot take its input',
      'refused',
      ['--animation', 'backward', '--unit', '3,0,0,0,0'],
      'layer 3 was not computed (the stack stops at layer 3)',
      'la capa 3 no se calculó (la pila se detiene en la capa 3)',
    ],
    [
      'the forward animation',
      'stack',
      ['--animation', 'forward', '--unit', '3,0,0,0,0'],
      '--unit starts the backward animation from one unit, and the forward animation starts from the input: use --animation backward, or leave out --unit',
      '--unit inicia la animación hacia atrás desde una unidad, y la animación forward parte de la entrada: use --animation backward, o quite --unit',
    ],
    [
      'a session that shows a max-pool',
      'max',
      ['--animation', 'backward-input', '--unit', '0,0,0,0,0'],
      '--unit is for a session that shows its stack (saved with the stack view open), and this one shows MaxPool2d: leave out --unit',
      '--unit es para una sesión que muestra su pila (guardada con la vista de pila abierta), y esta muestra MaxPool2d: quite --unit',
    ],
    [
      'a session whose stack is closed',
      'closed',
      ['--animation', 'backward-input', '--unit', '0,0,0,0,0'],
      '--unit is for a session that shows its stack (saved with the stack view open), and this one shows Conv2d: leave out --unit',
      '--unit es para una sesión que muestra su pila (guardada con la vista de pila abierta), y esta muestra Conv2d: quite --unit',
    ],
    [
      'three numbers',
      'stack',
      ['--animation', 'backward', '--unit', '1,2,3'],
      '--unit must be LAYER,N,C,H,W: a layer of the stack (from 0) and a unit of its output (batch item, channel, row, column), e.g. 2,0,1,5,7 (got 1,2,3)',
      '--unit debe ser CAPA,N,C,H,W: una capa de la pila (desde la 0) y una unidad de su salida (elemento del lote, canal, fila, columna), p. ej. 2,0,1,5,7 (se recibió 1,2,3)',
    ],
    [
      'a negative row',
      'stack',
      ['--animation', 'backward', '--unit=1,0,0,-1,0'],
      '--unit must be LAYER,N,C,H,W: a layer of the stack (from 0) and a unit of its output (batch item, channel, row, column), e.g. 2,0,1,5,7 (got 1,0,0,-1,0)',
      '--unit debe ser CAPA,N,C,H,W: una capa de la pila (desde la 0) y una unidad de su salida (elemento del lote, canal, fila, columna), p. ej. 2,0,1,5,7 (se recibió 1,0,0,-1,0)',
    ],
  ])('refuses %s: exit 2, one line, nothing written, in English and Spanish', async (name, session, more, english, spanish) => {
    for (const [language, message] of [
      ['en', english],
      ['es', spanish],
    ] as const) {
      for (const format of ['png', 'gif'] as const) {
        const out = join(scratch, `refused-${name.replace(/\W+/g, '-')}-${language}.${format === 'gif' ? 'gif' : 'frames'}`)
        const result = await run(['export', '--session', path(session), ...more, '--format', format, '--out', out], language)
        expect(result.code).toBe(2)
        expect(result.stdout).toBe('')
        expect(result.stderr).toBe(`convolab: ${message}`)
        expect(existsSync(out)).toBe(false)
      }
    }
  })
})
