// The stack animation's frames (frames/stack-scene.ts): forward one layer a step, backward from the
// last layer to the first with the mask, routing or rot180(w) between dE/dy and dE/dx, drawn from
// the maps core computes for a stack (as the engine sends them), in both languages.
import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { normalTensor, seededSource } from '../../core'
import { stackPreset } from '../../core/stack-presets'
import { stackBackward, stackForward } from '../../core/stack'
import type { FrameOptions } from '../../frames'
import { frameModel, paintFrame } from '../../frames'
import type { StackMaps } from '../../frames/stack-scene'
import { gateCount, isStackScene, makeStackScene } from '../../frames/stack-scene'
import { RecordingContext } from './helpers'

const options = (language: 'en' | 'es'): FrameOptions => ({ colourMap: 'grayscale', diverging: 'RdBu', language, decimals: 2 })

/** A tensor as a full-size map stack (what the engine sends for a small map). */
function maps(t: Tensor): StackMaps {
  const [n, c] = t.shape
  const plane = t.shape[2] * t.shape[3]
  const min = new Float64Array(n * c)
  const max = new Float64Array(n * c)
  for (let p = 0; p < n * c; p++) {
    const values = Array.from(t.data.subarray(p * plane, (p + 1) * plane))
    min[p] = Math.min(...values)
    max[p] = Math.max(...values)
  }
  return { shape: t.shape as [number, number, number, number], displayH: t.shape[2], displayW: t.shape[3], data: t.data, min, max }
}

/** A preset stack on a seeded input, forward and backward from dE/dy = 1, as the scene's data (full-size maps). */
function stackData(preset: Parameters<typeof stackPreset>[0], side: number, seed: number) {
  const layers = stackPreset(preset, 1)
  const x = normalTensor([1, 1, side, side], seededSource(seed))
  const forward = stackForward(layers, x)
  const ones = { shape: forward.output.shape, data: new Float64Array(forward.output.data.length).fill(1) }
  const grads = stackBackward(layers, forward, { kind: 'output', gradOutput: ones })
  const data = {
    layers,
    input: maps(x),
    outputs: forward.layers.map((l) => maps(l.output)),
    gradOutputs: grads.gradOutputs.map((g) => (g ? maps(g) : null)),
    gradInput: maps(grads.gradInput),
    gradWeights: grads.gradWeights,
  }
  return { data, forward, grads, x }
}

function lenetScene(direction: 'forward' | 'backward', language: 'en' | 'es' = 'en') {
  const { data, forward, grads, x } = stackData('lenet', 20, 5)
  return { scene: makeStackScene(data, direction, 0, [0, 2, 2, 2, 3, 3, 3], options(language)), forward, grads, x }
}

describe('stack frames', () => {
  it('steps forward one layer at a time, the kernel between a conv’s maps', () => {
    const { scene, forward } = lenetScene('forward')
    expect(isStackScene(scene)).toBe(true)
    expect(scene.plan.steps).toBe(6)
    const start = frameModel(scene, -1)
    expect(start.columns).toHaveLength(1)
    const conv = frameModel(scene, 0)
    expect(conv.title).toContain('Conv2d 5×5')
    expect(conv.columns.map((c) => c.panels[0].title)).toEqual(['x[0,0]', 'w0[2,0]', 'a0[0,2]'])
    // the output panel reads layer 0's channel 2, cell by cell
    const out = conv.columns[2].panels[0]
    expect(out.value(3, 4)).toBe(forward.layers[0].output.data[2 * 16 * 16 + 3 * 16 + 4])
    expect(conv.formula[0]).toBe('(1, 1, 20, 20) → Conv2d → (1, 6, 16, 16)')
  })

  it('goes back from the last layer: ReLU’s mask, max-pool’s routing, rot180(w) and dE/dw', () => {
    const { scene, forward, grads } = lenetScene('backward')
    expect(frameModel(scene, -1).title).toContain('dE/dy = 1')
    // step 0 is layer 5 (max-pool), step 1 layer 4 (ReLU), …, step 5 layer 0 (conv)
    const pool = frameModel(scene, 0)
    expect(pool.title).toContain('MaxPool2d')
    expect(pool.columns[1].joiner).toBe('max →')
    const relu = frameModel(scene, 1)
    const mask = relu.columns[1].panels[0]
    expect(mask.title).toBe('mask x > 0[0,3]')
    const before = forward.layers[3].output
    const side = before.shape[2]
    let on = 0
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) {
        const x = before.data[(3 * side + r) * side + c]
        expect(mask.value(r, c)).toBe(x > 0 ? 1 : 0)
        if (x > 0) on++
      }
    // a mask with both values, so the check means something
    expect(on).toBeGreaterThan(0)
    expect(on).toBeLessThan(side * side)
    const first = frameModel(scene, 5)
    expect(first.columns.map((c) => c.panels[0].title)).toEqual(['dE/da0[0,2]', 'rot180(w0)[2,0]', 'dE/dx[0,0]', 'dE/dw0[2,0]'])
    // rot180: the first cell shown is the kernel's last
    const w = scene.data.layers[0]
    if (w.type !== 'conv2d') throw new Error('layer 0 is a conv')
    expect(first.columns[1].panels[0].value(0, 0)).toBe(w.weight.data[2 * 25 + 24])
    expect(first.columns[2].panels[0].value(7, 7)).toBe(grads.gradInput.data[7 * 20 + 7])
    expect(first.columns[3].panels[0].value(1, 2)).toBe(grads.gradWeights[0]!.data[2 * 25 + 1 * 5 + 2])
  })

  it('draws every step in both languages', () => {
    for (const language of ['en', 'es'] as const) {
      const { scene } = lenetScene('backward', language)
      for (let step = -1; step < scene.plan.steps; step++) {
        const ctx = new RecordingContext()
        paintFrame(ctx, scene, step, { width: 960, height: 540 })
        expect(ctx.texts.length).toBeGreaterThan(3)
      }
      const ctx = new RecordingContext()
      paintFrame(ctx, scene, 1, { width: 960, height: 540 })
      expect(ctx.texts.join(' ')).toContain(language === 'en' ? 'Backward through the stack' : 'Hacia atrás por la pila')
    }
  })
})

describe('the ReLU gate in the stack frames', () => {
  it('shows both sides of a ReLU in its own channel, and says how many units pass', () => {
    const { data, forward, grads } = stackData('lenet', 20, 5)
    // The strip shows channel 1 of the conv before the ReLU and channel 4 of the ReLU: the ReLU's frames use 4 on both sides.
    for (const language of ['en', 'es'] as const) {
      const scene = makeStackScene(data, 'backward', 0, [0, 1, 4, 4, 0, 0, 0], options(language))
      const relu = frameModel(scene, 4)
      expect(relu.columns.map((c) => c.panels[0].title)).toEqual(['dE/da1[0,4]', language === 'en' ? 'mask x > 0[0,4]' : 'máscara x > 0[0,4]', 'dE/da0[0,4]'])
      const before = forward.layers[0].output
      const plane = before.shape[2] * before.shape[3]
      const values = Array.from(before.data.subarray(4 * plane, 5 * plane))
      const pass = values.filter((v) => v > 0).length
      expect(pass).toBeGreaterThan(0)
      expect(pass).toBeLessThan(plane)
      expect(gateCount(scene, 1)).toEqual({ channel: 4, pass, total: plane, units: true, every: false, none: false })
      expect(relu.formula.at(-1)).toBe(
        language === 'en'
          ? `channel 4: ${pass} of ${plane} units pass (x > 0, white); ${plane - pass} stop (black)`
          : `canal 4: pasan ${pass} de ${plane} unidades (x > 0, en blanco); ${plane - pass} se detienen (en negro)`,
      )
      // dE/dx of the ReLU is dE/dy where the mask is 1, 0 elsewhere, on channel 4.
      const gradIn = relu.columns[2].panels[0]
      const dy = grads.gradOutputs[1]!.data
      for (let r = 0; r < before.shape[2]; r++)
        for (let c = 0; c < before.shape[3]; c++) {
          const at = 4 * plane + r * before.shape[3] + c
          expect(gradIn.value(r, c)).toBe(before.data[at] > 0 ? dy[at] : 0)
        }
      // Forward, the ReLU's input is channel 4 too.
      const up = frameModel(makeStackScene(data, 'forward', 0, [0, 1, 4, 4, 0, 0, 0], options(language)), 1)
      expect(up.columns.map((c) => c.panels[0].title)).toEqual(['a0[0,4]', 'a1[0,4]'])
    }
  })

  it('says when every unit of the channel passes, and counts blocks on a map drawn as box means', () => {
    const x = { shape: [1, 1, 4, 4] as [number, number, number, number], data: Float64Array.from({ length: 16 }, (_, k) => k + 1) }
    const relu = [{ type: 'relu' as const }]
    const forward = stackForward(relu, x)
    const grads = stackBackward(relu, forward, { kind: 'output', gradOutput: { shape: x.shape, data: new Float64Array(16).fill(1) } })
    const data = { layers: relu, input: maps(x), outputs: [maps(forward.output)], gradOutputs: [maps(grads.gradOutputs[0]!)], gradInput: maps(grads.gradInput) }
    const all = frameModel(makeStackScene(data, 'backward', 0, [0, 0], options('en')), 0)
    expect(all.formula.slice(-2)).toEqual([
      'channel 0: 16 of 16 units pass (x > 0, white); 0 stop (black)',
      'every unit of this channel passes, so its gradient goes through unchanged; another channel in the strip may show the mask stop some',
    ])
    // The same plane drawn as 2×2 box means: blocks, not units.
    const boxed = { ...maps(x), displayH: 2, displayW: 2, data: Float64Array.from([-1, 2, 3, 4]) }
    const blocks = frameModel(
      makeStackScene({ ...data, input: boxed, outputs: [{ ...boxed, data: Float64Array.from([0, 2, 3, 4]) }] }, 'backward', 0, [0, 0], options('en')),
      0,
    )
    // Every exact unit passes (the output's minimum is 1 > 0), though a block's mean is −1 here.
    expect(blocks.formula.slice(-2)).toEqual([
      'channel 0, drawn as box means: 3 of 4 blocks have a mean x > 0 (white)',
      'every unit of this channel passes, so its gradient goes through unchanged; another channel in the strip may show the mask stop some',
    ])
    // Exact extremes with both states: the box means are said to be means.
    const mixed = {
      ...maps(forward.output),
      min: Float64Array.from([0]),
      max: Float64Array.from([4]),
      displayH: 2,
      displayW: 2,
      data: Float64Array.from([0, 2, 3, 4]),
    }
    const both = frameModel(makeStackScene({ ...data, input: boxed, outputs: [mixed] }, 'backward', 0, [0, 0], options('es')), 0)
    expect(both.formula.at(-1)).toBe('las unidades exactas de este canal tienen los dos estados (unas pasan, otras se detienen); cada bloque muestra su media')
  })
})

describe('stack frames of a transposed convolution', () => {
  it('correlates dE/dy with w itself (not turned) on the way back', () => {
    const { data } = stackData('encoder-decoder', 8, 2)
    const scene = makeStackScene(data, 'backward', 0, [0, 0, 0, 0, 0, 0, 0, 0], options('en'))
    const last = frameModel(scene, 0)
    expect(last.title).toContain('ConvTranspose2d 3×3, stride 2')
    const kernel = last.columns[1].panels[0]
    expect(kernel.title).toBe('w6[0,0]')
    const w = data.layers[6]
    if (w.type !== 'conv-transpose2d') throw new Error('layer 6 is transposed')
    expect(kernel.value(0, 1)).toBe(w.weight.data[1])
  })
})
