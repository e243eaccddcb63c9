// The engine's filteredTarget: y_target = x ⋆ w_preset (no bias) equal to core's filteredTarget
// (1e-12, with the fast kernel too), kept by id for learnStep and the 'mse-stored' upstream
// gradient (same loss and dE/dy as sending the target itself), whole only when small; refusals.

import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { filteredTarget, meanSquaredError, conv2d, normalTensor, presetById, presetWeightLike, seededSource } from '../../core'
import { FILTERED_TARGET_VALUES } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import { value } from '../support/engine-results'

async function store(engine: Engine, tensor: Tensor): Promise<string> {
  return value(await engine.invoke('setInput', { shape: [...tensor.shape], data: tensor.data.slice() })).inputId
}

const payload = (t: Tensor) => ({ shape: [...t.shape], data: t.data })
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))

describe('filteredTarget in the engine', () => {
  const source = seededSource(5)
  const input = normalTensor([1, 2, 20, 17], source)
  const weight = normalTensor([3, 2, 5, 5], source)
  const options = { stride: [2, 1] as [number, number], padding: 2, paddingMode: 'reflect' as const }

  it("computes core's target, keeps it for the loss, and gives the same loss as sending it", async () => {
    for (const spawn of [sameThreadWorker(), sameThreadWorker(await createFastKernel({ threads: 0 }))]) {
      const engine = new Engine({ host: 'browser', spawn })
      const inputId = await store(engine, input)
      const presetWeight = presetWeightLike(weight, presetById('sobel-y'))
      const answer = value(await engine.invoke('filteredTarget', { inputId, weight: payload(presetWeight), options }))
      const expected = filteredTarget(input, weight, presetById('sobel-y'), options)
      expect(answer.shape).toEqual(expected.shape)
      expected.data.forEach((v, k) => expect(close(answer.values![k], v)).toBe(true))
      const request = { requestId: 1, inputId, weight: payload(weight), bias: null, options, display: { maxSide: 0 } }
      const stored = value(await engine.invoke('compute', { ...request, gradOutput: { kind: 'mse-stored', targetId: answer.targetId } }))
      const output = conv2d(input, weight, null, options).output
      expect(close(stored.loss!, meanSquaredError(output, expected).loss)).toBe(true)
      const sent = value(
        await engine.invoke('compute', { ...request, requestId: 2, gradOutput: { kind: 'mse', target: { shape: answer.shape, data: answer.values! } } }),
      )
      expect(stored.loss).toBe(sent.loss)
      engine.close()
    }
  })

  it('keeps a large target in the engine only', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const large = normalTensor([1, 1, 300, 300], seededSource(2))
    const inputId = await store(engine, large)
    const answer = value(await engine.invoke('filteredTarget', { inputId, weight: { shape: [1, 1, 1, 1], data: Float64Array.of(2) }, options: {} }))
    expect(300 * 300).toBeGreaterThan(FILTERED_TARGET_VALUES)
    expect(answer.values).toBeNull()
    expect(answer.shape).toEqual([1, 1, 300, 300])
    engine.close()
  })

  it('refuses an unknown input or target id, and an input of other channels', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const unknown = await engine.invoke('filteredTarget', { inputId: 'nope', weight: { shape: [1, 1, 3, 3], data: new Float64Array(9) }, options: {} })
    expect(!unknown.ok && unknown.code).toBe('unknown-input')
    const inputId = await store(engine, input)
    const channels = await engine.invoke('filteredTarget', { inputId, weight: { shape: [1, 3, 3, 3], data: new Float64Array(27) }, options: {} })
    expect(!channels.ok && channels.code).toBe('input-channels')
    const compute = await engine.invoke('compute', {
      requestId: 1,
      inputId,
      weight: payload(weight),
      bias: null,
      options,
      display: { maxSide: 0 },
      gradOutput: { kind: 'mse-stored', targetId: 'gone' },
    })
    expect(!compute.ok && compute.code).toBe('unknown-input')
    engine.close()
  })
})
