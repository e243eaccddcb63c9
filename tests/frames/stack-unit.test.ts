// frames/stack-unit.ts: the backward animation from one unit keeps the layers up to the unit's
// and cuts every map to the window around the unit's receptive field (the field and as much
// again each side, at least 12 cells), the cut cells being the whole map's; the maps come whole
// while the stack is small and box-averaged to FIELD_MAP_SIDE once it is large.

import { describe, expect, it } from 'vitest'
import type { Layer } from '../../core'
import { normalTensor, planStack, seededSource, stackBackward, stackForward } from '../../core'
import { FIELD_MAP_SIDE, fieldSide, unitSceneData } from '../../frames/stack-unit'
import { stackOf } from '../../src-renderer/src/lib/maps/stack'

const source = seededSource(5)
const input = normalTensor([1, 2, 40, 40], source)
const layers: Layer[] = [
  { type: 'conv2d', weight: normalTensor([3, 2, 3, 3], source), bias: null, padding: 1 },
  { type: 'relu' },
  { type: 'max-pool2d', kernelSize: 2 },
  { type: 'conv2d', weight: normalTensor([2, 3, 3, 3], source), bias: null, padding: 1 },
  { type: 'relu' },
]

describe('unitSceneData', () => {
  it('keeps the layers up to the unit’s and cuts each map to the window around the unit’s field', () => {
    const unit = { layer: 3, n: 0, c: 1, row: 5, col: 12 }
    const forward = stackForward(layers, input)
    const grads = stackBackward(layers, forward, { kind: 'unit', layer: unit.layer, unit: [0, 1, 5, 12] })
    const whole = {
      input: stackOf(input, 0),
      outputs: forward.layers.map((l) => stackOf(l.output)),
      gradOutputs: grads.gradOutputs.map((g) => (g ? stackOf(g) : null)),
      gradInput: stackOf(grads.gradInput),
      gradWeights: grads.gradWeights,
    }
    const data = unitSceneData(layers, forward.plan, unit, whole)
    expect(data.layers).toHaveLength(4)
    expect(data.outputs).toHaveLength(4)
    expect(data.gradOutputs).toHaveLength(4)
    // on the 20×20 output of the unit's layer: the unit, 12 cells a side around it (rows 0..11, columns 6..17)
    const own = data.outputs[3]
    expect([own.shape[2], own.shape[3], own.displayH, own.displayW]).toEqual([12, 12, 12, 12])
    const full = whole.outputs[3]
    expect(own.data[(1 * 12 + 5) * 12 + 6]).toBe(full.data[(1 * 20 + 5) * 20 + 12])
    // on the input: input rows 7..14 and columns 21..28 reach the unit; 24 cells a side around them, inside the 40×40 map
    const cut = data.gradInput!
    expect([cut.shape[2], cut.shape[3]]).toEqual([24, 24])
    // rows 0..23, columns 13..36: every cell the field reaches is in the window, with the whole map's value
    for (let c = 0; c < 2; c++)
      for (let r = 0; r < 24; r++) for (let k = 0; k < 24; k++) expect(cut.data[(c * 24 + r) * 24 + k]).toBe(whole.gradInput.data[(c * 40 + r) * 40 + 13 + k])
    // and nothing outside it is non-zero: the window holds the whole effective field
    let inside = 0
    let total = 0
    for (const v of Array.from(cut.data)) inside += Math.abs(v)
    for (const v of whole.gradInput.data) total += Math.abs(v)
    expect(inside).toBeGreaterThan(0)
    expect(inside).toBeCloseTo(total, 5)
  })

  it('asks for whole maps on a small stack and for FIELD_MAP_SIDE ones on a large one', () => {
    expect(fieldSide(planStack(layers, [1, 2, 40, 40]))).toBe(0)
    // every output and its gradient: 2 × (3 + 3) · 1000² values alone pass 3 000 000
    expect(fieldSide(planStack(layers, [1, 2, 1000, 1000]))).toBe(FIELD_MAP_SIDE)
  })
})
