// ConvTranspose2d's frames show the layer's numbers: the scatter's running sums end, cropped and
// with the bias, in core's output (what the engine computes) to 1e-12; overlapping stamps add up;
// the correlation, dE/dx and dE/dw views are the Conv2d's frames with the same numbers, renamed.
import { describe, expect, it } from 'vitest'
import type { ConvTranspose2dLayer } from '../../core'
import { gradWeightByCorrelation, traceCell } from '../../core'
import { frameModel, paintFrame } from '../../frames'
import { scatterCanvas, uncroppedSize } from '../../frames/family-transposed'
import { RecordingContext } from './helpers'
import { close, computeLayer, expectClose, familyScene, random } from './family-helpers'

function transposed(
  inC: number,
  outPerGroup: number,
  k: [number, number],
  options: Partial<ConvTranspose2dLayer>,
  seed = 1,
  withBias = true,
): ConvTranspose2dLayer {
  return {
    type: 'conv-transpose2d',
    weight: random([inC, outPerGroup, k[0], k[1]], seed),
    bias: withBias ? random([outPerGroup * (options.groups ?? 1)], seed + 1) : null,
    ...options,
  }
}

const SETTINGS: Array<[string, ConvTranspose2dLayer, number[]]> = [
  ["the seed's stride 2, padding 1", transposed(2, 3, [3, 3], { stride: 2, padding: 1 }), [2, 2, 3, 3]],
  [
    'output padding, dilation, a rectangular kernel',
    transposed(2, 2, [2, 3], { stride: [2, 3], padding: [0, 1], outputPadding: [1, 2], dilation: [2, 1] }),
    [1, 2, 3, 4],
  ],
  ['groups', transposed(4, 1, [3, 3], { stride: 2, groups: 2 }), [1, 4, 2, 3]],
]

describe('ConvTranspose2d as scatter', () => {
  it.each(SETTINGS)("%s: the cropped canvas plus the bias is core's output", (_, layer, shape) => {
    const { family, values } = computeLayer(layer, random(shape, 7))
    const scene = familyScene(family, values, 'transposed-scatter')
    const g = family.type === 'conv-transpose2d' ? family.geometry : null!
    expect(scene.plan.steps).toBe(shape.reduce((a, b) => a * b, 1))
    const canvas = scatterCanvas(scene as never, scene.plan.units)
    const { rows, cols } = uncroppedSize(scene as never)
    const cropped = new Float64Array(values.output.length)
    for (let n = 0; n < g.batch; n++)
      for (let o = 0; o < g.outChannels; o++)
        for (let r = 0; r < g.outH; r++)
          for (let c = 0; c < g.outW; c++) {
            cropped[((n * g.outChannels + o) * g.outH + r) * g.outW + c] =
              canvas[((n * g.outChannels + o) * rows + r + g.padH) * cols + c + g.padW] + (layer.bias ? layer.bias.data[o] : 0)
          }
    expectClose(cropped, values.output)
    // The last frame's y panels are the engine's output.
    const last = frameModel(scene, scene.plan.steps - 1)
    const y = last.columns[4].panels[0]
    const [n, o] = y.title
      .match(/\[(\d+),(\d+)\]$/)!
      .slice(1)
      .map(Number)
    expect(y.value(0, 0)).toBe(values.output[(n * g.outChannels + o) * g.outH * g.outW])
  })

  it('overlapping stamps add up: the running sum of a cell two stamps reach', () => {
    // stride 1, kernel 2: x[0,0,0,0] and x[0,0,0,1] both reach y_full[0,0,0,1].
    const layer = transposed(1, 1, [2, 2], { stride: 1 }, 3, false)
    const x = random([1, 1, 2, 2], 4)
    const { family, values } = computeLayer(layer, x)
    const scene = familyScene(family, values, 'transposed-scatter', 'cell', { decimals: 6 })
    const w = layer.weight.data
    const after = scatterCanvas(scene as never, 2)
    const cols = uncroppedSize(scene as never).cols
    expect(close(after[0 * cols + 1], x.data[0] * w[1] + x.data[1] * w[0])).toBe(true)
    const model = frameModel(scene, 1)
    const fmt = (v: number) => v.toFixed(6).replace('-', '−')
    const added = x.data[1] * w[0]
    expect(model.formula[1]).toBe(`running sum: y_full[0,0,0,1] = ${fmt(x.data[0] * w[1])} + ${added < 0 ? `(${fmt(added)})` : fmt(added)} = ${fmt(after[1])}`)
    expect(model.title).toBe(`ConvTranspose2d forward as scatter: x[0,0,0,1] = ${fmt(x.data[1])}`)
  })

  it('row and channel steps stamp a row or a plane at a time, and the frame draws', () => {
    const [, layer, shape] = SETTINGS[0]
    const { family, values } = computeLayer(layer, random(shape, 7))
    expect(familyScene(family, values, 'transposed-scatter', 'row').plan.steps).toBe(2 * 2 * 3)
    const scene = familyScene(family, values, 'transposed-scatter', 'channel')
    expect(scene.plan.steps).toBe(4)
    const ctx = new RecordingContext()
    paintFrame(ctx, scene, 1, { width: 1280, height: 720 })
    expect(ctx.texts).toContain('crop P, + b → y[0,0]')
  })
})

describe('ConvTranspose2d as the Conv2d frames', () => {
  it.each(SETTINGS)("%s: forward = the Conv2d dE/dx frames; its crop plus the bias is core's output", (_, layer, shape) => {
    const { family, values } = computeLayer(layer, random(shape, 7))
    const scene = familyScene(family, values, 'transposed-correlation', 'channel')
    const inner = scene.inner!
    expect(inner.plan.kind).toBe('backward-input')
    const g = family.type === 'conv-transpose2d' ? family.geometry : null!
    const withBias = inner.data.gradInput!.map((v, k) => v + (layer.bias ? layer.bias.data[Math.floor(k / (g.outH * g.outW)) % g.outChannels] : 0))
    expectClose(withBias, values.output)
    const last = frameModel(scene, scene.plan.steps - 1)
    expect(last.title.startsWith('ConvTranspose2d forward = Conv2d dE/dx: y_full[')).toBe(true)
    expect(last.formula[0]).toBe('ConvTranspose2d forward = Conv2d dE/dx: insert S−1 zeros, pad D·(K−1)−P, correlate with rot180(w)')
    const result = last.columns[last.columns.length - 1].panels[1]
    expect(result.title).toMatch(/^crop P, \+ b → y\[/)
    // The last plane's y is the engine's, bias included.
    const [n, o] = [g.batch - 1, g.outChannels - 1]
    expect(result.value(0, 0)).toBe(values.output[(n * g.outChannels + o) * g.outH * g.outW])
    expect(last.columns[0].panels[0].title).toMatch(/^x\[/)
  })

  it.each(SETTINGS)('%s: dE/dx = the Conv2d forward of dE/dy; every step equals core', (_, layer, shape) => {
    const { family, values } = computeLayer(layer, random(shape, 7), (s) => random(s, 9))
    const scene = familyScene(family, values, 'transposed-grad-input', 'cell', { decimals: 3 })
    const inner = scene.inner!
    for (let step = 0; step < scene.plan.steps; step++) {
      const [n, m, i, j] = [
        Math.floor(step / (shape[1] * shape[2] * shape[3])),
        Math.floor(step / (shape[2] * shape[3])) % shape[1],
        Math.floor(step / shape[3]) % shape[2],
        step % shape[3],
      ]
      const trace = traceCell(inner.inputs.input, inner.inputs.weight, null, inner.geometry, { n, m, i, j })
      expect(close(trace.value, values.gradInput![step])).toBe(true)
      const model = frameModel(scene, step)
      expect(model.title).toBe(
        `ConvTranspose2d dE/dx = Conv2d forward of dE/dy: dE/dx[${n},${m},${i},${j}] = ${values
          .gradInput![step].toFixed(3)
          .replace('-', '−')
          .replace(/^−(0\.0+)$/, '$1')}`,
      )
    }
    const model = frameModel(scene, 0)
    expect(model.formula[0]).not.toContain('b[')
    expect(model.columns[0].panels[0].title).toMatch(/^pad\(dE\/dy\)\[/)
  })

  it.each(SETTINGS)("%s: dE/dw = the Conv2d dE/dw frames, x and dE/dy swapped, equal to core's", (_, layer, shape) => {
    const { family, values } = computeLayer(layer, random(shape, 7), (s) => random(s, 9))
    const scene = familyScene(family, values, 'transposed-grad-weight')
    const inner = scene.inner!
    // The frames' own correlation (the partial sums written) agrees with the engine's dE/dw.
    expectClose(gradWeightByCorrelation(inner.data.paddedInput, inner.data.dilated!, inner.geometry), values.gradWeight!)
    const last = frameModel(scene, scene.plan.steps - 1)
    expect(last.title.startsWith('ConvTranspose2d dE/dw = Conv2d dE/dw, x and dE/dy swapped: dE/dw[')).toBe(true)
    expect(last.columns[1].panels[0].title).toMatch(/^x̃\[.*x dilated ×S$/)
    expect(last.formula.at(-1)).toMatch(/^dE\/db = Σn,i,j dE\/dy = \[/)
  })

  it('is named in Spanish too', () => {
    const [, layer, shape] = SETTINGS[0]
    const { family, values } = computeLayer(layer, random(shape, 7), (s) => random(s, 9))
    expect(frameModel(familyScene(family, values, 'transposed-correlation', 'cell', { language: 'es' }), 0).title).toMatch(
      /^ConvTranspose2d hacia adelante = dE\/dx de Conv2d: y_full\[/,
    )
    expect(frameModel(familyScene(family, values, 'transposed-scatter', 'cell', { language: 'es' }), 0).title).toMatch(
      /^ConvTranspose2d hacia adelante como dispersión/,
    )
  })
})
