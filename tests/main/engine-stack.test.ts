// computeStack and probeStack through the engine: PyTorch's nn.Sequential fixtures (every layer's
// output and dE/dy, dE/dw, dE/db, dE/dx and a unit's dE/dx) read back exactly with probeStack,
// |a-b| <= 1e-12·max(1, |b|), on core's scalar loops, the WebAssembly kernels and the real worker;
// a layer that cannot take its input refused with the layers before it computed; the memory
// bound; every upstream gradient kind; superseded requests cancelled; bad payloads refused.

import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Layer, Tensor } from '../../core'
import {
  activationBackward,
  activationForward,
  effectiveReceptiveField,
  filled,
  normalTensor,
  planStack,
  receptiveFields,
  seededSource,
  stackBackward,
  stackForward,
  stackPreset,
} from '../../core'
import type { ErrorEnvelope, Result, StackComputeRequest, StackComputeResult, TensorPayload, WireLayer } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import { STACK_VALUE_BUDGET, boundedPlan, spareArrays } from '../../src-main/engine/stack-compute'
import { toMapStack } from '../../src-main/engine/map-stack'
import { REFERENCE_TOLERANCE } from '../reference/cases'
import { loadStackCase, stackCaseNames } from '../reference/stacks'
import { formatMessage } from '../../messages'
import { realWorker, removeMainBundle } from './helpers/worker-bundle'
import { value } from '../support/engine-results'

function failure(result: Result<unknown>): ErrorEnvelope {
  if (result.ok) throw new Error('expected an error envelope')
  return result
}

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

/** core's layers as the wire carries them. */
function wire(layers: readonly Layer[]): WireLayer[] {
  return layers.map((layer) => {
    if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d') {
      return { ...layer, weight: payload(layer.weight), bias: layer.bias ? payload(layer.bias) : null } as WireLayer
    }
    // stride null is PyTorch's "the kernel size", which the wire says by leaving it out
    const { stride, ...rest } = layer as Layer & { stride?: unknown }
    return (stride === null || stride === undefined ? rest : layer) as WireLayer
  })
}

/** Largest |a-b| / max(1, |b|). */
function largestError(actual: ArrayLike<number>, expected: Tensor): number {
  expect(actual.length).toBe(expected.data.length)
  let worst = 0
  for (let k = 0; k < expected.data.length; k++) {
    const b = expected.data[k]
    const error = Math.abs(actual[k] - b) / Math.max(1, Math.abs(b))
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error)
  }
  return worst
}

async function storeInput(engine: Engine, tensor: Tensor): Promise<string> {
  return value(await engine.invoke('setInput', { shape: [...tensor.shape], data: tensor.data.slice() })).inputId
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

async function probe(engine: Engine, requestId: number, layer: number, which: 'output' | 'gradOutput' | 'indices', shape: readonly number[]) {
  return value(await engine.invoke('probeStack', { requestId, layer, which, start: 0, count: count(shape) }))
}

const relaxed = await createFastKernel({ threads: 0 })
const pair = await createFastKernel({ threads: 2 })
const engines: Array<[string, Engine]> = [
  ['scalar', new Engine({ host: 'browser', spawn: sameThreadWorker() })],
  ['wasm relaxed-simd ×1', new Engine({ host: 'browser', spawn: sameThreadWorker(relaxed) })],
  ['wasm relaxed-simd ×2', new Engine({ host: 'browser', spawn: sameThreadWorker(pair) })],
  ['real worker', new Engine({ host: 'browser', spawn: await realWorker() })],
]
const [, fast] = engines[1]
afterAll(async () => {
  for (const [, engine] of engines) engine.close()
  await removeMainBundle()
})

const worst: Record<string, number> = {}
afterAll(() => {
  const line = Object.entries(worst)
    .map(([kind, error]) => `${kind} ${error.toExponential(1)}`)
    .join(', ')
  console.log(`computeStack vs PyTorch through the engine, largest relative error: ${line}`)
})

let nextId = 1

describe.each(engines)('computeStack on %s', (name, engine) => {
  it.each(stackCaseNames())('%s: every layer, dE/dx and a unit gradient match PyTorch, read back with probeStack', async (caseName) => {
    const stack = loadStackCase(caseName)
    const inputId = await storeInput(engine, stack.x)
    const requestId = nextId++
    const result = value(
      await engine.invoke('computeStack', {
        requestId,
        inputId,
        layers: wire(stack.layers),
        gradient: { kind: 'output', gradOutput: { kind: 'tensor', tensor: payload(stack.gradOutput) } },
        display: { maxSide: 0 },
      }),
    )
    expect(result.refused).toBeUndefined()
    expect(result.layers).toHaveLength(stack.layers.length)
    expect(result.inputShape).toEqual(stack.x.shape)
    const note = (kind: string, error: number) => {
      worst[kind] = Math.max(worst[kind] ?? 0, error)
      expect(error, `${name} ${caseName} ${kind}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    }
    for (const [i, layer] of stack.layers.entries()) {
      const expected = stack.perLayer[i]
      const got = result.layers[i]
      expect(got.type).toBe(layer.type)
      expect(got.output.shape).toEqual(expected.output.shape)
      note(layer.type, largestError(await probe(engine, requestId, i, 'output', expected.output.shape), expected.output))
      note(layer.type, largestError(await probe(engine, requestId, i, 'gradOutput', expected.gradOutput.shape), expected.gradOutput))
      // the maps are the exact values rounded to float32 (maxSide 0: full size)
      const exact = await probe(engine, requestId, i, 'output', expected.output.shape)
      expect(largestError(got.output.data, { shape: expected.output.shape, data: exact })).toBeLessThanOrEqual(1e-6)
      if (expected.gradWeight) note(layer.type, largestError(got.gradWeight!.data, expected.gradWeight))
      else expect(got.gradWeight).toBeUndefined()
      if (expected.gradBias) note(layer.type, largestError(got.gradBias!.data, expected.gradBias))
      else if (got.gradWeight) expect(got.gradBias).toBeNull()
    }
    note('dE/dx', largestError(await probe(engine, requestId, -1, 'gradOutput', stack.x.shape), stack.gradInput))
    expect([...(await probe(engine, requestId, -1, 'output', stack.x.shape))]).toEqual([...stack.x.data])
    expect(result.gradInput?.shape).toEqual(stack.x.shape)

    // one unit's dE/dy = 1: dE/dx is PyTorch's, and core's effective receptive field
    const unitId = nextId++
    const unit = value(
      await engine.invoke('computeStack', {
        requestId: unitId,
        inputId,
        layers: wire(stack.layers),
        gradient: { kind: 'unit', ...stack.unit },
        display: { maxSide: 0 },
      }),
    )
    const unitGrad = await probe(engine, unitId, -1, 'gradOutput', stack.x.shape)
    note('unit dE/dx', largestError(unitGrad, stack.unitGradInput))
    const erf = effectiveReceptiveField(stack.layers, stackForward(stack.layers, stack.x), stack.unit.layer, stack.unit.unit)
    expect(largestError(unitGrad, erf.gradInput)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    // the layers after the unit's have no gradient, and a unit seed asks for dE/dx alone
    unit.layers.forEach((layer, i) => expect(layer.gradOutput !== undefined, `layer ${i}`).toBe(i <= stack.unit.layer))
    expect(unit.layers.every((layer) => layer.gradWeight === undefined)).toBe(true)
    expect(unit.layers).toHaveLength(stack.layers.length)

    // the same unit asking for weights: every layer's dE/dw and dE/db up to the unit's layer too,
    // against core's stackBackward from that unit on its scalar loops (core matches PyTorch's
    // fixtures for the output seed; the unit seed only changes dE/dy)
    const weightsId = nextId++
    const withWeights = value(
      await engine.invoke('computeStack', {
        requestId: weightsId,
        inputId,
        layers: wire(stack.layers),
        gradient: { kind: 'unit', ...stack.unit, weights: true },
        display: { maxSide: 0 },
      }),
    )
    const core = stackForward(stack.layers, stack.x)
    const reference = stackBackward(stack.layers, core, { kind: 'unit', ...stack.unit })
    note('unit dE/dx', largestError(await probe(engine, weightsId, -1, 'gradOutput', stack.x.shape), reference.gradInput))
    for (const [i, layer] of withWeights.layers.entries()) {
      const expectedWeight = reference.gradWeights[i]
      const expectedBias = reference.gradBiases[i]
      if (expectedWeight) note('unit dE/dw', largestError(layer.gradWeight!.data, expectedWeight))
      else expect(layer.gradWeight, `layer ${i}`).toBeUndefined()
      if (expectedBias) note('unit dE/db', largestError(layer.gradBias!.data, expectedBias))
      else if (layer.gradWeight) expect(layer.gradBias).toBeNull()
    }
    // layers with weights up to the unit's have them; none after it
    const weighted = stack.layers.map((layer, i) => i <= stack.unit.layer && (layer.type === 'conv2d' || layer.type === 'conv-transpose2d'))
    withWeights.layers.forEach((layer, i) => expect(layer.gradWeight !== undefined, `layer ${i}`).toBe(weighted[i]))
    expect(weighted.some(Boolean)).toBe(true)
  })
})

describe('computeStack results', () => {
  it('give each layer its receptive field from core (null past a transposed layer)', async () => {
    const stack = loadStackCase(stackCaseNames()[0])
    const inputId = await storeInput(fast, stack.x)
    const result = value(await fast.invoke('computeStack', { requestId: nextId++, inputId, layers: wire(stack.layers), display: { maxSide: 0 } }))
    const fields = receptiveFields(stack.layers, planStack(stack.layers, stack.x.shape))
    expect(fields.some((f) => !f.box)).toBe(true)
    result.layers.forEach((layer, i) => {
      const field = fields[i]
      expect(layer.receptiveField).toEqual(field.box ? { size: field.size, jump: field.jump, start: field.start } : null)
    })
    // forward only: no gradients anywhere
    expect(result.gradInput).toBeUndefined()
    expect(result.layers.every((layer) => layer.gradOutput === undefined)).toBe(true)
  })

  it("carry max-pool's argmax exactly when small, and probeStack reads it", async () => {
    const x = normalTensor([1, 2, 9, 9], seededSource(31))
    const layers: Layer[] = [{ type: 'max-pool2d', kernelSize: 3, stride: 2, padding: 1 }, { type: 'relu' }]
    const inputId = await storeInput(fast, x)
    const requestId = nextId++
    const result = value(await fast.invoke('computeStack', { requestId, inputId, layers: wire(layers), display: { maxSide: 0 } }))
    const expected = stackForward(layers, x).layers[0].indices!
    expect([...result.layers[0].indices!.data]).toEqual([...expected])
    expect([...(await probe(fast, requestId, 0, 'indices', result.layers[0].output.shape))]).toEqual([...expected])
    expect(result.layers[1].indices).toBeUndefined()
    expect(failure(await fast.invoke('probeStack', { requestId, layer: 1, which: 'indices', start: 0, count: 1 })).code).toBe('bad-request')
  })

  it('start the backward pass from every kind of upstream gradient, with the MSE loss', async () => {
    const x = normalTensor([1, 2, 10, 12], seededSource(41))
    const layers = stackPreset('vgg-block', 2, 7).map((layer) => (layer.type === 'conv2d' ? { ...layer, weight: { ...layer.weight } } : layer))
    const y = stackForward(layers, x).output
    const target = normalTensor(y.shape, seededSource(42))
    const inputId = await storeInput(fast, x)
    const targetId = await storeInput(fast, target)
    const run = async (gradOutput: NonNullable<StackComputeRequest['gradient']> & { kind: 'output' }) => {
      const requestId = nextId++
      const result = value(await fast.invoke('computeStack', { requestId, inputId, layers: wire(layers), gradient: gradOutput, display: { maxSide: 0 } }))
      const last = layers.length - 1
      return { result, gradOutput: await probe(fast, requestId, last, 'gradOutput', y.shape), output: await probe(fast, requestId, last, 'output', y.shape) }
    }
    const ones = await run({ kind: 'output', gradOutput: { kind: 'ones' } })
    expect(ones.gradOutput.every((v) => v === 1)).toBe(true)
    expect(ones.result.loss).toBeUndefined()
    const random = await run({ kind: 'output', gradOutput: { kind: 'random', seed: 5 } })
    expect(largestError(random.gradOutput, normalTensor(y.shape, seededSource(5)))).toBe(0)
    // every conv's dE/db from the remembered ones / N(0,1) (the last conv's summed once, kept): core's
    const forward = stackForward(layers, x)
    for (const [seed, results] of [
      [filled(y.shape, 1), [ones.result, (await run({ kind: 'output', gradOutput: { kind: 'ones' } })).result]],
      [normalTensor(y.shape, seededSource(5)), [random.result, (await run({ kind: 'output', gradOutput: { kind: 'random', seed: 5 } })).result]],
    ] as const) {
      const expected = stackBackward(layers, forward, { kind: 'output', gradOutput: seed })
      for (const result of results) {
        layers.forEach((layer, i) => {
          if (layer.type !== 'conv2d') return
          expect(largestError(result.layers[i].gradBias!.data, expected.gradBiases[i]!), `layer ${i}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
          expect(largestError(result.layers[i].gradWeight!.data, expected.gradWeights[i]!), `layer ${i}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
        })
      }
    }
    let sum = 0
    const expectedGrad = new Float64Array(y.data.length)
    for (let k = 0; k < y.data.length; k++) {
      const d = ones.output[k] - target.data[k]
      sum += d * d
      expectedGrad[k] = (2 * d) / y.data.length
    }
    for (const spec of [
      { kind: 'mse' as const, target: payload(target) },
      { kind: 'mse-stored' as const, targetId },
    ]) {
      const mse = await run({ kind: 'output', gradOutput: spec })
      expect(Math.abs(mse.result.loss! - sum / y.data.length)).toBeLessThanOrEqual(1e-12 * (sum / y.data.length))
      expect(largestError(mse.gradOutput, { shape: y.shape, data: expectedGrad })).toBeLessThanOrEqual(1e-15)
      expect(mse.result.gradInput).toBeDefined()
    }
    const wrongShape = { kind: 'tensor' as const, tensor: payload(normalTensor([1, 16, 3, 3], seededSource(1))) }
    expect(
      failure(
        await fast.invoke('computeStack', {
          requestId: nextId++,
          inputId,
          layers: wire(layers),
          gradient: { kind: 'output', gradOutput: wrongShape },
          display: { maxSide: 0 },
        }),
      ).code,
    ).toBe('grad-output-shape')
  })

  it("write into the previous stack's arrays without changing any number", async () => {
    const x = normalTensor([1, 3, 20, 24], seededSource(45))
    const stacks = [11, 12, 11].map((seed) => stackPreset('vgg-block', 3, seed))
    for (const [engineName, engine] of engines) {
      const id = await storeInput(engine, x)
      for (const layers of stacks) {
        const requestId = nextId++
        const gradient = { kind: 'output' as const, gradOutput: { kind: 'random' as const, seed: 3 } }
        value(await engine.invoke('computeStack', { requestId, inputId: id, layers: wire(layers), gradient, display: { maxSide: 0 } }))
        const forward = stackForward(layers, x)
        const upstream = normalTensor(forward.output.shape, seededSource(3))
        const grads = stackBackward(layers, forward, { kind: 'output', gradOutput: upstream })
        for (let i = 0; i < layers.length; i++) {
          const shape = forward.layers[i].output.shape
          expect(largestError(await probe(engine, requestId, i, 'output', shape), forward.layers[i].output), engineName).toBeLessThanOrEqual(
            REFERENCE_TOLERANCE,
          )
          expect(largestError(await probe(engine, requestId, i, 'gradOutput', shape), grads.gradOutputs[i]!)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
        }
        expect(largestError(await probe(engine, requestId, -1, 'gradOutput', x.shape), grads.gradInput)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
        // the stored input is never written into
        expect(await probe(engine, requestId, -1, 'output', x.shape)).toEqual(x.data)
      }
    }
  })

  it('use the last forward pass again for the same input and first layers: only what changed runs', async () => {
    const x = normalTensor([1, 3, 24, 20], seededSource(47))
    const layers = stackPreset('vgg-block', 3, 21)
    const forward = vi.spyOn(relaxed.stack!.conv, 'forward')
    const inputId = await storeInput(fast, x)
    const request = (requestId: number, wired: WireLayer[], gradient: StackComputeRequest['gradient'], maxSide = 0): StackComputeRequest => ({
      requestId,
      inputId,
      layers: wired,
      gradient,
      display: { maxSide },
    })
    const check = async (requestId: number, stack: Layer[], result: StackComputeResult, unit?: [number, number, number, number]) => {
      const expected = stackForward(stack, x)
      for (let i = 0; i < stack.length; i++) {
        expect(largestError(await probe(fast, requestId, i, 'output', expected.layers[i].output.shape), expected.layers[i].output)).toBeLessThanOrEqual(
          REFERENCE_TOLERANCE,
        )
        // the maps' exact range of the first plane is this stack's
        const plane = expected.layers[i].output.data.subarray(0, expected.layers[i].output.data.length / expected.layers[i].output.shape[1])
        expect(Math.abs(result.layers[i].output.max[0] - Math.max(...plane))).toBeLessThanOrEqual(REFERENCE_TOLERANCE * Math.max(1, Math.max(...plane)))
      }
      if (unit) {
        const erf = effectiveReceptiveField(stack, expected, 4, unit)
        expect(largestError(await probe(fast, requestId, -1, 'gradOutput', x.shape), erf.gradInput)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
      }
    }
    const first = nextId++
    const firstResult = value(await fast.invoke('computeStack', request(first, wire(layers), { kind: 'output', gradOutput: { kind: 'ones' } })))
    await check(first, layers, firstResult)
    expect(forward).toHaveBeenCalledTimes(3)
    // hovering units: no forward kernel runs, and the maps are those of the first result
    for (const unit of [
      [0, 3, 5, 6],
      [0, 9, 20, 1],
    ] as Array<[number, number, number, number]>) {
      const id = nextId++
      const result = value(await fast.invoke('computeStack', request(id, wire(layers), { kind: 'unit', layer: 4, unit })))
      await check(id, layers, result, unit)
      result.layers.forEach((layer, i) => expect([...layer.output.data]).toEqual([...firstResult.layers[i].output.data]))
    }
    expect(forward).toHaveBeenCalledTimes(3)
    // the last conv's weights change: only it runs again
    const edited = layers.map((layer, i) =>
      i === 4 && layer.type === 'conv2d' ? { ...layer, weight: normalTensor([...layer.weight.shape], seededSource(99)) } : layer,
    )
    const id = nextId++
    await check(id, edited, value(await fast.invoke('computeStack', request(id, wire(edited), undefined, 8))))
    expect(forward).toHaveBeenCalledTimes(4)
    // another input: everything runs
    const other = await storeInput(fast, x)
    value(await fast.invoke('computeStack', { ...request(nextId++, wire(edited), undefined), inputId: other }))
    expect(forward).toHaveBeenCalledTimes(7)
    forward.mockRestore()
  })

  it("write the kept copies of the outputs' maps into the last stack's copies and still send each layer's own maps", async () => {
    const x = normalTensor([1, 3, 24, 20], seededSource(48))
    const inputId = await storeInput(fast, x)
    const run = async (stack: Layer[], gradient: StackComputeRequest['gradient']) =>
      value(await fast.invoke('computeStack', { requestId: nextId++, inputId, layers: wire(stack), gradient, display: { maxSide: 8 } }))
    const edit = (stack: Layer[], index: number, seed: number): Layer[] =>
      stack.map((layer, i) =>
        i === index && layer.type === 'conv2d' ? { ...layer, weight: normalTensor([...layer.weight.shape], seededSource(seed)) } : layer,
      )
    const hover = { kind: 'unit' as const, layer: 4, unit: [0, 2, 3, 4] as [number, number, number, number] }
    let stack = stackPreset('vgg-block', 3, 22)
    await run(stack, undefined)
    // a late edit (the first layers kept), then an early one (none kept): each time a hover right
    // after (no forward runs) sends the maps made from this stack's outputs
    for (const [index, seed] of [
      [4, 5],
      [0, 6],
    ]) {
      stack = edit(stack, index, seed)
      const computed = await run(stack, undefined)
      const hovered = await run(stack, hover)
      const expected = stackForward(stack, x)
      hovered.layers.forEach((layer, i) => {
        expect([...layer.output.data]).toEqual([...computed.layers[i].output.data])
        expect([...layer.output.data]).toEqual([...toMapStack(expected.layers[i].output, 8).data])
      })
    }
  })

  it("give ReLU layers core's values and toMapStack's maps, with NaN and ±∞ flowing through them too", async () => {
    const layers = stackPreset('vgg-block', 2, 9)
    for (const special of [null, NaN, Infinity, -Infinity]) {
      const x = normalTensor([1, 2, 14, 18], seededSource(47))
      if (special !== null) x.data[40] = special
      const inputId = await storeInput(fast, x)
      const requestId = nextId++
      const result = value(
        await fast.invoke('computeStack', {
          requestId,
          inputId,
          layers: wire(layers),
          gradient: { kind: 'output', gradOutput: { kind: 'random', seed: 3 } },
          display: { maxSide: 5 },
        }),
      )
      const shapes = planStack(layers, x.shape).plans.map((plan) => plan.outputShape)
      const outputs = await Promise.all(shapes.map((shape, i) => probe(fast, requestId, i, 'output', shape)))
      const gradOutputs = await Promise.all(shapes.map((shape, i) => probe(fast, requestId, i, 'gradOutput', shape)))
      // NaN equal to NaN; the same value otherwise
      const same = (got: Float64Array, want: Float64Array) => got.every((v, k) => (Number.isNaN(want[k]) ? Number.isNaN(v) : v === want[k]))
      for (const [i, layer] of layers.entries()) {
        const shape = shapes[i]
        const output = outputs[i]
        const gradOutput = gradOutputs[i]
        if (layer.type === 'relu') {
          // core's ReLU of the engine's own conv output, and its dE/dx from the engine's dE/dy
          expect(same(output, activationForward('relu', outputs[i - 1])), `${special} layer ${i} output`).toBe(true)
          const gradInput = activationBackward('relu', gradOutput, outputs[i - 1], output)
          expect(same(gradOutputs[i - 1], gradInput), `${special} layer ${i} dE/dx`).toBe(true)
        }
        // every layer's maps are toMapStack's of its exact values, the count of NaN/±∞ included
        for (const [maps, values] of [
          [result.layers[i].output, output],
          [result.layers[i].gradOutput!, gradOutput],
        ] as const) {
          const expected = toMapStack({ shape, data: values }, 5)
          expect([...maps.nonFinite], `${special} layer ${i}`).toEqual([...expected.nonFinite])
          expect([...maps.min], `${special} layer ${i}`).toEqual([...expected.min])
          expect([...maps.max], `${special} layer ${i}`).toEqual([...expected.max])
          expect(maps.data.every((v, k) => Object.is(v, expected.data[k]))).toBe(true)
        }
      }
    }
  })

  it('send display maps at the asked size and only small float64 tensors', async () => {
    const x = normalTensor([1, 3, 200, 150], seededSource(51))
    const inputId = await storeInput(fast, x)
    const layers = stackPreset('lenet', 3, 3)
    const result = value(
      await fast.invoke('computeStack', {
        requestId: nextId++,
        inputId,
        layers: wire(layers),
        gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
        display: { maxSide: 32 },
      }),
    )
    for (const maps of [result.gradInput!, ...result.layers.flatMap((layer) => [layer.output, layer.gradOutput!])]) {
      expect(maps.data).toBeInstanceOf(Float32Array)
      expect(Math.max(maps.displayH, maps.displayW)).toBeLessThanOrEqual(32)
    }
    const arrays: ArrayBufferView[] = []
    const collect = (node: unknown): void => {
      if (ArrayBuffer.isView(node)) arrays.push(node)
      else if (node && typeof node === 'object') Object.values(node).forEach(collect)
    }
    collect(result)
    const largestFloat64 = Math.max(...arrays.filter((a) => a instanceof Float64Array).map((a) => (a as Float64Array).length))
    const largestWeight = Math.max(...layers.map((layer) => (layer.type === 'conv2d' ? layer.weight.data.length : 0)))
    expect(largestFloat64).toBe(Math.max(largestWeight, ...result.layers.map((layer) => layer.indices?.data.length ?? 0)))
  })
})

describe('a layer that cannot take its input', () => {
  const x = normalTensor([1, 3, 12, 12], seededSource(61))
  const weight = (out: number, inp: number, seed: number) => normalTensor([out, inp, 3, 3], seededSource(seed))
  // layer 2 wants 8 channels and gets 4
  const layers: Layer[] = [
    { type: 'conv2d', weight: weight(4, 3, 62), bias: null, padding: 1 },
    { type: 'relu' },
    { type: 'conv2d', weight: weight(2, 8, 63), bias: null },
    { type: 'tanh' },
  ]

  it('is refused with its index, code, params and message; the layers before it are computed', async () => {
    for (const [name, engine] of engines) {
      const inputId = await storeInput(engine, x)
      const requestId = nextId++
      const result = value(
        await engine.invoke('computeStack', {
          requestId,
          inputId,
          layers: wire(layers),
          gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
          display: { maxSide: 0 },
        }),
      )
      expect(result.layers, name).toHaveLength(2)
      expect(result.refused).toMatchObject({ layer: 2, code: 'stack-layer', params: { index: 2, kind: 'Conv2d', shape: '(1, 4, 12, 12)' } })
      expect(result.refused!.message).toContain('layer 2 (Conv2d) cannot take its input (1, 4, 12, 12)')
      // the reason is nested as its own code and values, worded by the page in its language
      expect(typeof result.refused!.params.cause).toBe('string')
      expect(formatMessage(result.refused!.code, result.refused!.params, 'en')).toBe(result.refused!.message)
      expect(formatMessage(result.refused!.code, result.refused!.params, 'es')).toContain('la capa 2 (Conv2d) no puede tomar su entrada (1, 4, 12, 12)')
      const expected = stackForward(layers, x)
      expect(largestError(await probe(engine, requestId, 1, 'output', [1, 4, 12, 12]), expected.layers[1].output)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
      // no output to start the backward pass from
      expect(result.gradInput).toBeUndefined()
      expect(failure(await engine.invoke('probeStack', { requestId, layer: 2, which: 'output', start: 0, count: 1 })).code).toBe('bad-request')
    }
  })

  it('still lets a unit of an earlier layer send its gradient back', async () => {
    const inputId = await storeInput(fast, x)
    const requestId = nextId++
    const result = value(
      await fast.invoke('computeStack', {
        requestId,
        inputId,
        layers: wire(layers),
        gradient: { kind: 'unit', layer: 1, unit: [0, 2, 5, 6] },
        display: { maxSide: 0 },
      }),
    )
    expect(result.refused?.layer).toBe(2)
    const erf = effectiveReceptiveField(layers, stackForward(layers, x), 1, [0, 2, 5, 6])
    expect(largestError(await probe(fast, requestId, -1, 'gradOutput', x.shape), erf.gradInput)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    // a unit in the refused layer: the layers before it, and no gradient
    const beyond = value(
      await fast.invoke('computeStack', {
        requestId: nextId++,
        inputId,
        layers: wire(layers),
        gradient: { kind: 'unit', layer: 3, unit: [0, 0, 0, 0] },
        display: { maxSide: 0 },
      }),
    )
    expect(beyond.refused?.layer).toBe(2)
    expect(beyond.gradInput).toBeUndefined()
    // a unit outside its layer is the user's error, with its code
    expect(
      failure(
        await fast.invoke('computeStack', {
          requestId: nextId++,
          inputId,
          layers: wire(layers),
          gradient: { kind: 'unit', layer: 1, unit: [0, 4, 0, 0] },
          display: { maxSide: 0 },
        }),
      ).code,
    ).toBe('stack-unit')
  })

  it('includes one that would take the stack past the memory bound (nothing that large is allocated)', async () => {
    // a 64×64 input blown up 64 times by a transposed layer: 16 × 4096² values
    const small = normalTensor([1, 1, 64, 64], seededSource(71))
    const blowUp: Layer[] = [
      { type: 'relu' },
      { type: 'conv-transpose2d', weight: normalTensor([1, 16, 64, 64], seededSource(72)), bias: null, stride: 64 },
      { type: 'sigmoid' },
    ]
    const inputId = await storeInput(fast, small)
    const result = value(await fast.invoke('computeStack', { requestId: nextId++, inputId, layers: wire(blowUp), display: { maxSide: 0 } }))
    expect(result.layers).toHaveLength(1)
    expect(result.refused).toMatchObject({ layer: 1, code: 'stack-memory', params: { index: 1, kind: 'ConvTranspose2d', limitMib: 1024 } })
    expect(result.refused!.message).toMatch(
      /^layer 1 \(ConvTranspose2d\) is not computed: with it the stack would hold 2049 MiB of exact values, more than the 1024 MiB kept at most/,
    )
  })

  it('bounds memory so a 512×512 photo through 8 layers of 16 channels fits and a 2048×2048 one stops early', () => {
    const eight: Layer[] = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? { type: 'conv2d', weight: normalTensor([16, i === 0 ? 3 : 16, 3, 3], seededSource(i)), bias: null, padding: 1 } : { type: 'relu' },
    )
    const fits = boundedPlan(eight, [1, 3, 512, 512], true)
    expect(fits.failure).toBeNull()
    expect(fits.plans).toHaveLength(8)
    const large = boundedPlan(eight, [1, 3, 2048, 2048], true)
    expect(large.failure?.code).toBe('stack-memory')
    const kept = large.plans.reduce((total, plan) => total + 2 * count(plan.outputShape), count([1, 3, 2048, 2048]))
    expect(kept).toBeLessThanOrEqual(STACK_VALUE_BUDGET)
    // forward only keeps half as much: more layers fit
    expect(boundedPlan(eight, [1, 3, 2048, 2048], false).plans.length).toBeGreaterThan(large.plans.length)
  })
})

describe("the previous stack's arrays", () => {
  it('are kept only where this stack can write into them, as many as it can', () => {
    const layers: Layer[] = [{ type: 'relu' }, { type: 'max-pool2d', kernelSize: 2 }]
    const plan = planStack(layers, [1, 1, 4, 4])
    // outputs of 16 and 4 values; with gradients two of each and one of the input's 16
    const old = [16, 16, 16, 16, 4, 4, 4, 9].map((length) => new Float64Array(length))
    const take = spareArrays(old, plan, true)
    const taken = Array.from({ length: 8 }, () => [take(16), take(4), take(9)]).flat()
    expect(taken.filter((a) => a?.length === 16)).toHaveLength(3)
    expect(taken.filter((a) => a?.length === 4)).toHaveLength(2)
    expect(taken.filter((a) => a?.length === 9)).toHaveLength(0)
    expect(new Set(taken.filter(Boolean)).size).toBe(5)
    const forwardOnly = spareArrays(old, plan, false)
    expect([forwardOnly(16), forwardOnly(16), forwardOnly(4), forwardOnly(4)].map((a) => a?.length)).toEqual([16, undefined, 4, undefined])
  })
})

describe('superseded stacks', () => {
  it('answer cancelled when a newer computeStack or compute arrives first', async () => {
    const x = normalTensor([1, 3, 32, 32], seededSource(81))
    const layers = wire(stackPreset('vgg-block', 3, 8))
    for (const [name, engine] of engines) {
      const inputId = await storeInput(engine, x)
      const request = (requestId: number): StackComputeRequest => ({
        requestId,
        inputId,
        layers,
        gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
        display: { maxSide: 0 },
      })
      const [a, b] = await Promise.all([engine.invoke('computeStack', request(1001)), engine.invoke('computeStack', request(1002))])
      expect(failure(a).code, name).toBe('cancelled')
      expect(failure(a).params.requestId).toBe(1001)
      expect(value(b).requestId).toBe(1002)
      // a Conv2d compute supersedes a stack too (one arrival counter)
      const weight = payload(normalTensor([2, 3, 3, 3], seededSource(82)))
      const [c, d] = await Promise.all([
        engine.invoke('computeStack', request(1003)),
        engine.invoke('compute', { requestId: 1004, inputId, weight, bias: null, options: {}, display: { maxSide: 0 } }),
      ])
      expect(failure(c).code).toBe('cancelled')
      expect(value(d).requestId).toBe(1004)
      // and the cancel method stops one
      const [e] = await Promise.all([engine.invoke('computeStack', request(1005)), engine.invoke('cancel', 'compute')])
      expect(failure(e).code).toBe('cancelled')
    }
  })

  it('stop between layers when a newer one arrives mid-way (the real worker thread)', async () => {
    const [, engine] = engines[3]
    const x = normalTensor([1, 3, 384, 384], seededSource(91))
    const inputId = await storeInput(engine, x)
    // three VGG blocks: long enough (seconds on a loaded machine) to be mid-way after the wait
    const layers = wire([
      ...stackPreset('vgg-block', 3, 9),
      { type: 'relu' },
      ...stackPreset('vgg-block', 16, 10),
      { type: 'relu' },
      ...stackPreset('vgg-block', 16, 11),
    ])
    const request = (requestId: number): StackComputeRequest => ({
      requestId,
      inputId,
      layers,
      gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
      display: { maxSide: 64 },
    })
    const first = engine.invoke('computeStack', request(2001))
    await new Promise((resolve) => setTimeout(resolve, 150))
    const second = engine.invoke('computeStack', request(2002))
    const [a, b]: [Result<StackComputeResult>, Result<StackComputeResult>] = await Promise.all([first, second])
    expect(failure(a).code).toBe('cancelled')
    expect(value(b).layers).toHaveLength(17)
    // the probe reads the newest result; the superseded one has none
    expect(failure(await engine.invoke('probeStack', { requestId: 2001, layer: 0, which: 'output', start: 0, count: 1 })).code).toBe('bad-request')
    expect(value(await engine.invoke('probeStack', { requestId: 2002, layer: 16, which: 'gradOutput', start: 0, count: 3 }))).toEqual(
      new Float64Array([1, 1, 1]),
    )
  })
})

describe('bad stack payloads', () => {
  it('are refused with bad-request and the engine goes on', async () => {
    const x = normalTensor([1, 1, 6, 6], seededSource(101))
    const inputId = await storeInput(fast, x)
    const good = { requestId: nextId++, inputId, layers: [{ type: 'relu' }], display: { maxSide: 0 } }
    const conv = { type: 'conv2d', weight: { shape: [1, 1, 3, 3], data: new Float64Array(9) }, bias: null }
    const bad: unknown[] = [
      { ...good, layers: [] },
      { ...good, layers: [{ type: 'softmax' }] },
      { ...good, layers: Array.from({ length: 33 }, () => ({ type: 'relu' })) },
      { ...good, layers: [{ ...conv, weight: { shape: [1, 3, 3], data: new Float64Array(9) } }] },
      { ...good, layers: [{ ...conv, weight: { shape: [1, 1, 3, 3], data: new Float64Array(8) } }] },
      { ...good, layers: [{ ...conv, stride: 0 }] },
      { ...good, layers: [{ type: 'max-pool2d' }] },
      { ...good, layers: [{ type: 'avg-pool2d', kernelSize: 2, divisorOverride: 0 }] },
      { ...good, layers: [{ type: 'leaky-relu', negativeSlope: Infinity }] },
      { ...good, gradient: { kind: 'unit', layer: -1, unit: [0, 0, 0, 0] } },
      { ...good, gradient: { kind: 'unit', layer: 0, unit: [0, 0, 0] } },
      { ...good, gradient: { kind: 'seed' } },
      { ...good, display: undefined },
      'not an object',
    ]
    for (const payload of bad) expect(failure(await fast.handle('computeStack', payload)).code, JSON.stringify(payload)).toBe('bad-request')
    for (const probe of [
      { requestId: 1, layer: -2, which: 'output', start: 0, count: 1 },
      { requestId: 1, layer: 0, which: 'weights', start: 0, count: 1 },
      { requestId: 1, layer: 0, which: 'output', start: -1, count: 1 },
      { requestId: 1, layer: 0, which: 'output', start: 0, count: 0 },
    ]) {
      expect(failure(await fast.handle('probeStack', probe)).code).toBe('bad-request')
    }
    // still working, and probes outside the last result are refused
    const result = value(await fast.invoke('computeStack', good as StackComputeRequest))
    expect(result.layers).toHaveLength(1)
    expect(failure(await fast.invoke('probeStack', { requestId: good.requestId, layer: 0, which: 'output', start: 30, count: 10 })).code).toBe('bad-request')
    expect(failure(await fast.invoke('probeStack', { requestId: good.requestId, layer: 0, which: 'gradOutput', start: 0, count: 1 })).code).toBe('bad-request')
    expect(failure(await fast.invoke('probeStack', { requestId: good.requestId + 1, layer: 0, which: 'output', start: 0, count: 1 })).code).toBe('bad-request')
    expect(failure(await fast.invoke('computeStack', { ...(good as StackComputeRequest), inputId: 'nope' })).code).toBe('unknown-input')
  })
})
