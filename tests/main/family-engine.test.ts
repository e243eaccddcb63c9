// The engine's learnStep, filteredTarget and checkGradients for the rest of the family: the
// transposed layer's steps and target equal core's convTranspose2d / convTranspose2dBackward
// (1e-12) on the scalar kernel, the fast kernel and a kernel without inputGradient; its check and
// the pools' checks pass on the user's tensors and fail on wrong gradients; max-pool leaves out
// (and counts) the elements at ties; pools are refused for learning and targets in both languages.

import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { convTranspose2d, convTranspose2dBackward, convTranspose2dGeometry, meanSquaredError, normalTensor, seededSource } from '../../core'
import { formatMessage } from '../../messages'
import type { ConvTranspose2dOptions } from '../../core/conv-transpose2d-geometry'
import type { FamilyLayerSpec, GradientCheckRequest } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { transposedForward, transposedGradInput, transposedWeightGradients } from '../../src-main/engine/family-layer'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import type { ConvKernel } from '../../src-main/engine/kernel'
import { scalarKernel } from '../../src-main/engine/kernel'
import { value, payload } from '../support/engine-results'

async function store(engine: Engine, tensor: Tensor): Promise<string> {
  return value(await engine.invoke('setInput', payload(tensor))).inputId
}

function expectWithin(got: ArrayLike<number>, want: ArrayLike<number>, tolerance = 1e-12): void {
  expect(got.length).toBe(want.length)
  let worst = 0
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]) / Math.max(1, Math.abs(want[k])))
  expect(worst).toBeLessThanOrEqual(tolerance)
}

const fast = await createFastKernel()
/** The fast kernel without its dE/dx-alone method: the transposed forward falls back to backward(). */
const { inputGradient: _unused, ...fastWithoutInputGradient } = fast
const kernels: Array<[string, ConvKernel]> = [
  ['scalar', scalarKernel],
  ['fast', fast],
  ['fast without inputGradient', fastWithoutInputGradient as ConvKernel],
]

/** Settings of the transposed layer: strided with output padding and groups; dilated with OP ≥ S (core's loops). */
const settings: Array<[string, number[], number[], ConvTranspose2dOptions]> = [
  ['stride 2, padding 1, output padding 1, groups 2', [2, 4, 6, 5], [4, 3, 3, 2], { stride: 2, padding: 1, outputPadding: [1, 0], groups: 2 }],
  [
    'stride [1,2], dilation 2, output padding 1 ≥ stride 1',
    [1, 3, 5, 6],
    [3, 2, 2, 3],
    { stride: [1, 2], dilation: 2, outputPadding: [1, 1], padding: [0, 1] },
  ],
]

describe('family layer helpers on every kernel: core convTranspose2d and its backward to 1e-12', () => {
  for (const [kernelName, kernel] of kernels) {
    it.each(settings)(`${kernelName}: %s`, async (_name, xShape, wShape, options) => {
      const source = seededSource(5)
      const x = normalTensor(xShape, source)
      const w = normalTensor(wShape, source)
      const geometry = convTranspose2dGeometry(x.shape, w.shape, options, geometry0Bias(w, options))
      const b = normalTensor([geometry.outChannels], source)
      const expected = convTranspose2d(x, w, b, geometry).output
      const output = await transposedForward(kernel, x, w, b, geometry)
      expect(output.shape).toEqual(expected.shape)
      expectWithin(output.data, expected.data)
      const gy = normalTensor(expected.shape, source)
      const core = convTranspose2dBackward(x, w, gy, geometry, true)
      expectWithin((await transposedGradInput(kernel, gy, w, geometry)).data, core.gradInput.data)
      const { gradWeight, gradBias } = await transposedWeightGradients(kernel, x, w, true, gy, geometry)
      expectWithin(gradWeight.data, core.gradWeight.data)
      expectWithin(gradBias!.data, core.gradBias!.data)
    })
  }
})

function geometry0Bias(w: Tensor, options: ConvTranspose2dOptions): number {
  return w.shape[1] * (options.groups ?? 1)
}

/** core's steps of plain gradient descent on the transposed layer (scalar loops). */
function coreSteps(x: Tensor, target: Tensor, w: Tensor, b: Tensor | null, options: ConvTranspose2dOptions, rate: number, steps: number) {
  const geometry = convTranspose2dGeometry(x.shape, w.shape, options, b?.data.length)
  const losses: number[] = []
  for (let k = 0; k < steps; k++) {
    const { output } = convTranspose2d(x, w, b, geometry)
    const { loss, gradOutput } = meanSquaredError(output, target)
    const grads = convTranspose2dBackward(x, w, gradOutput, geometry, b !== null)
    losses.push(loss)
    w = { shape: w.shape, data: w.data.map((v, i) => v - rate * grads.gradWeight.data[i]) }
    if (b) b = { shape: b.shape, data: b.data.map((v, i) => v - rate * grads.gradBias!.data[i]) }
  }
  return { weight: w, bias: b, losses }
}

describe('learnStep with the transposed layer', () => {
  for (const [kernelName, kernel] of kernels) {
    it.each(settings)(`${kernelName}: core's steps to 1e-12 (%s)`, async (_name, xShape, wShape, options) => {
      const source = seededSource(9)
      const x = normalTensor(xShape, source)
      const trueWeight = normalTensor(wShape, source)
      const target = convTranspose2d(x, trueWeight, null, options).output
      const start = normalTensor(wShape, source)
      const bias = normalTensor([target.shape[1]], source)
      const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
      const [inputId, targetId] = [await store(engine, x), await store(engine, target)]
      const layer: FamilyLayerSpec = { type: 'conv-transpose2d', options }
      const answer = value(
        await engine.invoke('learnStep', {
          inputId,
          targetId,
          weight: payload(start),
          bias: payload(bias),
          options: {},
          learningRate: 0.02,
          steps: 5,
          layer,
        }),
      )
      const expected = coreSteps(x, target, start, bias, options, 0.02, 5)
      expectWithin(answer.losses, expected.losses)
      expect(answer.weight.shape).toEqual(wShape)
      expectWithin(answer.weight.data, expected.weight.data)
      expectWithin(answer.bias!.data, expected.bias!.data)
      // the loss falls toward the target
      expect(answer.losses[4]).toBeLessThan(answer.losses[0])
      engine.close()
    })
  }

  it('refuses a target of another shape and a weight the input does not fit', async () => {
    const source = seededSource(2)
    const x = normalTensor([1, 2, 4, 4], source)
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(fast) })
    const [inputId, targetId] = [await store(engine, x), await store(engine, normalTensor([1, 3, 4, 4], source))]
    const base = { inputId, targetId, bias: null, options: {}, learningRate: 0.1, steps: 1 }
    const layer: FamilyLayerSpec = { type: 'conv-transpose2d', options: { stride: 2 } }
    expect(await engine.invoke('learnStep', { ...base, weight: payload(normalTensor([2, 3, 2, 2], source)), layer })).toMatchObject({
      ok: false,
      code: 'grad-output-shape',
    })
    expect(await engine.invoke('learnStep', { ...base, weight: payload(normalTensor([3, 3, 2, 2], source)), layer })).toMatchObject({
      ok: false,
      code: 'input-channels',
    })
    engine.close()
  })
})

describe('filteredTarget with the transposed layer', () => {
  for (const [kernelName, kernel] of kernels) {
    it.each(settings)(`${kernelName}: the input through the layer with the preset weight, no bias (%s)`, async (_name, xShape, wShape, options) => {
      const source = seededSource(4)
      const x = normalTensor(xShape, source)
      const preset = normalTensor(wShape, source)
      const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
      const inputId = await store(engine, x)
      const answer = value(
        await engine.invoke('filteredTarget', { inputId, weight: payload(preset), options: {}, layer: { type: 'conv-transpose2d', options } }),
      )
      const expected = convTranspose2d(x, preset, null, options).output
      expect(answer.shape).toEqual(expected.shape)
      expectWithin(answer.values!, expected.data)
      // kept by id: a learn step toward it from the preset itself has loss 0
      const learned = value(
        await engine.invoke('learnStep', {
          inputId,
          targetId: answer.targetId,
          weight: payload(preset),
          bias: null,
          options: {},
          learningRate: 0.1,
          steps: 1,
          layer: { type: 'conv-transpose2d', options },
        }),
      )
      expect(learned.losses[0]).toBeLessThanOrEqual(1e-24)
      engine.close()
    })
  }
})

describe('pools have no weights to learn', () => {
  const pools: FamilyLayerSpec[] = [
    { type: 'max-pool2d', options: { kernelSize: 2 } },
    { type: 'avg-pool2d', options: { kernelSize: 2 } },
  ]
  it.each(pools.map((layer) => [layer.type, layer] as const))('%s: learnStep and filteredTarget refuse it, in English and Spanish', async (_type, layer) => {
    const source = seededSource(3)
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(fast) })
    const inputId = await store(engine, normalTensor([1, 1, 4, 4], source))
    const targetId = await store(engine, normalTensor([1, 1, 2, 2], source))
    const weight = payload(normalTensor([1, 1, 2, 2], source))
    const learn = await engine.invoke('learnStep', { inputId, targetId, weight, bias: null, options: {}, learningRate: 0.1, steps: 1, layer })
    const target = await engine.invoke('filteredTarget', { inputId, weight, options: {}, layer })
    const name = layer.type === 'max-pool2d' ? 'MaxPool2d' : 'AvgPool2d'
    for (const result of [learn, target]) {
      expect(result).toMatchObject({ ok: false, code: 'pool-no-weights', params: { layer: name } })
      // the page words the envelope in its language (messages/)
      if (!result.ok) {
        expect(formatMessage(result.code, result.params, 'en')).toContain(`${name} has no weights to learn`)
        expect(formatMessage(result.code, result.params, 'es')).toContain(`${name} no tiene pesos que aprender`)
      }
    }
    engine.close()
  })
})

function checkRequest(
  inputId: string,
  weight: Tensor,
  bias: Tensor | null,
  layer: FamilyLayerSpec,
  extra: Partial<GradientCheckRequest> = {},
): GradientCheckRequest {
  return {
    inputId,
    weight: payload(weight),
    bias: bias ? payload(bias) : null,
    options: {},
    gradOutput: { kind: 'random', seed: 8 },
    elements: 1000,
    tolerance: 1e-6,
    seed: 1,
    layer,
    ...extra,
  }
}

describe('checkGradients for the transposed layer', () => {
  for (const [kernelName, kernel] of [kernels[0], kernels[1]]) {
    it.each(settings)(`${kernelName}: every element of x, w and b passes (%s)`, async (_name, xShape, wShape, options) => {
      const source = seededSource(6)
      const x = normalTensor(xShape, source)
      const w = normalTensor(wShape, source)
      const b = normalTensor([geometry0Bias(w, options)], source)
      const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
      const inputId = await store(engine, x)
      const report = value(await engine.invoke('checkGradients', checkRequest(inputId, w, b, { type: 'conv-transpose2d', options })))
      expect(report.counts).toEqual({
        input: { checked: x.data.length, total: x.data.length },
        weight: { checked: w.data.length, total: w.data.length },
        bias: { checked: b.data.length, total: b.data.length },
      })
      expect(report.failures).toBe(0)
      expect(report.passed).toBe(true)
      expect(report.worst!.relativeError).toBeLessThan(1e-6)
      expect(report.excluded).toBeUndefined()
      engine.close()
    })
  }

  it('samples a stated number of elements of a larger input, with an mse upstream gradient', async () => {
    const source = seededSource(12)
    const x = normalTensor([1, 3, 40, 40], source)
    const w = normalTensor([3, 4, 3, 3], source)
    const options = { stride: 2, padding: 1, outputPadding: 1 }
    const target = normalTensor([1, 4, 80, 80], source)
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(fast) })
    const inputId = await store(engine, x)
    const report = value(
      await engine.invoke(
        'checkGradients',
        checkRequest(inputId, w, null, { type: 'conv-transpose2d', options }, { elements: 30, gradOutput: { kind: 'mse', target: payload(target) } }),
      ),
    )
    expect(report.counts.input).toEqual({ checked: 30, total: 4800 })
    expect(report.counts.weight).toEqual({ checked: 30, total: 108 })
    expect(report.counts.bias).toEqual({ checked: 0, total: 0 })
    expect(report.passed).toBe(true)
    engine.close()
  })

  it('fails on a kernel with a wrong dE/dw (the check can fail)', async () => {
    const source = seededSource(13)
    const x = normalTensor([1, 2, 5, 5], source)
    const w = normalTensor([2, 2, 3, 3], source)
    const wrong: ConvKernel = {
      ...fast,
      weightGradients: async (...args) => {
        const grads = await fast.weightGradients!(...args)
        return { ...grads, gradWeight: { shape: grads.gradWeight.shape, data: grads.gradWeight.data.map((v) => v * 1.01) } }
      },
    }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(wrong) })
    const inputId = await store(engine, x)
    const report = value(await engine.invoke('checkGradients', checkRequest(inputId, w, null, { type: 'conv-transpose2d', options: { stride: 2 } })))
    expect(report.passed).toBe(false)
    expect(report.failures).toBe(w.data.length)
    expect(report.worst!.parameter).toBe('weight')
    engine.close()
  })
})

describe('checkGradients for the pools (dE/dx only)', () => {
  const noWeight = normalTensor([1, 1, 1, 1], seededSource(1))

  it.each([
    ['max, stride 1, padding 1, dilation 2, ceil mode', { type: 'max-pool2d', options: { kernelSize: 3, stride: 1, padding: 1, dilation: 2, ceilMode: true } }],
    ['max, 2×3 windows, stride 2', { type: 'max-pool2d', options: { kernelSize: [2, 3], stride: 2 } }],
    ['avg, ceil mode, no padding counted', { type: 'avg-pool2d', options: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false } }],
    ['avg, divisor override', { type: 'avg-pool2d', options: { kernelSize: [2, 3], stride: 1, divisorOverride: 5 } }],
  ] as Array<[string, FamilyLayerSpec]>)('%s: every element of x passes, no weight or bias', async (_name, layer) => {
    const x = normalTensor([2, 2, 9, 8], seededSource(21))
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(fast) })
    const inputId = await store(engine, x)
    const report = value(await engine.invoke('checkGradients', checkRequest(inputId, noWeight, null, layer)))
    const excluded = report.excluded?.input ?? 0
    expect(report.counts).toEqual({
      input: { checked: x.data.length - excluded, total: x.data.length },
      weight: { checked: 0, total: 0 },
      bias: { checked: 0, total: 0 },
    })
    if (layer.type === 'max-pool2d') expect(report.excluded).toEqual({ input: 0, reason: 'max-pool-tie' })
    else expect(report.excluded).toBeUndefined()
    expect(report.passed).toBe(true)
    engine.close()
  })

  it('max-pool: an input with ties leaves out exactly the elements at a tie and says why', async () => {
    // integers 0..3 in 2×2 windows: many windows hold two equal largest values
    const source = seededSource(22)
    const data = Float64Array.from({ length: 64 }, () => Math.floor(source() * 4))
    const x: Tensor = { shape: [1, 1, 8, 8], data }
    let tied = 0
    for (let k = 0; k < 64; k++) {
      // each cell is in one window (stride 2): tied when another cell of its window is within 2h
      const [i, j] = [Math.floor(k / 8), k % 8]
      const window = [0, 1, 8, 9].map((d) => (i - (i % 2)) * 8 + (j - (j % 2)) + d).filter((c) => c !== k)
      if (Math.abs(data[k] - Math.max(...window.map((c) => data[c]))) <= 2e-5) tied++
    }
    expect(tied).toBeGreaterThan(0)
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(fast) })
    const inputId = await store(engine, x)
    const report = value(await engine.invoke('checkGradients', checkRequest(inputId, noWeight, null, { type: 'max-pool2d', options: { kernelSize: 2 } })))
    expect(report.excluded).toEqual({ input: tied, reason: 'max-pool-tie' })
    // the reason is a notice the page shows in either language
    expect(formatMessage(report.excluded!.reason, { count: tied }, 'en')).toMatch(new RegExp(`^${tied} elements of x left out of the check`))
    expect(formatMessage(report.excluded!.reason, { count: tied }, 'es')).toMatch(new RegExp(`^${tied} elementos de x fuera de la comprobación`))
    expect(report.counts.input).toEqual({ checked: 64 - tied, total: 64 })
    expect(report.passed).toBe(true)
    // a large input: the stated number of elements, drawn away from ties
    const big: Tensor = { shape: [1, 1, 64, 64], data: Float64Array.from({ length: 4096 }, () => Math.floor(source() * 6)) }
    const bigId = await store(engine, big)
    const sampled = value(
      await engine.invoke(
        'checkGradients',
        checkRequest(bigId, noWeight, null, { type: 'max-pool2d', options: { kernelSize: 3, stride: 1 } }, { elements: 50 }),
      ),
    )
    expect(sampled.counts.input).toEqual({ checked: 50, total: 4096 })
    expect(sampled.excluded!.input).toBeGreaterThan(0)
    expect(sampled.passed).toBe(true)
    engine.close()
  })
})
