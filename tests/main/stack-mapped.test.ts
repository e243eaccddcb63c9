// A stack's Conv2d with its display maps, and a ReLU next to it, made on the kernel threads
// (core/fast/mapped-plans.ts through the two-thread runner): the same y, dE/dx, dE/dw as the plain
// passes, core's ReLU values and toMapStack's maps bit for bit, at every map size (full size,
// 2 × 2 boxes, odd boxes, partial last boxes), with NaN and ±∞, and the backward declined where
// dE/dx is not the covered part's interior.

import { afterAll, describe, expect, it } from 'vitest'
import type { Conv2dOptions, Layer, Tensor } from '../../core'
import {
  activationBackward,
  activationForward,
  convGeometry,
  normalTensor,
  seededSource,
  stackBackward,
  stackForward,
  stackPreset,
  sumPerChannel,
} from '../../core'
import type { StackComputeRequest } from '../../contract'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import type { ConvKernel } from '../../src-main/engine/kernel'
import type { KeptStack } from '../../src-main/engine/stack-compute'
import { runStack } from '../../src-main/engine/stack-compute'
import type { PlaneMaps } from '../../core/fast'
import { backwardMappable } from '../../core/fast'
import { toMapStack } from '../../src-main/engine/map-stack'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'

enableRelaxedSimd()
const runner = await createParallelRunner({ threads: 2 })
const kernel = await createFastKernel({ threads: 2 })
afterAll(() => {
  kernel.cancel?.()
  return runner.close()
})

/** The same values over a SharedArrayBuffer: a stack's tensors, which the kernel threads pack themselves. */
function sharedCopy(values: Float64Array): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.length * 8))
  copy.set(values)
  return copy
}

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
const seeds = seededSource(31)
const source = () => seeds

describe('a Conv2d with its maps (and a ReLU) on the kernel threads', () => {
  it.each(cases.flatMap((c) => sides.map((side) => [c.name, side, c] as const)))('%s, maxSide %i: forward', async (_, side, c) => {
    const x = normalTensor(c.x, source())
    const w = normalTensor(c.w, source())
    const b = normalTensor([c.w[0]], source())
    const g = convGeometry(c.x, c.w, c.options, c.w[0])
    const shape: [number, number, number, number] = [g.batch, g.outChannels, g.outH, g.outW]
    const plain = (await runner.forward(x.data, w.data, b.data, g, 'f64')) as Float64Array
    // packed by this thread, and (shared memory) by the kernel threads
    for (const [relu, input] of [false, true].flatMap((relu) => [x.data, sharedCopy(x.data)].map((input) => [relu, input] as const))) {
      const mapped = await runner.forwardMapped!(input, w.data, b.data, g, side, relu)
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
    const x = { shape: c.x, data: activationForward('relu', normalTensor(c.x, source()).data) }
    x.data[1] = -0
    const w = normalTensor(c.w, source())
    const g = convGeometry(c.x, c.w, c.options, c.w[0])
    const gradOutput = normalTensor([g.batch, g.outChannels, g.outH, g.outW], source())
    const inputShape = c.x
    for (const weight of [true, false]) {
      const wants = { input: true, weight, bias: false }
      expect(backwardMappable(g, wants)).toBe(true)
      const plain = await runner.backward(x.data, w.data, gradOutput.data, g, 'f64', wants)
      // shared memory first: what the kernel threads copy in must not find this case's values there already
      for (const [relu, input, upstream] of [false, true].flatMap((relu) =>
        [
          [sharedCopy(x.data), sharedCopy(gradOutput.data)],
          [x.data, gradOutput.data],
        ].map(([input, upstream]) => [relu, input, upstream] as const),
      )) {
        const mapped = await runner.backwardMapped!(input, w.data, upstream, g, wants, side, relu)!
        expect(sameValues(mapped.gradInput, plain.gradInput!), 'dE/dx').toBe(true)
        if (weight) expect(sameValues(mapped.gradWeight!, plain.gradWeight!), 'dE/dw').toBe(true)
        sameMaps(mapped.gradInputMaps, { shape: inputShape, data: plain.gradInput as Float64Array }, side, 'maps of dE/dx')
        if (!relu) expect(mapped.relu).toBeNull()
        else {
          // the ReLU before: its output is x, its dE/dy this dE/dx
          const expected = activationBackward('relu', plain.gradInput as Float64Array, new Float64Array(0), x.data)
          expect(sameValues(mapped.relu!.data, expected), `ReLU's dE/dx (weights ${weight})`).toBe(true)
          // summed per channel as core sums a Conv2d's dE/db, bit for bit
          const [batch, channels, height, width] = inputShape
          const sums = sumPerChannel(expected, { ...g, batch, outChannels: channels, outH: height, outW: width })
          expect(sameValues(mapped.relu!.channelSums, sums), "the ReLU's dE/dx summed per channel").toBe(true)
          sameMaps(mapped.relu!.maps, { shape: inputShape, data: expected }, side, "maps of the ReLU's dE/dx")
        }
      }
    }
  })

  it.each([NaN, Infinity, -Infinity])('forward with %f in x: core ReLU values, maps counting it', async (bad) => {
    const c = cases[0]
    const x = normalTensor(c.x, source())
    x.data[100] = bad
    const w = normalTensor(c.w, source())
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
    const x = { shape: c.x, data: activationForward('relu', normalTensor(c.x, source()).data) }
    const w = normalTensor(c.w, source())
    const g = convGeometry(c.x, c.w, c.options)
    const gradOutput = normalTensor([g.batch, g.outChannels, g.outH, g.outW], source())
    gradOutput.data[40] = bad
    const wants = { input: true, weight: true, bias: false }
    const mapped = await runner.backwardMapped!(x.data, w.data, gradOutput.data, g, wants, 9, true)!
    expect(mapped.relu).toBeNull()
    sameMaps(mapped.gradInputMaps, { shape: c.x, data: mapped.gradInput }, 9, 'maps of dE/dx')
    expect(mapped.gradInputMaps.nonFinite.some((count) => count > 0)).toBe(true)
  })

  it('declines a backward whose dE/dx is not the covered interior (other padding, uncovered cells, no dE/dx)', () => {
    const x = normalTensor([1, 2, 9, 9], source())
    const w = normalTensor([2, 2, 3, 3], source())
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

describe('a stack whose ReLU output is left packed for the next Conv2d', () => {
  it('packs relu(y) for the next Conv2d (which then packs nothing), and packs again after forget()', async () => {
    const c = cases[0]
    const x = normalTensor(c.x, source())
    const w1 = normalTensor(c.w, source())
    const g1 = convGeometry(c.x, c.w, c.options)
    const w2 = normalTensor([5, c.w[0], 3, 3], source())
    const g2 = convGeometry([1, c.w[0], g1.outH, g1.outW], w2.shape, { padding: 1 })
    const first = await runner.forwardMapped!(x.data, w1.data, null, g1, 8, true, {}, g2)
    const relu = first.relu!.data
    expect(sameValues(relu, activationForward('relu', first.output.data))).toBe(true)
    const expected = (await runner.forward(relu, w2.data, null, g2, 'f64')) as Float64Array
    // the arrays of a stack's second request: the first one's, taken again (a new array in
    // kernel memory would move where the next run's buffers start, and so what counts as packed)
    const output = (await runner.forwardMapped!(relu, w2.data, null, g2, 8, false)).output.data
    // left packed again by the first Conv2d; the next one reads it there, not from the array
    // (given other values here to tell the two apart, as a stack never does before forget())
    await runner.forwardMapped!(x.data, w1.data, null, g1, 8, true, { output: first.output.data, relu }, g2)
    const kept = relu.slice()
    relu.fill(0.5)
    const second = await runner.forwardMapped!(relu, w2.data, null, g2, 8, false, { output })
    expect(sameValues(second.output.data, expected), 'the next Conv2d on the relu(y) left packed').toBe(true)
    // after forget() the array is packed again
    await runner.forget!()
    const third = await runner.forwardMapped!(relu, w2.data, null, g2, 8, false)
    const fresh = (await runner.forward(relu, w2.data, null, g2, 'f64')) as Float64Array
    expect(sameValues(third.output.data, fresh)).toBe(true)
    expect(kept.some((v) => v !== 0.5)).toBe(true)
    expect(sameValues(third.output.data, expected)).toBe(false)
  })

  const largest = (actual: Float64Array, expected: Tensor): number =>
    expected.data.reduce((worst, v, k) => Math.max(worst, Math.abs(actual[k] - v) / Math.max(1, Math.abs(v))), 0)

  /** Three requests in a row on `on`, each written into the arrays of the last: every layer as core computes it. */
  async function requestsAsCore(on: ConvKernel, layers: Layer[], check: (kept: KeptStack, seed: number) => void = () => {}): Promise<void> {
    let earlier: KeptStack | null = null
    for (const seed of [1, 2, 3]) {
      const x = normalTensor([1, 3, 40, 46], seededSource(seed))
      const request = {
        requestId: seed,
        inputId: 'x',
        layers,
        gradient: { kind: 'output', gradOutput: { kind: 'random', seed } },
        display: { maxSide: 10 },
      } as unknown as StackComputeRequest
      const { kept } = await runStack(x, request, on, () => false, earlier)
      earlier = kept
      check(kept, seed)
      const forward = stackForward(layers, x)
      const grads = stackBackward(layers, forward, { kind: 'output', gradOutput: normalTensor(forward.output.shape, seededSource(seed)) })
      layers.forEach((_, i) => {
        expect(largest(kept.outputs[i].data, forward.layers[i].output), `request ${seed} layer ${i} output`).toBeLessThanOrEqual(1e-12)
        expect(largest(kept.gradOutputs[i]!.data, grads.gradOutputs[i]!), `request ${seed} layer ${i} dE/dy`).toBeLessThanOrEqual(1e-12)
      })
      expect(largest(kept.gradInput!.data, grads.gradInput), `request ${seed} dE/dx`).toBeLessThanOrEqual(1e-12)
    }
  }

  it('computes every layer as core does, request after request, while the arrays of the last one are written again', async () => {
    // a pool first: the last pass of each request (the first Conv2d's backward) reads an array
    // of the stack (the pool's output), which the next request writes new values into
    await requestsAsCore(kernel, [{ type: 'max-pool2d', kernelSize: 2 }, ...stackPreset('vgg-block', 3, 5)])
  })

  it('computes every layer as core does when only some tensors fit in kernel memory (the others copied out)', async () => {
    const small = await createFastKernel({ threads: 2, arrayBytes: 300_000 })
    try {
      await requestsAsCore(small, stackPreset('vgg-block', 3, 5), (kept, seed) => {
        const inMemory = kept.owned.filter((data) => data.buffer.byteLength > 4 * data.byteLength).length
        expect(inMemory, `request ${seed}: tensors in kernel memory`).toBeGreaterThan(0)
        expect(inMemory, `request ${seed}: tensors in kernel memory`).toBeLessThan(kept.owned.length)
      })
    } finally {
      small.cancel?.()
    }
  })

  it("writes a stack's tensors in place in kernel memory, where no later run's buffers reach them", async () => {
    const layers: Layer[] = stackPreset('vgg-block', 3, 7)
    const x = normalTensor([1, 3, 33, 35], seededSource(9))
    const request = {
      requestId: 1,
      inputId: 'x',
      layers,
      gradient: { kind: 'output', gradOutput: { kind: 'random', seed: 4 } },
      display: { maxSide: 10 },
    } as unknown as StackComputeRequest
    const { kept } = await runStack(x, request, kernel, () => false, null)
    // the Conv2d outputs, the ReLUs' outputs and the gradients between are views of the kernels'
    // memory (one buffer, much larger than any of them), not arrays of their own
    const tensors = [...kept.outputs.map((t) => t.data), ...kept.gradOutputs.slice(0, -1).map((t) => t!.data)]
    for (const data of tensors) expect(data.buffer.byteLength).toBeGreaterThan(4 * data.byteLength)
    const values = tensors.map((data) => data.slice())
    // a later single-layer pass on a larger image, and a stack of other shapes with no arrays to
    // take again (its new ones go past these), leave every value as it was
    const big = normalTensor([1, 8, 120, 130], seededSource(3))
    const w = normalTensor([8, 8, 3, 3], seededSource(5))
    const g = convGeometry(big.shape, w.shape, { padding: 1 })
    await kernel.forward(big, w, null, { padding: 1 })
    await kernel.backward(big, w, null, normalTensor([1, 8, g.outH, g.outW], seededSource(6)), { padding: 1 })
    const otherLayers: Layer[] = stackPreset('vgg-block', 3, 5)
    const other = { ...request, requestId: 2, layers: otherLayers } as unknown as StackComputeRequest
    const { kept: later } = await runStack(normalTensor([1, 3, 61, 47], seededSource(2)), other, kernel, () => false, null)
    tensors.forEach((data, k) => expect(sameValues(data, values[k]), `tensor ${k}`).toBe(true))
    // and the later stack's own values are right
    const forward = stackForward(otherLayers, normalTensor([1, 3, 61, 47], seededSource(2)))
    otherLayers.forEach((_, i) => expect(largest(later.outputs[i].data, forward.layers[i].output), `layer ${i}`).toBeLessThanOrEqual(1e-12))
  })
})
