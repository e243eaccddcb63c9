// convolab export of a session that shows ConvTranspose2d, MaxPool2d, AvgPool2d or a stack: the
// frames are the page's animations of that layer or stack (not the Conv2d's), as many as their
// plan has steps; a max-pool frame is pixel for pixel the frame drawn from core's own max-pool
// tensors; --region steps through a region of a large input's output; bad requests write nothing.

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { differing, pixels, pngExporter, stackViewAnswer } from './export-frames'
import type { Layer, Session } from '../../core'
import { filled, maxPool2d, maxPool2dBackward, normalTensor, seededSource, serializeSession } from '../../core'
import { makeFamilyScene, paintFrame } from '../../frames'
import type { Transport } from '../../contract'
import { familySceneOf } from '../../frames/family-choice'
import { run } from '../../src-main/cli'
import type { FamilySessionLayer } from '../../frames/family-source'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { loadFamilySource } from '../../src-renderer/src/lib/animation/family-source'
import { stackOf } from '../../src-renderer/src/lib/maps/stack'
import { STACK_MAP_SIDE, makeStackScene } from '../../frames/stack-scene'
import { defaultChannel } from '../../frames/stack-channels'
import { registerFrameFont } from '../../src-main/export/fonts'
import { frameOptionsOf } from '../../src-main/export/session-scene'

let scratch: string
const source = seededSource(11)
const input = normalTensor([1, 2, 6, 6], source)
const convWeight = normalTensor([3, 2, 3, 3], source)
const transposedWeight = normalTensor([2, 3, 3, 3], source)
const base: Session = { input, weight: convWeight, bias: null, options: {}, gradOutput: { kind: 'ones' }, view: {} }
const stackLayers: Layer[] = [{ type: 'conv2d', weight: convWeight, bias: null, padding: 1 }, { type: 'relu' }, { type: 'max-pool2d', kernelSize: 2 }]
const sessions: Record<string, Session> = {
  conv2d: base,
  max: { ...base, layer: { type: 'max-pool2d', options: { kernelSize: [2, 2] } } },
  avg: { ...base, layer: { type: 'avg-pool2d', options: { kernelSize: [3, 3], stride: [1, 1], padding: [1, 1] } } },
  transposed: { ...base, weight: transposedWeight, layer: { type: 'conv-transpose2d', options: { stride: [2, 2], padding: [1, 1] } } },
  stack: { ...base, stack: { layers: stackLayers, selected: 0, active: true } },
  // a photo-sized input: the family animates a region of its output
  largeTransposed: {
    ...base,
    input: normalTensor([1, 2, 80, 70], source),
    weight: normalTensor([2, 2, 3, 3], source),
    bias: { shape: [2], data: Float64Array.of(0.5, -0.25) },
    layer: { type: 'conv-transpose2d', options: { stride: [2, 2], padding: [1, 1] } },
    gradOutput: { kind: 'random', seed: 9 },
  },
  large: {
    ...base,
    input: normalTensor([1, 1, 100, 90], source),
    weight: normalTensor([1, 1, 3, 3], source),
    layer: { type: 'avg-pool2d', options: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1] } },
    // the region's dE/dy is the same N(0, 1) draw's values there
    gradOutput: { kind: 'random', seed: 5 },
  },
}
const path = (name: string) => join(scratch, `${name}.convolab`)

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-export-family-'))
  for (const [name, session] of Object.entries(sessions)) writeFileSync(path(name), serializeSession(session))
})

const exportPng = pngExporter(path, () => scratch)

const running = new Engine({ host: 'browser', spawn: sameThreadWorker() })
afterAll(() => running.close())
/** The engine as the page's transport reaches it. */
const engine: Transport = { host: 'browser', invoke: (method, request) => running.invoke(method, request), onEvent: (listener) => running.onEvent(listener) }

describe('convolab export of a family layer or a stack', () => {
  it('writes the very frames the page draws from the engine’s tensors, on a large input’s default region', async () => {
    registerFrameFont()
    for (const [name, view, step] of [
      ['largeTransposed', 'backward-input', 5],
      ['largeTransposed', 'forward', 9],
      ['large', 'backward-input', 3],
    ] as const) {
      const session = sessions[name]
      const layer = session.layer as FamilySessionLayer
      // what the animation tab asks the engine for (familyRequestOf): the centre region, the session's dE/dy
      const answer = await loadFamilySource(engine, {
        layer,
        input: session.input,
        weight: session.weight,
        bias: layer.type === 'conv-transpose2d' ? (session.bias?.data ?? null) : null,
        n: 0,
        region: null,
        gradOutput: session.gradOutput.kind === 'random' ? session.gradOutput : { kind: 'ones' },
        pair: layer.type === 'conv-transpose2d',
      })
      if (!answer.ok) throw new Error(answer.message)
      const scene = familySceneOf(answer.value, view, 'scatter', 'cell', frameOptionsOf(session, 'en'))
      const canvas = createCanvas(320, 180)
      paintFrame(canvas.getContext('2d'), scene!, step - 1, { width: 320, height: 180 })
      const page = await pixels(Buffer.from(await canvas.encode('png')))
      const { result, out } = await exportPng(name, view, ['--from', String(step), '--to', String(step)])
      expect(result.stderr).toBe('')
      const { i, j, h, w } = answer.value.region!
      expect(result.stdout).toContain(`region ${i},${j},${h}×${w}`)
      expect(differing(await pixels(join(out, 'frame-0001.png')), page), `${name} ${view}`).toBe(0)
    }
  })

  it('writes the stack frames the page draws from the engine’s maps (dE/dy = 1 at the output)', async () => {
    registerFrameFont()
    const session = sessions.stack
    // what the stack view asks the engine for, and how its player makes the scene
    const { result } = await stackViewAnswer(engine, session.input, stackLayers, 1)
    for (const direction of ['forward', 'backward'] as const) {
      const backward = direction === 'backward'
      const scene = makeStackScene(
        {
          layers: stackLayers,
          input: stackOf(session.input, STACK_MAP_SIDE),
          outputs: result.layers.map((l) => l.output),
          gradOutputs: backward ? result.layers.map((l) => l.gradOutput ?? null) : undefined,
          gradInput: backward ? result.gradInput : undefined,
          gradWeights: backward
            ? result.layers.map((l) => (l.gradWeight ? { shape: [...l.gradWeight.shape], data: Float64Array.from(l.gradWeight.data) } : null))
            : undefined,
        },
        direction,
        0,
        // the channels the stack view starts on (around the ReLU, one whose mask has both states)
        [-1, 0, 1, 2].map((on) => defaultChannel(result, on, 0)),
        { colourMap: 'grayscale', diverging: 'RdBu', language: 'en', decimals: 2 },
      )
      const { out } = await exportPng('stack', direction, ['--from', '2', '--to', '2'])
      const canvas = createCanvas(320, 180)
      paintFrame(canvas.getContext('2d'), scene, 1, { width: 320, height: 180 })
      expect(differing(await pixels(join(out, 'frame-0001.png')), await pixels(Buffer.from(await canvas.encode('png')))), direction).toBe(0)
    }
  })

  it('writes one frame per step of each family animation, as many as the layer’s own plan has', async () => {
    // MaxPool2d 2×2 on (1, 2, 6, 6): 18 outputs, one a cell; by rows of 3, 6 frames; AvgPool2d 3×3 stride 1 padding 1: 2 channels
    for (const [name, animation, more, frames] of [
      ['max', 'forward', [], 18],
      ['max', 'backward-input', ['--granularity', 'row'], 6],
      ['avg', 'backward-input', ['--granularity', 'channel'], 2],
      // ConvTranspose2d's scatter: one input cell's stamps a step (72); its dE/dx is a Conv2d forward of dE/dy (3 channels of 6×6)
      ['transposed', 'forward', [], 72],
      // as the Conv2d dE/dx frames: its output channels (3) are that Conv2d's input
      ['transposed', 'forward', ['--transposed-forward', 'correlation', '--granularity', 'channel'], 3],
      ['transposed', 'backward-input', ['--granularity', 'channel'], 2],
      // dE/dw by kernel slice: (2, 3) slices of 3×3
      ['transposed', 'backward-weight', ['--granularity', 'channel'], 6],
      ['transposed', 'pair', [], 3],
      // the stack: one frame per layer
      ['stack', 'forward', [], 3],
      ['stack', 'backward', [], 3],
    ] as const) {
      const { result, out } = await exportPng(name, animation, [...more])
      expect(result.stderr, `${name} ${animation}`).toBe('')
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^wrote ${frames} frames \\(${animation}`))
      expect(readdirSync(out)).toHaveLength(frames)
    }
  })

  it('draws the max-pool frames from core’s max-pool tensors, unlike the Conv2d frames of the same input', async () => {
    registerFrameFont()
    const { out } = await exportPng('max', 'backward-input', ['--from', '4', '--to', '4'])
    const written = await pixels(join(out, 'frame-0001.png'))
    // The frame the page draws for the step: core's MaxPool2d, its argmaxes and dE/dx for dE/dy = ones.
    const { output, indices, geometry } = maxPool2d(input, { kernelSize: 2 })
    const gradOutput = filled(output.shape, 1)
    const gradInput = maxPool2dBackward(gradOutput, indices, geometry)
    const values = { input: input.data, output: output.data, gradOutput: gradOutput.data, gradInput: gradInput.data, gradWeight: null, gradBias: null, indices }
    const scene = makeFamilyScene({ type: 'max-pool2d', geometry }, values, 'max-backward', 'cell', {
      ...frameOptionsOf(sessions.max, 'en'),
      trueConvolution: false,
    })
    const canvas = createCanvas(320, 180)
    paintFrame(canvas.getContext('2d'), scene!, 3, { width: 320, height: 180 })
    const expected = await pixels(Buffer.from(await canvas.encode('png')))
    expect(differing(written, expected)).toBe(0)

    const conv = await exportPng('conv2d', 'backward-input', ['--from', '4', '--to', '4'])
    expect(differing(written, await pixels(join(conv.out, 'frame-0001.png')))).toBeGreaterThan(2000)
    // and the transposed layer's and the stack's first frames are neither
    const transposed = await pixels(join((await exportPng('transposed', 'backward-input', ['--from', '4', '--to', '4'])).out, 'frame-0001.png'))
    expect(differing(written, transposed)).toBeGreaterThan(2000)
  })

  it('writes a GIF of a family animation and of a stack, with one page per frame', async () => {
    for (const [name, animation, pages] of [
      ['avg', 'forward', 72],
      ['stack', 'backward', 3],
    ] as const) {
      const out = join(scratch, `${name}-${animation}.gif`)
      const result = await run(['export', '--session', path(name), '--animation', animation, '--format', 'gif', '--out', out, '--size', '240x135'], 'es')
      expect(result.stderr).toBe('')
      expect(result.stdout).toMatch(new RegExp(`^escritos ${pages} fotogramas`))
      expect((await sharp(readFileSync(out), { animated: true }).metadata()).pages).toBe(pages)
    }
  })

  it('steps through a region of a large input’s output with --region, the centre by default', async () => {
    const asked = await exportPng('large', 'backward-input', ['--region', '10,20,4,5', '--granularity', 'row'])
    expect(asked.result.stderr).toBe('')
    expect(asked.result.stdout).toMatch(/^wrote 4 frames \(backward-input, row, region 10,20,4×5, 320×180\)/)
    expect(readdirSync(asked.out)).toHaveLength(4)
    // the page's default region: 8×8 at the centre of the 50×45 output
    const centre = await exportPng('large', 'backward-input', ['--granularity', 'row'])
    expect(centre.result.stdout).toMatch(/^wrote 8 frames \(backward-input, row, region 21,18,8×8, 320×180\)/)
    const elsewhere = await exportPng('large', 'backward-input', ['--region', '30,2,4,5', '--granularity', 'row'])
    expect(differing(await pixels(join(asked.out, 'frame-0004.png')), await pixels(join(elsewhere.out, 'frame-0004.png')))).toBeGreaterThan(100)
  })

  it('refuses an animation the layer or stack lacks, a region outside, a region on a stack: exit 2, one line, nothing written', async () => {
    for (const [name, more, message] of [
      [
        'max',
        ['--animation', 'backward-weight'],
        /^convolab: the session shows MaxPool2d, whose animations are forward, backward-input \(got backward-weight\)$/,
      ],
      ['avg', ['--animation', 'learning'], /AvgPool2d, whose animations are forward, backward-input \(got learning\)/],
      ['stack', ['--animation', 'backward-input'], /nn.Sequential, whose animations are forward, backward/],
      ['conv2d', ['--animation', 'pair'], /Conv2d, whose animations are forward, backward-input, backward-weight, backward-scatter, learning/],
      ['large', ['--animation', 'forward', '--region', '48,0,4,4'], /--region 48,0,4,4 must lie inside the 50×45 output, at most 32×32 cells/],
      ['stack', ['--animation', 'forward', '--region', '0,0,2,2'], /--region is for one layer/],
      ['max', ['--animation', 'forward', '--transposed-forward', 'sideways'], /--transposed-forward must be one of scatter, correlation/],
    ] as const) {
      const out = join(scratch, `refused-${name}-${more.join('')}`.replace(/[^\w-]/g, ''))
      const result = await run(['export', '--session', path(name), ...more, '--format', 'png', '--out', out], 'en')
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(message)
      expect(result.stderr.split('\n')).toHaveLength(1)
      expect(existsSync(out)).toBe(false)
    }
    const es = await run(['export', '--session', path('max'), '--animation', 'pair', '--format', 'png', '--out', join(scratch, 'es')], 'es')
    expect(es.stderr).toBe('convolab: la sesión muestra MaxPool2d, cuyas animaciones son forward, backward-input (se recibió pair)')
  })
})
