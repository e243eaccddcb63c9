// The ReLU passes fused with display maps (src-main/engine/stack-relu-maps.ts) give core's
// activation values and toMapStack's maps bit for bit, at every map size, on odd shapes whose
// last box is partial, and dE/dx's sums per channel within 1e-12 of core's; a tensor with NaN or
// ±∞ is answered null (the caller takes core's loops).

import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { activationBackward, activationForward, convGeometry, normalTensor, seededSource, sumPerChannel } from '../../core'
import type { MapStack } from '../../contract'
import { toMapStack } from '../../src-main/engine/map-stack'
import { reluBackwardWithMaps, reluForwardWithMaps } from '../../src-main/engine/stack-relu-maps'

function sameMaps(actual: MapStack, expected: MapStack): void {
  expect(actual.shape).toEqual(expected.shape)
  expect([actual.displayH, actual.displayW]).toEqual([expected.displayH, expected.displayW])
  // Object.is: the same float32 bits, −0 included
  expect(actual.data.every((v, i) => Object.is(v, expected.data[i]))).toBe(true)
  expect([...actual.min]).toEqual([...expected.min])
  expect([...actual.max]).toEqual([...expected.max])
  expect([...actual.nonFinite]).toEqual([...expected.nonFinite])
}

const sameValues = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]))

describe('ReLU fused with its maps', () => {
  const source = seededSource(13)
  const shapes: Array<[number, number, number, number]> = [
    [1, 3, 37, 53],
    [2, 2, 64, 64],
    [1, 1, 5, 9],
  ]
  it.each(shapes.flatMap((shape) => [0, 4, 16, 25, 64].map((side) => [shape, side] as const)))('%j at maxSide %i', (shape, side) => {
    const x = normalTensor(shape, source)
    // exact zeros and negative zeros too (ReLU'(0) = 0, and −0 → 0)
    x.data[0] = 0
    x.data[1] = -0
    const y = new Float64Array(x.data.length)
    const forward = reluForwardWithMaps(x, y, side)!
    const expected = activationForward('relu', x.data)
    expect(sameValues(y, expected)).toBe(true)
    sameMaps(forward.inputMaps, toMapStack(x, side))
    sameMaps(forward.outputMaps, toMapStack({ shape, data: expected }, side))

    const g = normalTensor(shape, source)
    const gradInput = new Float64Array(g.data.length)
    const backward = reluBackwardWithMaps(g, expected, gradInput, side)!
    const expectedGrad = activationBackward('relu', g.data, x.data, expected)
    expect(sameValues(gradInput, expectedGrad)).toBe(true)
    sameMaps(backward.gradOutputMaps, toMapStack(g, side))
    sameMaps(backward.gradInputMaps, toMapStack({ shape, data: expectedGrad }, side))
    // dE/dx per channel over the batch: core's sumPerChannel in another order
    const geometry = convGeometry([shape[0], shape[1], shape[2], shape[3]], [shape[1], shape[1], 1, 1], {}, shape[1])
    const sums = sumPerChannel(expectedGrad, geometry)
    expect(backward.channelSums).toHaveLength(shape[1])
    backward.channelSums.forEach((sum, c) => expect(Math.abs(sum - sums[c])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(sums[c]))))
  })

  it.each([NaN, Infinity, -Infinity])('answers null for a tensor holding %f', (bad) => {
    const shape: [number, number, number, number] = [1, 2, 8, 8]
    const x: Tensor = normalTensor(shape, source)
    x.data[77] = bad
    expect(reluForwardWithMaps(x, new Float64Array(x.data.length), 4)).toBeNull()
    const y = activationForward('relu', normalTensor(shape, source).data)
    expect(reluBackwardWithMaps(x, y, new Float64Array(x.data.length), 4)).toBeNull()
  })
})
