// MaxPool2d and AvgPool2d frames: the winner marked is PyTorch's argmax (fixtures with ties,
// plateaus and a NaN, made by tests/frames/fixtures/generate-family.py), ties are explained, each
// dE/dy is routed to its argmax and overlaps accumulate to core's dE/dx (1e-12); the average is
// the window's sum over its divisor, edge divisors explained, and its spread ends in core's dE/dx.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { AvgPool2dLayer, MaxPool2dLayer } from '../../core'
import { avgPoolDivisors } from '../../core'
import { frameModel, paintFrame } from '../../frames'
import { poolGradSoFar } from '../../frames/family-pool'
import { RecordingContext } from './helpers'
import { close, computeLayer, expectClose, familyScene, random } from './family-helpers'

interface TorchCase {
  options: { kernel_size: number; stride?: number; padding?: number; ceil_mode?: boolean }
  shape: number[]
  x: Array<number | null>
  y: Array<number | null>
  indices: number[]
}
const { cases } = JSON.parse(readFileSync('tests/frames/fixtures/max-pool-ties.json', 'utf8')) as { cases: TorchCase[] }

function maxLayer(c: TorchCase): MaxPool2dLayer {
  return { type: 'max-pool2d', kernelSize: c.options.kernel_size, stride: c.options.stride, padding: c.options.padding, ceilMode: c.options.ceil_mode }
}
const tensorOf = (c: TorchCase) => ({ shape: c.shape, data: Float64Array.from(c.x, (v) => (v === null ? NaN : v)) })

describe('MaxPool2d frames', () => {
  it.each(cases.map((c, k) => [k, c] as const))("case %i: every step marks PyTorch's argmax and shows its maximum", (_, c) => {
    const { family, values } = computeLayer(maxLayer(c), tensorOf(c), (shape) => random(shape, 2))
    expect(Array.from(values.indices!)).toEqual(c.indices)
    const scene = familyScene(family, values, 'max-forward')
    const g = family.type === 'max-pool2d' ? family.geometry : null!
    for (let step = 0; step < scene.plan.steps; step++) {
      const model = frameModel(scene, step)
      const input = model.columns[0].panels[0]
      const index = c.indices[step]
      expect(input.written).toEqual([[Math.floor(index / g.inW) + g.padH, (index % g.inW) + g.padW]])
      expect(model.formula[1]).toMatch(new RegExp(`= ${index}$`))
      const y = c.y[step]
      expect(model.title.endsWith(y === null ? '= ' : `= ${y.toFixed(2)}`)).toBe(true)
    }
  })

  it('a plateau of equal maxima is explained: the first in row-major order wins', () => {
    const c = cases[0]
    const scene = familyScene(...(Object.values(computeLayer(maxLayer(c), tensorOf(c))) as [never, never]), 'max-forward')
    // Window (0,0) holds 1, 3 / 3, 3: three 3s, PyTorch keeps x[0,0,0,1].
    const model = frameModel(scene, 0)
    expect(model.formula[2]).toBe(
      'tie: x[0,0,0,1] = x[0,0,1,0] = x[0,0,1,1]: PyTorch keeps the first in row-major order (only a larger value or a NaN replaces it)',
    )
    expect(model.columns[0].panels[0].outlines!.filter((o) => o.dashed)).toHaveLength(2)
    const es = familyScene(...(Object.values(computeLayer(maxLayer(c), tensorOf(c))) as [never, never]), 'max-forward', 'cell', { language: 'es' })
    expect(frameModel(es, 0).formula[2]).toMatch(/^empate: .*PyTorch se queda con el primero en orden de filas/)
  })

  it('a NaN in the window wins, and the frame says so', () => {
    const c = cases[3]
    const scene = familyScene(...(Object.values(computeLayer(maxLayer(c), tensorOf(c))) as [never, never]), 'max-forward')
    const model = frameModel(scene, 0)
    expect(model.formula).toContain('a NaN wins over any number')
    expect(model.title).toBe('MaxPool2d forward: y[0,0,0,0] = ')
  })

  it('padding is −∞ and never wins; the frame says so', () => {
    const c = cases[1]
    const scene = familyScene(...(Object.values(computeLayer(maxLayer(c), tensorOf(c))) as [never, never]), 'max-forward')
    const model = frameModel(scene, 0)
    expect(model.columns[0].panels[0].value(0, 0)).toBe(-Infinity)
    expect(model.formula.at(-1)).toBe('padding is −∞: never the maximum')
  })

  it.each(cases.map((c, k) => [k, c] as const))("case %i: routing each dE/dy to its argmax ends in core's dE/dx; overlaps accumulate", (_, c) => {
    const { family, values } = computeLayer(maxLayer(c), tensorOf(c), (shape) => random(shape, 2))
    const scene = familyScene(family, values, 'max-backward', 'cell', { decimals: 6 })
    expectClose(poolGradSoFar(scene as never, scene.plan.units), values.gradInput!)
    if (c === cases[0]) {
      // x[0,0,2,2] (flat 10) is the argmax of outputs 4, 5, 7 and 8: output 5 adds to output 4's share.
      const dy = values.gradOutput!
      const model = frameModel(scene, 5)
      const fmt = (v: number) => v.toFixed(6).replace('-', '−')
      const added = dy[5] < 0 ? `(${fmt(dy[5])})` : fmt(dy[5])
      expect(model.formula[1]).toBe(`dE/dx[0,0,2,2] = ${fmt(dy[4])} + ${added} = ${fmt(dy[4] + dy[5])}`)
    }
  })
})

describe('AvgPool2d frames', () => {
  const LAYERS: Array<[string, AvgPool2dLayer]> = [
    ['count_include_pad', { type: 'avg-pool2d', kernelSize: 3, stride: 2, padding: 1 }],
    ['count_include_pad=False, ceil mode', { type: 'avg-pool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
    ['ceil mode, a window past input + padding', { type: 'avg-pool2d', kernelSize: [2, 3], stride: 2, ceilMode: true }],
    ['divisor_override', { type: 'avg-pool2d', kernelSize: 2, stride: 1, divisorOverride: 3 }],
  ]
  it.each(LAYERS)("%s: the written sum over the divisor is core's output; the backward spread ends in core's dE/dx", (_, layer) => {
    const x = random([2, 2, 5, 6], 3)
    const { family, values } = computeLayer(layer, x, (shape) => random(shape, 4))
    const g = family.type === 'avg-pool2d' ? family.geometry : null!
    const divisors = avgPoolDivisors(g)
    const scene = familyScene(family, values, 'avg-forward')
    for (let step = 0; step < scene.plan.steps; step++) {
      const model = frameModel(scene, step)
      const input = model.columns[0].panels[0]
      const sum = input.marked!.reduce((s, [r, c]) => s + input.value(r, c), 0)
      expect(close(sum / divisors[step % (g.outH * g.outW)], values.output[step])).toBe(true)
      expect(model.formula[1]).toMatch(new RegExp(`^divisor = .* = ${divisors[step % (g.outH * g.outW)]}`))
    }
    const backward = familyScene(family, values, 'avg-backward', 'row')
    expectClose(poolGradSoFar(backward as never, backward.plan.units), values.gradInput!)
  })

  it('edge windows say how their divisor is counted', () => {
    const x = random([1, 1, 5, 5], 3)
    const exclude = computeLayer(LAYERS[1][1], x)
    // Window (0,0) covers one padding row and column: 2·2 real cells.
    expect(frameModel(familyScene(exclude.family, exclude.values, 'avg-forward'), 0).formula[1]).toBe(
      'divisor = 2·2 = 4   (count_include_pad=False: real input cells of the window)',
    )
    const include = computeLayer(LAYERS[2][1], x)
    // 5 rows, kernel 2, stride 2, ceil mode: window (2,0) starts at row 4 and hangs past the input.
    expect(frameModel(familyScene(include.family, include.values, 'avg-forward'), 4).formula[1]).toBe(
      'divisor = 1·3 = 3   (count_include_pad: cells of the window inside input + padding; the window hangs past input + padding (ceil mode): those cells count nowhere)',
    )
    const ctx = new RecordingContext()
    paintFrame(ctx, familyScene(include.family, include.values, 'avg-forward', 'cell', { language: 'es' }), 4, { width: 960, height: 540 })
    expect(ctx.texts).toContain('divisores')
  })
})
