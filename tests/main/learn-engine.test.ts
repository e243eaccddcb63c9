// The engine's learnStep: the same steps as core's learnStep (1e-12), refusals of unknown ids,
// mismatched targets and bad rates, and a run that recovers Sobel x.

import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, learnStep, normalTensor, seededSource, type LearningState } from '../../core'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import { value } from '../support/engine-results'

async function store(engine: Engine, tensor: Tensor): Promise<string> {
  return value(await engine.invoke('setInput', { shape: [...tensor.shape], data: tensor.data.slice() })).inputId
}

const sobelX = Float64Array.from([-1, 0, 1, -2, 0, 2, -1, 0, 1])
const options = { stride: 2, padding: 1 }

describe('learnStep in the engine', () => {
  const source = seededSource(31)
  const input = normalTensor([1, 2, 12, 10], source)
  const trueWeight = normalTensor([3, 2, 3, 3], source)
  const target = conv2d(input, trueWeight, null, options).output
  const start: LearningState = { weight: normalTensor([3, 2, 3, 3], source), bias: { shape: [3], data: Float64Array.of(0.1, -0.2, 0.3) }, step: 0, losses: [] }

  it("takes core's learnStep steps exactly", async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const [inputId, targetId] = [await store(engine, input), await store(engine, target)]
    const answer = value(
      await engine.invoke('learnStep', {
        inputId,
        targetId,
        weight: { shape: [3, 2, 3, 3], data: start.weight.data },
        bias: { shape: [3], data: start.bias!.data },
        options,
        learningRate: 0.05,
        steps: 4,
      }),
    )
    let expected = start
    for (let k = 0; k < 4; k++) expected = learnStep(expected, input, target, options, 0.05)
    expect(answer.losses).toHaveLength(4)
    answer.losses.forEach((loss, k) => expect(Math.abs(loss - expected.losses[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, expected.losses[k])))
    answer.weight.data.forEach((w, k) =>
      expect(Math.abs(w - expected.weight.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected.weight.data[k]))),
    )
    answer.bias!.data.forEach((b, k) => expect(Math.abs(b - expected.bias!.data[k])).toBeLessThanOrEqual(1e-12))
    engine.close()
  })

  it("on the fast kernel: core's steps within 1e-12, asking only for dE/dw and dE/db (never dE/dx)", async () => {
    const fast = await createFastKernel()
    expect(fast.weightGradients).toBeTypeOf('function')
    let fullBackwards = 0
    const kernel = { ...fast, backward: (...args: Parameters<typeof fast.backward>) => (fullBackwards++, fast.backward(...args)) }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
    const [inputId, targetId] = [await store(engine, input), await store(engine, target)]
    const answer = value(
      await engine.invoke('learnStep', {
        inputId,
        targetId,
        weight: { shape: [3, 2, 3, 3], data: start.weight.data },
        bias: { shape: [3], data: start.bias!.data },
        options,
        learningRate: 0.05,
        steps: 4,
      }),
    )
    let expected = start
    for (let k = 0; k < 4; k++) expected = learnStep(expected, input, target, options, 0.05)
    expect(fullBackwards).toBe(0)
    answer.losses.forEach((loss, k) => expect(Math.abs(loss - expected.losses[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, expected.losses[k])))
    answer.weight.data.forEach((w, k) =>
      expect(Math.abs(w - expected.weight.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected.weight.data[k]))),
    )
    answer.bias!.data.forEach((b, k) => expect(Math.abs(b - expected.bias!.data[k])).toBeLessThanOrEqual(1e-12))
    engine.close()
  })

  it('refuses unknown ids, a target of another shape and a rate that is not positive', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const inputId = await store(engine, input)
    const wrongId = await store(engine, normalTensor([1, 3, 2, 2], source))
    const base = { inputId, targetId: 'nope', weight: { shape: [3, 2, 3, 3], data: start.weight.data }, bias: null, options, learningRate: 0.1, steps: 1 }
    const unknown = await engine.invoke('learnStep', base)
    expect(!unknown.ok && unknown.code).toBe('unknown-input')
    const shape = await engine.invoke('learnStep', { ...base, targetId: wrongId })
    expect(!shape.ok && shape.code).toBe('grad-output-shape')
    const rate = await engine.invoke('learnStep', { ...base, targetId: wrongId, learningRate: 0 })
    expect(!rate.ok && rate.code).toBe('bad-request')
    engine.close()
  })

  it('recovers Sobel x from a random kernel', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const image = normalTensor([1, 1, 16, 16], seededSource(11))
    const sobelTarget = conv2d(image, { shape: [1, 1, 3, 3], data: sobelX }, null, { padding: 1 }).output
    const [inputId, targetId] = [await store(engine, image), await store(engine, sobelTarget)]
    let weight = { shape: [1, 1, 3, 3], data: normalTensor([1, 1, 3, 3], seededSource(5)).data }
    for (let round = 0; round < 6; round++) {
      weight = value(await engine.invoke('learnStep', { inputId, targetId, weight, bias: null, options: { padding: 1 }, learningRate: 0.3, steps: 50 })).weight
    }
    expect(Math.max(...weight.data.map((w, k) => Math.abs(w - sobelX[k])))).toBeLessThan(1e-3)
    engine.close()
  })
})
