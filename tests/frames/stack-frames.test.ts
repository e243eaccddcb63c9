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
import { isStackScene, makeStackScene } from '../../frames/stack-scene'
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

function lenetScene(direction: 'forward' | 'backward', language: 'en' | 'es' = 'en') {
  const layers = stackPreset('lenet', 1)
  const x = normalTensor([1, 1, 20, 20], seededSource(5))
  const forward = stackForward(layers, x)
  const ones = { shape: forward.output.shape, data: new Float64Array(forward.output.data.length).fill(1) }
  const grads = stackBackward(layers, forward, { kind: 'output', gradOutput: ones })
  const scene = makeStackScene(
    {
      layers,
      input: maps(x),
      outputs: forward.layers.map((l) => maps(l.output)),
      gradOutputs: grads.gradOutputs.map((g) => (g ? maps(g) : null)),
      gradInput: maps(grads.gradInput),
      gradWeights: grads.gradWeights,
    },
    direction,
    0,
    [0, 2, 2, 2, 3, 3, 3],
    options(language),
  )
  return { scene, forward, grads, x }
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

describe('stack frames of a transposed convolution', () => {
  it('correlates dE/dy with w itself (not turned) on the way back', () => {
    const layers = stackPreset('encoder-decoder', 1)
    const x = normalTensor([1, 1, 8, 8], seededSource(2))
    const forward = stackForward(layers, x)
    const ones = { shape: forward.output.shape, data: new Float64Array(forward.output.data.length).fill(1) }
    const grads = stackBackward(layers, forward, { kind: 'output', gradOutput: ones })
    const scene = makeStackScene(
      {
        layers,
        input: maps(x),
        outputs: forward.layers.map((l) => maps(l.output)),
        gradOutputs: grads.gradOutputs.map((g) => (g ? maps(g) : null)),
        gradInput: maps(grads.gradInput),
        gradWeights: grads.gradWeights,
      },
      'backward',
      0,
      [0, 0, 0, 0, 0, 0, 0, 0],
      options('en'),
    )
    const last = frameModel(scene, 0)
    expect(last.title).toContain('ConvTranspose2d 3×3, stride 2')
    const kernel = last.columns[1].panels[0]
    expect(kernel.title).toBe('w6[0,0]')
    const w = layers[6]
    if (w.type !== 'conv-transpose2d') throw new Error('layer 6 is transposed')
    expect(kernel.value(0, 1)).toBe(w.weight.data[1])
  })
})
