// A stack's Conv2d with its display maps, and a ReLU next to it, made on the kernel threads
// (core/fast/mapped-plans.ts through the two-thread runner): the same y, dE/dx, dE/dw as the plain
// passes, core's ReLU values and toMapStack's maps bit for bit, at every map size (full size,
// 2 × 2 boxes, odd boxes, partial last boxes), with NaN and ±∞, and the backward declined where
// dE/dx is not the covered part's interior.

import { afterAll, describe, expect, it } from 'vitest'
import type { Conv2dOptions, Tensor } from '../../core'
import { activationBackward, activationForward, convGeometry, normalTensor, seededSource } from '../../core'
import type { PlaneMaps } from '../../core/fast'
import { backwardMappable } from '../../core/fast'
import { toMapStack } from '../../src-main/engine/map-stack'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'

enableRelaxedSimd()
const runner = await createParallelRunner({ threads: 2 })
afterAll(() => runner.close())

const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]))

function sameMaps(actual: PlaneMaps, values: Tensor, maxSide: number, what: string): void {
  const expected = toMapStack(values, maxSide)
  expect([actual.displayH, actual.displayW], what).toEqual([expected.displayH, expected.displayW])
  // Object.is: the same float32 bits, −0 included
  expect(sameValues(actual.data, expected.data), `${what} means`).toBe(true)
  expect([...actual.min], `${what} min`).toEqual([...expected.min])
  expect([...actual.max], `${what} max`).toEqual([...expected.max])
  expect([...actual.nonFinite], `${what} NaN/±∞`).toEqual([...expected.nonFinite])
}

interface Case {
  name: string
  x: [number, number, number, number]
  w: [number, number, number, number]
  options: Conv2dOptions
}

const cases: Case[] = [
  { name: 'VGG-like 3→4, padding 1', x: [1, 3, 37, 53], w: [4, 3, 3, 3], options: { padding: 1 } },
  { name: 'batch 2, 5×5, padding 2', x: [2, 2, 30, 31], w: [5, 2, 5, 5], options: { padding: 2 } },
  { name: 'stride 2, padding 1 (even input)', x: [1, 2, 32, 34], w: [3, 2, 3, 3], options: { padding: 1, stride: 2 } },
  { name: 'dilation 2, padding 2', x: [1, 3, 21, 20], w: [6, 3, 3, 3], options: { padding: 2, dilation: 2 } },
  { name: 'groups 2, no padding', x: [1, 4, 19, 23], w: [4, 2, 3, 3], options: { groups: 2 } },
]
// full size, 2 × 2 boxes (27 on the 53-wide output), odd and partial boxes
const sides = [0, 4, 9, 16, 27, 128]

describe('a Conv2d with its maps (and a ReLU) on the kernel threads', () => {
  const source = seededSource(31)

  it.each(cases.flatMap((c) => sides.map((side) => [c.name, side, c] as const)))('%s, maxSide %i: forward', async (_, side, c) => {
    const x = normalTensor(c.x, source)
    const w = normalTensor(c.w, source)
    const b = normalTensor([c.w[0]], source)
    const g = convGeometry(c.x, c.w, c.options, c.w[0])
    const shape: [number, number, number, number] = [g.batch, g.outChannels, g.outH, g.outW]
    const plain = (await runner.forward(x.data, w.data, b.data, g, 'f64')) as Float64Array
    for (const relu of [false, true]) {
      const mapped = await runner.forwardMapped!(x.data, w.data, b.data, g, side, relu)
      expect(sameValues(mapped.output.data, plain), 'y').toBe(true)
      sameMaps(mapped.output.maps, { shape, data: plain }, side, 'maps of y')
      if (!relu) expect(mapped.relu).toBeNull()
      else {
        const expected = activationForward('relu', plain)
        expect(sameValues(mapped.relu!.data, expected), 'relu(y)').toBe(true)
        sameMaps(mapped.relu!.maps, { shape, data: expected }, side, 'maps of relu(y)')
      }
    }
  })

  it.each(cases.flatMap((c) => sides.map((side) => [c.name, side, c] as const)))('%s, maxSide %i: backward', async (_, side, c) => {
    // x is a ReLU's output: zeros (and −0) where the mask is closed
    const x = { shape: c.x, data: activationForward('relu', normalTensor(c.x, source).data) }
    x.data[1] = -0
    const w = normalTensor(c.w, source)
    const g = convGeometry(c.x, c.w, c.options, c.w[0])
    const gradOutput = normalTensor([g.batch, g.outChannels, g.outH, g.outW], source)
    const inputShape = c.x
    for (const weight of [true, false]) {
      const wants = { input: true, weight, bias: false }
      expect(backwardMappable(g, wants)).toBe(true)
      const plain = await runner.backward(x.data, w.data, gradOutput.data, g, 'f64', wants)
      for (const relu of [false, true]) {
        const mapped = await runner.backwardMapped!(x.data, w.data, gradOutput.data, g, wants, side, relu)!
        expect(sameValues(mapped.gradInput, plain.gradInput!), 'dE/dx').toBe(true)
        if (weight) expect(sameValues(mapped.gradWeight!, plain.gradWeight!), 'dE/dw').toBe(true)
        sameMaps(mapped.gradInputMaps, { shape: inputShape, data: plain.gradInput as Float64Array }, side, 'maps of dE/dx')
        if (!relu) expect(mapped.relu).toBeNull()
        else {
          // the ReLU before: its output is x, its dE/dy this dE/dx
          const expected = activationBackward('relu', plain.gradInput as Float64Array, new Float64Array(0), x.data)
          expect(sameValues(mapped.relu!.data, expected), `ReLU's dE/dx (weights ${weight})`).toBe(true)
          sameMaps(mapped.relu!.maps, { shape: inputShape, data: expected }, side, "maps of the ReLU's dE/dx")
        }
      }
    }
  })

  it.each([NaN, Infinity, -Infinity])('forward with %f in x: core ReLU values, maps counting it', async (bad) => {
    const c = cases[0]
    const x = normalTensor(c.x, source)
    x.data[100] = bad
    const w = normalTensor(c.w, source)
    const g = convGeometry(c.x, c.w, c.options)
    const shape: [number, number, number, number] = [g.batch, g.outChannels, g.outH, g.outW]
    const mapped = await runner.forwardMapped!(x.data, w.data, null, g, 9, true)
    const expected = activationForward('relu', mapped.output.data)
    expect(sameValues(mapped.relu!.data, expected)).toBe(true)
    sameMaps(mapped.output.maps, { shape, data: mapped.output.data }, 9, 'maps of y')
    sameMaps(mapped.relu!.maps, { shape, data: expected }, 9, 'maps of relu(y)')
    expect(mapped.output.maps.nonFinite.some((count) => count > 0)).toBe(true)
  })

  it.each([NaN, Infinity])('backward with %f in dE/dy: leaves the ReLU to core (null), maps counting it', async (bad) => {
    const c = cases[0]
    const x = { shape: c.x, data: activationForward('relu', normalTensor(c.x, source).data) }
    const w = normalTensor(c.w, source)
    const g = convGeometry(c.x, c.w, c.options)
    const gradOutput = normalTensor([g.batch, g.outChannels, g.outH, g.outW], source)
    gradOutput.data[40] = bad
    const wants = { input: true, weight: true, bias: false }
    const mapped = await runner.backwardMapped!(x.data, w.data, gradOutput.data, g, wants, 9, true)!
    expect(mapped.relu).toBeNull()
    sameMaps(mapped.gradInputMaps, { shape: c.x, data: mapped.gradInput }, 9, 'maps of dE/dx')
    expect(mapped.gradInputMaps.nonFinite.some((count) => count > 0)).toBe(true)
  })

  it('declines a backward whose dE/dx is not the covered interior (other padding, uncovered cells, no dE/dx)', () => {
    const x = normalTensor([1, 2, 9, 9], source)
    const w = normalTensor([2, 2, 3, 3], source)
    const reflect = convGeometry(x.shape, w.shape, { padding: 1, paddingMode: 'reflect' })
    // stride 2 over 10 columns with no padding: the last column reaches no output
    const uncovered = convGeometry([1, 2, 10, 10], w.shape, { stride: 2 })
    const plain = convGeometry(x.shape, w.shape, { padding: 1 })
    expect(backwardMappable(reflect, { input: true })).toBe(false)
    expect(backwardMappable(uncovered, { input: true })).toBe(false)
    expect(backwardMappable(plain, { input: false, weight: true })).toBe(false)
    expect(backwardMappable(plain, { input: true })).toBe(true)
    expect(runner.backwardMapped!(x.data, w.data, new Float64Array(2 * 81), reflect, { input: true }, 4, true)).toBeNull()
  })
})
