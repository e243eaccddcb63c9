// The engine as the transports use it: results equal core's conv2d and conv2dBackward
// (exact through probes, float32-rounded in the display maps), newer requests supersede older
// ones, gradient checks report progress and stop when cancelled, and errors come back as
// envelopes without stopping the engine.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Tensor } from '../../core'
import { ConvolabError, conv2d, conv2dBackward, normalTensor, outputShape, seededSource } from '../../core'
import type { ComputeRequest, ComputeResult, EngineEvent, ErrorEnvelope, Result, TensorPayload } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import type { ConvKernel } from '../../src-main/engine/kernel'
import { scalarKernel } from '../../src-main/engine/kernel'
import { realWorker, removeMainBundle } from './helpers/worker-bundle'
import { value } from '../support/engine-results'

function failure(result: Result<unknown>): ErrorEnvelope {
  if (result.ok) throw new Error('expected an error envelope')
  return result
}

/**
 * Every value within `tolerance` relative to the largest magnitude of the reference (float32 maps
 * round each value to 24 bits: 1e-6 of the largest covers that; float64 results use 1e-12).
 */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number): void {
  expect(got.length).toBe(want.length)
  let scale = 0
  for (let k = 0; k < want.length; k++) scale = Math.max(scale, Math.abs(want[k]))
  let worst = 0
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]))
  expect(worst).toBeLessThanOrEqual(tolerance * scale)
}

/** The contract's tensor type (mutable shape) for a core tensor. */
const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

const source = seededSource(2024)
const x = normalTensor([2, 3, 9, 11], source)
const weight = payload(normalTensor([4, 3, 3, 2], source))
const bias = payload(normalTensor([4], source))
const options = { stride: [2, 1] as [number, number], padding: 1, dilation: [1, 2] as [number, number], paddingMode: 'reflect' as const }

function request(inputId: string, extra: Partial<ComputeRequest> = {}): ComputeRequest {
  return { requestId: 1, inputId, weight, bias, options, display: { maxSide: 0 }, ...extra }
}

async function storeInput(engine: Engine, tensor: Tensor): Promise<string> {
  // The engine may move the buffer to its worker: send a copy so the test keeps its own.
  return value(await engine.invoke('setInput', { shape: [...tensor.shape], data: tensor.data.slice() })).inputId
}

describe('engine with its real worker thread', () => {
  let engine: Engine
  const events: EngineEvent[] = []

  beforeAll(async () => {
    engine = new Engine({ host: 'browser', spawn: await realWorker() })
    engine.onEvent((event) => events.push(event))
  }, 120_000)
  afterAll(async () => {
    engine.close()
    await removeMainBundle()
  })

  it('forward and backward equal core: exact by probe, float32 in the maps', async () => {
    const inputId = await storeInput(engine, x)
    const result = value(await engine.invoke('compute', request(inputId, { requestId: 7, gradOutput: { kind: 'random', seed: 7 } })))
    const reference = conv2d(x, weight, bias, options)
    const gradOutput = normalTensor(outputShape(reference.geometry), seededSource(7))
    const gradients = conv2dBackward(x, weight, bias, gradOutput, options)

    expect(result.requestId).toBe(7)
    // the worker runs the WebAssembly kernels (relaxed SIMD: Node 20 gets the flag from the engine)
    expect(result.kernel).toBe('wasm relaxed-simd f64 ×1')
    expect(result.output.shape).toEqual(reference.output.shape)
    // they sum in another order than core's loops: PyTorch's reference tolerance, 1e-12 relative
    expectClose(result.output.data, reference.output.data, 1e-6)
    expectClose(result.gradInput!.data, gradients.gradInput.data, 1e-6)
    // Small tensors travel exactly (float64).
    expectClose(result.gradWeight!.data, gradients.gradWeight.data, 1e-12)
    expectClose(result.gradBias!.data, gradients.gradBias!.data, 1e-12)
    const plane = result.output.shape[2] * result.output.shape[3]
    const exactOutput = value(await engine.invoke('probe', { requestId: 7, which: 'output', start: 0, count: reference.output.data.length }))
    const firstPlane = exactOutput.subarray(0, plane)
    expect(result.output.min[0]).toBe(Math.min(...firstPlane))
    expect(result.output.max[0]).toBe(Math.max(...firstPlane))
    expect(exactOutput).toBeInstanceOf(Float64Array)
    expectClose(exactOutput, reference.output.data, 1e-12)
    const someGradInput = value(await engine.invoke('probe', { requestId: 7, which: 'gradInput', start: 100, count: 50 }))
    expectClose(someGradInput, gradients.gradInput.data.subarray(100, 150), 1e-12)
    const input = value(await engine.invoke('probe', { requestId: 7, which: 'input', start: 0, count: 5 }))
    expect(Array.from(input)).toEqual(Array.from(x.data.subarray(0, 5)))
    expect(failure(await engine.invoke('probe', { requestId: 6, which: 'output', start: 0, count: 1 })).code).toBe('bad-request')
  })

  it('a compute sent while another runs supersedes it', async () => {
    const big = normalTensor([1, 3, 256, 256], seededSource(1))
    const inputId = await storeInput(engine, big)
    const heavy = payload(normalTensor([16, 3, 7, 7], seededSource(2)))
    const first = engine.invoke('compute', { requestId: 1, inputId, weight: heavy, bias: null, options: {}, display: { maxSide: 256 } })
    const second = engine.invoke('compute', { requestId: 2, inputId, weight: heavy, bias: null, options: {}, display: { maxSide: 256 } })
    const [a, b] = await Promise.all([first, second])
    expect(failure(a).code).toBe('cancelled')
    expect(failure(a).params.requestId).toBe(1)
    expect(value(b).requestId).toBe(2)
  })

  it('gradcheck reports progress, passes, and stops when cancelled', async () => {
    const check = {
      inputShape: [1, 2, 6, 6] as [number, number, number, number],
      outChannels: 2,
      kernelSize: [3, 3] as [number, number],
      options: { padding: 1 },
      bias: true,
      samples: 2,
      tolerance: 1e-5,
      seed: 3,
    }
    const report = value(await engine.invoke('gradcheck', check))
    expect(report.passed).toBe(true)
    // Per sample: 72 input values, 36 weights, 2 biases.
    expect(report.checked).toBe(2 * (72 + 36 + 2))

    events.length = 0
    const running = engine.invoke('gradcheck', { ...check, samples: 10_000 })
    await vi.waitFor(() => expect(events.some((e) => e.type === 'progress')).toBe(true), { timeout: 30_000, interval: 10 })
    // The compute worker is separate: a forward pass answers while the check runs.
    const inputId = await storeInput(engine, x)
    expect(value(await engine.invoke('compute', request(inputId, { requestId: 50 }))).requestId).toBe(50)
    value(await engine.invoke('cancel', 'gradcheck'))
    const cancelled = value(await running)
    expect(cancelled.cancelled).toBe(true)
    expect(cancelled.passed).toBe(false)
    expect(cancelled.samples).toBeLessThan(10_000)
    const progress = events.filter((e): e is Extract<EngineEvent, { type: 'progress' }> => e.type === 'progress')
    expect(progress[0].task).toBe('gradcheck')
    expect(progress[0].total).toBe(10_000)
  })

  it('about names the version, the host and the kernel', async () => {
    const about = value(await engine.invoke('about', undefined))
    expect(about.host).toBe('browser')
    expect(about.kernel).toBe('wasm relaxed-simd f64 ×1')
    expect(about.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(about.versions.node).toBe(process.versions.node)
  })
})

describe('engine in the same thread (deterministic ordering)', () => {
  it('skips computes that a newer one superseded before they started', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const inputId = await storeInput(engine, x)
    const results = await Promise.all([1, 2, 3].map((requestId) => engine.invoke('compute', request(inputId, { requestId }))))
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['cancelled', 'cancelled', 'ok'])
    expect(value(results[2]).requestId).toBe(3)
  })

  it('drops the result of a compute that a newer one superseded while it ran', async () => {
    let release: () => void = () => {}
    let entered = false
    const gated: ConvKernel = {
      name: 'gated',
      forward: async (...args) => {
        if (!entered) {
          entered = true
          await new Promise<void>((resolve) => (release = resolve))
        }
        return scalarKernel.forward(...args)
      },
      backward: scalarKernel.backward,
    }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(gated) })
    const inputId = await storeInput(engine, x)
    const first = engine.invoke('compute', request(inputId, { requestId: 1 }))
    await vi.waitFor(() => expect(entered).toBe(true))
    const second = engine.invoke('compute', request(inputId, { requestId: 2 }))
    release()
    expect(failure(await first).code).toBe('cancelled')
    expect(value(await second).kernel).toBe('gated')
  })

  it('stops an asynchronous kernel at once when a newer compute arrives', async () => {
    let stop: (error: Error) => void = () => {}
    let calls = 0
    const cancel = vi.fn(() => stop(new ConvolabError('cancelled')))
    const stoppable: ConvKernel = {
      name: 'stoppable',
      // The first run would never end on its own: only cancel() ends it.
      forward: (...args) => (++calls === 1 ? new Promise((_, reject) => (stop = reject)) : scalarKernel.forward(...args)),
      backward: scalarKernel.backward,
      cancel,
    }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(stoppable) })
    const inputId = await storeInput(engine, x)
    const first = engine.invoke('compute', request(inputId, { requestId: 1 }))
    await vi.waitFor(() => expect(calls).toBe(1))
    const second = engine.invoke('compute', request(inputId, { requestId: 2 }))
    expect(failure(await first)).toMatchObject({ code: 'cancelled', params: { requestId: 1 } })
    expect(value(await second).requestId).toBe(2)
    expect(cancel).toHaveBeenCalledTimes(1)
  })

  it('box-downsamples maps to display.maxSide, keeping exact ranges and non-finite counts', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const image = normalTensor([1, 1, 10, 9], seededSource(9))
    image.data[0] = NaN
    image.data[5] = Infinity
    const inputId = await storeInput(engine, image)
    const identity = { shape: [1, 1, 1, 1], data: Float64Array.from([1]) }
    const result = value(await engine.invoke('compute', { requestId: 1, inputId, weight: identity, bias: null, options: {}, display: { maxSide: 4 } }))
    const map = result.output
    // ceil(10 / 4) = 3: boxes of 3×3, the last row and column partial.
    expect([map.displayH, map.displayW]).toEqual([4, 3])
    const box = [image.data[9 * 9 + 6], image.data[9 * 9 + 7], image.data[9 * 9 + 8]]
    expect(map.data[3 * 3 + 2]).toBe(Math.fround((box[0] + box[1] + box[2]) / 3))
    expect(Number.isNaN(map.data[0])).toBe(true)
    expect(map.nonFinite[0]).toBe(2)
    const finite = Array.from(image.data).filter(Number.isFinite)
    expect(map.min[0]).toBe(Math.min(...finite))
    expect(map.max[0]).toBe(Math.max(...finite))
  })

  it('computes the MSE loss and its gradient toward a target', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const inputId = await storeInput(engine, x)
    const y = conv2d(x, weight, bias, options).output
    const target = normalTensor(y.shape, seededSource(11))
    const result = value(await engine.invoke('compute', request(inputId, { gradOutput: { kind: 'mse', target: payload(target) } })))
    let loss = 0
    for (let k = 0; k < y.data.length; k++) loss += (y.data[k] - target.data[k]) ** 2
    loss /= y.data.length
    expect(Math.abs(result.loss! - loss)).toBeLessThanOrEqual(1e-15 * loss)
    const k = 17
    expect(result.gradOutput!.data[k]).toBe(Math.fround((2 * (y.data[k] - target.data[k])) / y.data.length))
  })

  it('answers user errors with their codes, bad payloads with bad-request, bugs with internal, and goes on working', async () => {
    const log = vi.fn()
    const broken: ConvKernel = {
      name: 'broken',
      forward: () => {
        throw new TypeError('boom')
      },
      backward: scalarKernel.backward,
    }
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(broken, log), log })
    const inputId = await storeInput(engine, x)
    expect(failure(await engine.invoke('compute', request('no-such-input'))).code).toBe('unknown-input')
    expect(failure(await engine.invoke('compute', request(inputId, { weight: payload(normalTensor([4, 2, 3, 3], source)) }))).code).toBe('input-channels')
    expect(failure(await engine.handle('compute', { ...request(inputId), options: { stride: 0 } })).code).toBe('bad-request')
    expect(failure(await engine.handle('compute', 'not an object')).code).toBe('bad-request')
    const unexpected = failure(await engine.invoke('compute', request(inputId)))
    expect(unexpected.code).toBe('internal')
    expect(unexpected.params.detail).toBe('boom')
    expect(log).toHaveBeenCalled()
    const good = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const goodId = await storeInput(good, x)
    expect(failure(await good.invoke('compute', request(goodId, { options: { padding: 'same', stride: 2 } }))).code).toBe('same-stride')
    expect(value(await good.invoke('compute', request(goodId))).requestId).toBe(1)
  })

  it('decodes an image and keeps it as an input for compute', async () => {
    const sharp = (await import('sharp')).default
    const png = await sharp({ create: { width: 6, height: 4, channels: 3, background: { r: 255, g: 0, b: 51 } } })
      .png()
      .toBuffer()
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const decoded = value(await engine.invoke('decodeImage', { bytes: new Uint8Array(png), name: 'red.png', grayscale: false, maxSide: 0 }))
    expect(decoded.tensor.shape).toEqual([1, 3, 4, 6])
    const sum = { shape: [1, 3, 1, 1], data: Float64Array.from([1, 1, 1]) }
    const result: ComputeResult = value(
      await engine.invoke('compute', { requestId: 1, inputId: decoded.inputId, weight: sum, bias: null, options: {}, display: { maxSide: 0 } }),
    )
    expect(result.output.data[0]).toBe(Math.fround(1 + 0 + 51 / 255))
  })

  it("hands the readers' notices to the page with the values (transparency dropped, a CSV header skipped)", async () => {
    const sharp = (await import('sharp')).default
    const png = await sharp({ create: { width: 2, height: 2, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0 } } })
      .png()
      .toBuffer()
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const decoded = value(await engine.invoke('decodeImage', { bytes: new Uint8Array(png), name: 'clear.png', grayscale: false, maxSide: 0 }))
    expect(decoded.notices).toEqual([{ code: 'image-alpha', params: { name: 'clear.png' } }])
    expect(decoded.tensor.data[0]).toBe(10 / 255)
    const csv = new TextEncoder().encode('a;b\n0,5;0,25\n')
    const read = value(await engine.invoke('readTensorFile', { bytes: csv, name: 'k.csv' }))
    expect(Array.from(read.data)).toEqual([0.5, 0.25])
    expect(read.notices?.map((notice) => notice.code)).toEqual(['csv-header'])
  })
})
