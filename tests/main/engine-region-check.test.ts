// The engine methods behind "one compute path" on any size: regionValues hands out exact float64
// values of an output region (the padded input window convolved by the weight gives the output
// region exactly; dE/dy and dE/dx equal the full tensors there), and checkGradients checks the
// engine's gradients on the user's own tensors, every element of small ones, a stated number of
// random elements of large ones, with progress and cancel.

import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, conv2dBackward, normalTensor, seededSource } from '../../core'
import type { ComputeRequest, EngineEvent, GradientCheckRequest } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import type { ConvKernel } from '../../src-main/engine/kernel'
import { realWorker, removeMainBundle } from './helpers/worker-bundle'
import { value, payload } from '../support/engine-results'

const source = seededSource(77)
const x = normalTensor([2, 4, 13, 12], source)
const weight = normalTensor([6, 2, 3, 2], source)
const bias = normalTensor([6], source)
const options = {
  stride: [2, 1] as [number, number],
  padding: [2, 1] as [number, number],
  dilation: [1, 2] as [number, number],
  groups: 2,
  paddingMode: 'reflect' as const,
}

function expectWithin(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): void {
  expect(got.length).toBe(want.length)
  for (let k = 0; k < want.length; k++) expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want[k])))
}

/** t[n, :, rows, cols] of an NCHW tensor. */
function crop(t: Tensor, n: number, top: number, left: number, height: number, width: number): number[] {
  const [, channels, h, w] = t.shape
  const out: number[] = []
  for (let c = 0; c < channels; c++) {
    for (let i = top; i < top + height; i++) for (let j = left; j < left + width; j++) out.push(t.data[((n * channels + c) * h + i) * w + j])
  }
  return out
}

const kernels: Array<[string, () => Promise<ConvKernel>]> = [
  ['wasm relaxed-simd', () => createFastKernel({ threads: 0 })],
  ['two kernel threads', () => createFastKernel({ threads: 2 })],
]

describe.each(kernels)('regionValues (%s)', (_, makeKernel) => {
  it('gives the exact padded window, output, dE/dy and dE/dx of a region', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(await makeKernel()) })
    const inputId = value(await engine.invoke('setInput', payload(x))).inputId
    const gradOutput = normalTensor([2, 6, 8, 12], source)
    const request: ComputeRequest = {
      requestId: 9,
      inputId,
      weight: payload(weight),
      bias: payload(bias),
      options,
      gradOutput: { kind: 'tensor', tensor: payload(gradOutput) },
      display: { maxSide: 4 },
    }
    value(await engine.invoke('compute', request))
    const y = conv2d(x, weight, bias, options).output
    expect(y.shape).toEqual([2, 6, 8, 12])
    const grads = conv2dBackward(x, weight, bias, gradOutput, options)
    const region = { top: 0, left: 9, height: 3, width: 3 }
    const got = value(await engine.invoke('regionValues', { requestId: 9, batch: 1, region }))
    expect(got.region).toEqual(region)
    // the window: rows 0..(3−1)·2+3−1 = 6 of the padded input, columns 9..9+2+2 = 13
    expect(got.window).toEqual({ top: 0, left: 9, height: 7, width: 5 })
    expectWithin(got.output.data, crop(y, 1, 0, 9, 3, 3), 1e-12)
    expectWithin(got.gradOutput!.data, crop(gradOutput, 1, 0, 9, 3, 3), 0)
    // the window convolved without padding gives the region (core's conv2d, 1e-12)
    const again = conv2d({ shape: got.paddedInput.shape, data: got.paddedInput.data }, weight, bias, { ...options, padding: 0 }).output
    expectWithin(again.data, got.output.data, 1e-12)
    // dE/dx where the window is inside the input: rows 0..4, columns 8..11 (reflect padding 2, 1)
    expect(got.gradInput!.rect).toEqual({ top: 0, left: 8, height: 5, width: 4 })
    expectWithin(got.gradInput!.tensor.data, crop(grads.gradInput, 1, 0, 8, 5, 4), 1e-12)
    // a region outside the output, or of another compute, is refused
    expect(await engine.invoke('regionValues', { requestId: 9, batch: 0, region: { top: 7, left: 0, height: 2, width: 1 } })).toMatchObject({
      ok: false,
      code: 'bad-request',
    })
    expect(await engine.invoke('regionValues', { requestId: 8, batch: 0, region })).toMatchObject({ ok: false, code: 'bad-request' })
    engine.close()
  })
})

describe('checkGradients', () => {
  const check = (inputId: string, extra: Partial<GradientCheckRequest> = {}): GradientCheckRequest => ({
    inputId,
    weight: payload(weight),
    bias: payload(bias),
    options,
    gradOutput: { kind: 'random', seed: 3 },
    elements: 10_000,
    tolerance: 1e-6,
    seed: 1,
    ...extra,
  })

  it('checks every element of small tensors and passes for the engine kernel', async () => {
    const events: EngineEvent[] = []
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(await createFastKernel({ threads: 0 })) })
    engine.onEvent((event) => events.push(event))
    const inputId = value(await engine.invoke('setInput', payload(x)))
    const report = value(await engine.invoke('checkGradients', check(inputId.inputId)))
    expect(report.counts).toEqual({
      input: { checked: x.data.length, total: x.data.length },
      weight: { checked: 72, total: 72 },
      bias: { checked: 6, total: 6 },
    })
    expect(report.checked).toBe(x.data.length + 72 + 6)
    expect(report.failures).toBe(0)
    expect(report.passed).toBe(true)
    expect(report.worst!.relativeError).toBeLessThan(1e-6)
    expect(events.at(-1)).toEqual({ type: 'progress', task: 'gradcheck', done: report.checked, total: report.checked })
    engine.close()
  })

  it('draws the stated number of random elements of a large input and says so', async () => {
    const big = normalTensor([1, 3, 300, 280], source)
    const w = normalTensor([8, 3, 3, 3], source)
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(await createFastKernel({ threads: 0 })) })
    const inputId = value(await engine.invoke('setInput', payload(big))).inputId
    const report = value(
      await engine.invoke('checkGradients', {
        inputId,
        weight: payload(w),
        bias: null,
        options: { padding: 1 },
        gradOutput: { kind: 'ones' },
        elements: 25,
        tolerance: 1e-6,
        seed: 5,
      }),
    )
    expect(report.counts).toEqual({ input: { checked: 25, total: big.data.length }, weight: { checked: 25, total: 216 }, bias: { checked: 0, total: 0 } })
    expect(report.passed).toBe(true)
    engine.close()
  })

  it('finds a wrong gradient', async () => {
    const fast = await createFastKernel({ threads: 0 })
    // dE/dx off by one part in a thousand
    const wrong: ConvKernel = {
      ...fast,
      name: 'wrong',
      async backward(...args) {
        const grads = await fast.backward(...args)
        grads.gradInput.data[5] *= 1.001
        return grads
      },
    }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(wrong) })
    const inputId = value(await engine.invoke('setInput', payload(x))).inputId
    const report = value(await engine.invoke('checkGradients', check(inputId)))
    expect(report.passed).toBe(false)
    expect(report.failures).toBe(1)
    expect(report.worst).toMatchObject({ parameter: 'input', index: [0, 0, 0, 5] })

    engine.close()
  })

  it('stops when cancelled (the real worker threads), and computes go on meanwhile', async () => {
    const engine = new Engine({ host: 'browser', spawn: await realWorker() })
    const big = normalTensor([1, 3, 200, 200], source)
    const inputId = value(await engine.invoke('setInput', payload(big))).inputId
    const w = payload(normalTensor([8, 3, 3, 3], source))
    const progress: EngineEvent[] = []
    engine.onEvent((event) => progress.push(event))
    const running = engine.invoke('checkGradients', { ...check(inputId), weight: w, bias: null, options: { padding: 1 }, elements: 100_000 })
    while (progress.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const computed = value(await engine.invoke('compute', { requestId: 1, inputId, weight: w, bias: null, options: { padding: 1 }, display: { maxSide: 16 } }))
    expect(computed.output.shape).toEqual([1, 8, 200, 200])
    value(await engine.invoke('cancel', 'gradcheck'))
    const stopped = value(await running)
    expect(stopped.cancelled).toBe(true)
    expect(stopped.passed).toBe(false)
    expect(stopped.checked).toBeLessThan(100_000 + 216)
    engine.close()
    await removeMainBundle()
  })
})
