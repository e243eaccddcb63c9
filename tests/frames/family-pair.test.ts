// The Conv2d ↔ ConvTranspose2d frames: with the same w, the Conv2d's dE/dx at dE/dy = x equals
// ConvTranspose2d(x) − b to 1e-12 (both computed as one-layer stacks, as the engine does), shown
// step by step, the shapes going down and back up.
import { describe, expect, it } from 'vitest'
import type { ConvTranspose2dLayer, Layer } from '../../core'
import { layerBackward, layerForward, planLayer } from '../../core'
import { frameModel } from '../../frames'
import { pairDifference } from '../../frames/family-pair'
import { computeLayer, familyScene, random } from './family-helpers'

function withPair(layer: ConvTranspose2dLayer, shape: number[]) {
  const x = random(shape, 5)
  const { family, values } = computeLayer(layer, x)
  const conv: Layer = {
    type: 'conv2d',
    weight: layer.weight,
    bias: null,
    stride: layer.stride,
    padding: layer.padding,
    dilation: layer.dilation,
    groups: layer.groups,
  }
  const u = { shape: planLayer(layer, shape).outputShape, data: values.output }
  const plan = planLayer(conv, u.shape)
  const forward = layerForward(conv, plan, u)
  values.pair = { convOutput: forward.output.data, convGradInput: layerBackward(conv, plan, u, forward, x, undefined, false).gradInput.data }
  return { family, values }
}

describe('Conv2d ↔ ConvTranspose2d', () => {
  it.each([
    ['stride 2, padding 1, output padding 1', { stride: 2, padding: 1, outputPadding: 1 }, [1, 2, 3, 3]],
    ['groups and dilation', { stride: 2, dilation: 2, groups: 2 }, [2, 4, 3, 2]],
  ] as const)('%s: the numbers are equal side by side', (_, options, shape) => {
    const groups = 'groups' in options ? options.groups : 1
    const layer: ConvTranspose2dLayer = {
      type: 'conv-transpose2d',
      weight: random([shape[1], 3, 3, 3], 1),
      bias: random([3 * groups], 2),
      ...options,
    }
    const { family, values } = withPair(layer, [...shape])
    const scene = familyScene(family, values, 'conv-vs-transposed')
    expect(scene.plan.steps).toBe(3)
    expect(pairDifference(scene as never)).toBeLessThanOrEqual(1e-12 * Math.max(1, ...Array.from(values.output, Math.abs)))
    const start = frameModel(scene, -1)
    expect(Number.isNaN(start.columns[3].panels[0].value(0, 0))).toBe(true)
    expect(start.formula).toEqual([])
    const last = frameModel(scene, 2)
    const [transposedPanel, gradPanel] = [last.columns[2].panels[1], last.columns[3].panels[0]]
    for (let r = 0; r < transposedPanel.rows; r++)
      for (let c = 0; c < transposedPanel.cols; c++) expect(Math.abs(transposedPanel.value(r, c) - gradPanel.value(r, c))).toBeLessThanOrEqual(1e-12)
    expect(last.formula[2]).toBe("ConvTranspose2d's forward is Conv2d's backward (dE/dx), and its dE/dx is Conv2d's forward")
    expect(last.formula[0]).toMatch(/^Conv2d: \(\d+,\d+,\d+,\d+\) → \(/)
    expect(frameModel(familyScene(family, values, 'conv-vs-transposed', 'cell', { language: 'es' }), 2).formula[2]).toMatch(
      /^la pasada hacia adelante de ConvTranspose2d/,
    )
  })

  it('needs the Conv2d pair: without it there is no scene', async () => {
    const { makeFamilyScene } = await import('../../frames')
    const layer: ConvTranspose2dLayer = { type: 'conv-transpose2d', weight: random([1, 1, 2, 2], 1), bias: null, stride: 2 }
    const { family, values } = computeLayer(layer, random([1, 1, 2, 2], 3))
    expect(makeFamilyScene(family, values, 'conv-vs-transposed', 'cell', { colourMap: 'viridis', language: 'en', decimals: 2 })).toBeNull()
  })
})
