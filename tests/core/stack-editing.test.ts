// The stack editor's pure parts (src-renderer/src/lib/stack): edits return new stacks with the
// right layers selected, weights keep their values when resized, and the hovered unit's outlines
// match core's receptive fields (the dilated preset sees 31×31 of the input).

import { describe, expect, it } from 'vitest'
import type { Conv2dLayer } from '../../core/layer'
import { planStack } from '../../core/stack'
import {
  addLayer,
  duplicateLayer,
  emptyStack,
  inChannelsOf,
  moveLayer,
  newLayer,
  outChannelsOf,
  presetStack,
  removeLayer,
  replaceLayer,
  resizeWeights,
  stackFromConv,
  withWeightCell,
} from '../../src-renderer/src/lib/stack/edit'
import { fieldGrowth, fieldOutlines, sizeText } from '../../src-renderer/src/lib/stack/fields'
import { layersOnWire } from '../../src-renderer/src/lib/stack/wire'

describe('stack edits', () => {
  it('adds, moves, duplicates and removes layers without touching the stack it was given', () => {
    const empty = emptyStack()
    const one = addLayer(empty, newLayer('conv2d', 3))
    const two = addLayer(one, newLayer('relu', 4))
    const three = addLayer(two, newLayer('max-pool2d', 4), 0)
    expect(empty.layers).toHaveLength(0)
    expect(three.layers.map((l) => l.type)).toEqual(['conv2d', 'max-pool2d', 'relu'])
    expect(three.selected).toBe(1)
    const moved = moveLayer(three, 1, 1)
    expect(moved.layers.map((l) => l.type)).toEqual(['conv2d', 'relu', 'max-pool2d'])
    expect(moved.selected).toBe(2)
    expect(moveLayer(moved, 2, 1)).toBe(moved)
    const copied = duplicateLayer(moved, 0)
    expect(copied.layers.map((l) => l.type)).toEqual(['conv2d', 'conv2d', 'relu', 'max-pool2d'])
    const [a, b] = copied.layers as Conv2dLayer[]
    expect(b.weight.data).toEqual(a.weight.data)
    expect(b.weight.data).not.toBe(a.weight.data)
    const removed = removeLayer(copied, 3)
    expect(removed.layers).toHaveLength(3)
    expect(removed.selected).toBe(2)
    expect(removeLayer(removeLayer(removeLayer(removed, 0), 0), 0)).toEqual({ layers: [], selected: 0, active: true })
  })

  it('makes every kind for the channels it receives', () => {
    const conv = newLayer('conv2d', 3) as Conv2dLayer
    expect(conv.weight.shape).toEqual([4, 3, 3, 3])
    const transposed = newLayer('conv-transpose2d', 4)
    expect(inChannelsOf(transposed as Conv2dLayer)).toBe(4)
    expect(newLayer('leaky-relu', 1)).toEqual({ type: 'leaky-relu', negativeSlope: 0.01 })
    const plan = planStack([conv, newLayer('relu', 4), transposed, newLayer('avg-pool2d', 4)], [1, 3, 8, 8])
    expect(plan.failure).toBeNull()
    expect(plan.plans.map((p) => p.outputShape)).toEqual([
      [1, 4, 8, 8],
      [1, 4, 8, 8],
      [1, 4, 16, 16],
      [1, 4, 8, 8],
    ])
  })

  it('keeps weight values when a kernel grows and names the first layer that cannot take its input', () => {
    const conv = newLayer('conv2d', 1) as Conv2dLayer
    const edited = withWeightCell(conv, 2, 0, 1, 1, 5)
    const grown = resizeWeights(edited, { kernel: [5, 5], outChannels: 6 }) as Conv2dLayer
    expect(grown.weight.shape).toEqual([6, 1, 5, 5])
    expect(grown.weight.data[((2 * 1 + 0) * 5 + 1) * 5 + 1]).toBe(5)
    expect(grown.bias?.data.length).toBe(6)
    expect(outChannelsOf(grown)).toBe(6)
    // a conv expecting 1 channel after one giving 6: refused with the reason, the first still planned
    const stack = addLayer(addLayer(emptyStack(), grown), newLayer('conv2d', 1))
    const plan = planStack(stack.layers, [1, 1, 9, 9])
    expect(plan.plans).toHaveLength(1)
    expect(plan.failure?.code).toBe('stack-layer')
    expect(plan.failure?.params.index).toBe(1)
    const fitted = replaceLayer(stack, 1, resizeWeights(stack.layers[1] as Conv2dLayer, { inChannels: 6 }))
    expect(planStack(fitted.layers, [1, 1, 9, 9]).failure).toBeNull()
  })

  it('turns the explorer conv into a stack of one and presets into open stacks for the input channels', () => {
    const weight = { shape: [2, 3, 3, 3], data: new Float64Array(54).fill(0.5) }
    const stack = stackFromConv(weight, new Float64Array([1, 2]), { stride: 2, padding: 1 })
    expect(stack.layers).toHaveLength(1)
    expect((stack.layers[0] as Conv2dLayer).weight.data).not.toBe(weight.data)
    expect(stack.active).toBe(true)
    for (const channels of [1, 3]) {
      const preset = presetStack('encoder-decoder', channels)
      const plan = planStack(preset.layers, [1, channels, 32, 32])
      expect(plan.failure).toBeNull()
      expect(plan.plans.at(-1)?.outputShape).toEqual([1, channels, 32, 32])
    }
  })
})

describe('receptive-field outlines', () => {
  it('outlines 31×31 on the input for a unit of the dilated preset’s last layer', () => {
    const stack = presetStack('dilated', 3)
    const plan = planStack(stack.layers, [1, 3, 64, 64])
    const last = stack.layers.length - 1
    const outlines = fieldOutlines(stack.layers, plan, { layer: last, n: 0, c: 0, row: 32, col: 32 })
    const input = outlines.find((o) => o.on === -1)!
    expect(input.size).toEqual([31, 31])
    expect(input.rows).toEqual([17, 47])
    expect(input.cols).toEqual([17, 47])
    // one outline per map before it and the unit itself
    expect(outlines.map((o) => o.on)).toEqual([-1, ...stack.layers.map((_, k) => k)])
    // near the border the outline is clipped to the map
    const corner = fieldOutlines(stack.layers, plan, { layer: last, n: 0, c: 0, row: 0, col: 0 })[0]
    expect(corner.rows).toEqual([0, 15])
    expect(sizeText(fieldGrowth(stack.layers, plan).at(-1)!.size)).toBe('31×31')
  })

  it('lists the exact cells once a transposed layer is on the way', () => {
    const stack = presetStack('encoder-decoder', 1)
    const plan = planStack(stack.layers, [1, 1, 16, 16])
    const outlines = fieldOutlines(stack.layers, plan, { layer: 6, n: 0, c: 0, row: 5, col: 5 })
    const input = outlines.find((o) => o.on === -1)!
    expect(input.box).toBe(false)
    expect(input.cells?.rows.length).toBeGreaterThan(0)
    expect(input.rows[0]).toBe(input.cells!.rows[0])
  })

  it('puts tensors on the wire as payloads with the options kept', () => {
    const [conv, relu] = presetStack('vgg-block', 3).layers
    const wire = layersOnWire([conv, relu])
    expect(wire[0]).toMatchObject({ type: 'conv2d', padding: 1, weight: { shape: [16, 3, 3, 3] } })
    expect(wire[1]).toEqual({ type: 'relu' })
  })
})
