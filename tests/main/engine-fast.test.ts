// The engine on the fast path (core/fast's WebAssembly kernels behind the engine's ConvKernel):
// every PyTorch reference case through compute and probe at the reference tolerance, the kernel
// named in results and About with its fallbacks, result arrays reused without corrupting the
// probed result, and a superseded request stopped.

import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, normalTensor, seededSource } from '../../core'
import type { ComputeRequest, ErrorEnvelope, Result, TensorPayload } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import type { ConvKernel } from '../../src-main/engine/kernel'
import type { Conv2dImplementation } from '../reference/suite'
import { referenceSuite } from '../reference/suite'
import { realWorker, removeMainBundle } from './helpers/worker-bundle'
import { value } from '../support/engine-results'

function failure(result: Result<unknown>): ErrorEnvelope {
  if (result.ok) throw new Error('expected an error envelope')
  return result
}

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

async function storeInput(engine: Engine, tensor: Tensor): Promise<string> {
  return value(await engine.invoke('setInput', { shape: [...tensor.shape], data: tensor.data.slice() })).inputId
}

/** conv2d through the engine: maps for the screen, exact float64 values by probe. */
function throughEngine(engine: Engine): Conv2dImplementation {
  let requestId = 0
  const run = async (x: Tensor, weight: Tensor, bias: Tensor | null, options: ComputeRequest['options'], gradOutput?: Tensor) => {
    const inputId = await storeInput(engine, x)
    const id = ++requestId
    const result = value(
      await engine.invoke('compute', {
        requestId: id,
        inputId,
        weight: payload(weight),
        bias: bias ? payload(bias) : null,
        options,
        display: { maxSide: 0 },
        ...(gradOutput ? { gradOutput: { kind: 'tensor' as const, tensor: payload(gradOutput) } } : {}),
      }),
    )
    const exact = async (which: 'output' | 'gradInput', shape: readonly number[]): Promise<Tensor> => {
      const count = shape.reduce((a, b) => a * b, 1)
      return { shape: [...shape], data: value(await engine.invoke('probe', { requestId: id, which, start: 0, count })) }
    }
    return { result, exact }
  }
  return {
    async forward(x, weight, bias, options) {
      const { result, exact } = await run(x, weight, bias, options)
      return exact('output', result.output.shape)
    },
    async backward(x, weight, bias, gradOutput, options) {
      const { result, exact } = await run(x, weight, bias, options, gradOutput)
      return {
        gradInput: await exact('gradInput', x.shape),
        gradWeight: { shape: [...weight.shape], data: result.gradWeight!.data },
        gradBias: result.gradBias ? { shape: [...result.gradBias.shape], data: result.gradBias.data } : null,
      }
    },
  }
}

const relaxed = await createFastKernel({ threads: 0 })
const relaxedEngine = new Engine({ host: 'browser', spawn: sameThreadWorker(relaxed) })
const plain = await createFastKernel({ threads: 0, prefer: 'simd' })
const plainEngine = new Engine({ host: 'browser', spawn: sameThreadWorker(plain) })
const pair = await createFastKernel({ threads: 2 })
const pairEngine = new Engine({ host: 'browser', spawn: sameThreadWorker(pair) })
afterAll(() => {
  for (const engine of [relaxedEngine, plainEngine, pairEngine]) engine.close()
})

describe('fast kernels in the engine', () => {
  it('are named in About and every result, with their fallbacks', async () => {
    expect(relaxed.name).toBe('wasm relaxed-simd f64 ×1')
    expect(plain.name).toBe('wasm simd f64 ×1')
    expect(pair.name).toBe('wasm relaxed-simd f64 ×2')
    expect((await createFastKernel({ prefer: 'scalar' })).name).toBe('scalar')
    expect(value(await relaxedEngine.invoke('about', undefined)).kernel).toBe('wasm relaxed-simd f64 ×1')
    const x = normalTensor([1, 2, 6, 5], seededSource(4))
    const inputId = await storeInput(plainEngine, x)
    const weight = payload(normalTensor([3, 2, 3, 3], seededSource(5)))
    const result = value(await plainEngine.invoke('compute', { requestId: 1, inputId, weight, bias: null, options: {}, display: { maxSide: 0 } }))
    expect(result.kernel).toBe('wasm simd f64 ×1')
  })

  it('reuse the arrays of an older result without touching the one a probe reads', async () => {
    const x = normalTensor([1, 3, 40, 40], seededSource(6))
    const inputId = await storeInput(relaxedEngine, x)
    const weights = [1, 2, 3].map((seed) => normalTensor([4, 3, 3, 3], seededSource(100 + seed)))
    for (const [k, weight] of weights.entries()) {
      value(
        await relaxedEngine.invoke('compute', {
          requestId: 10 + k,
          inputId,
          weight: payload(weight),
          bias: null,
          options: { padding: 1 },
          display: { maxSide: 0 },
        }),
      )
    }
    const last = conv2d(x, weights[2], null, { padding: 1 }).output
    const probed = value(await relaxedEngine.invoke('probe', { requestId: 12, which: 'output', start: 0, count: last.data.length }))
    let worst = 0
    for (let k = 0; k < last.data.length; k++) worst = Math.max(worst, Math.abs(probed[k] - last.data[k]) / Math.max(1, Math.abs(last.data[k])))
    expect(worst).toBeLessThanOrEqual(1e-12)
  })

  it('count NaN and infinity in the maps as core does', async () => {
    const x = normalTensor([1, 2, 12, 12], seededSource(9))
    x.data[5] = NaN
    x.data[150] = Infinity
    x.data[200] = -Infinity
    const weight = payload(normalTensor([3, 2, 3, 3], seededSource(10)))
    const scalarEngine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const answers = []
    for (const engine of [relaxedEngine, scalarEngine]) {
      const inputId = await storeInput(engine, x)
      answers.push(value(await engine.invoke('compute', { requestId: 40, inputId, weight, bias: null, options: { padding: 1 }, display: { maxSide: 0 } })))
    }
    scalarEngine.close()
    const [fast, core] = answers
    expect(Array.from(fast.output.nonFinite)).toEqual(Array.from(core.output.nonFinite))
    expect(Array.from(fast.output.nonFinite).every((count) => count > 0)).toBe(true)
    for (let k = 0; k < core.output.data.length; k++) {
      const [a, b] = [fast.output.data[k], core.output.data[k]]
      if (Number.isFinite(b)) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)))
      else expect(a).toBe(b)
    }
  })

  it('send only float32 maps at the asked size and small float64 tensors', async () => {
    const x = normalTensor([1, 3, 300, 200], seededSource(12))
    const inputId = await storeInput(relaxedEngine, x)
    const weight = payload(normalTensor([8, 3, 3, 3], seededSource(13)))
    const bias = payload(normalTensor([8], seededSource(14)))
    const result = value(
      await relaxedEngine.invoke('compute', {
        requestId: 60,
        inputId,
        weight,
        bias,
        options: { padding: 1 },
        gradOutput: { kind: 'ones' },
        display: { maxSide: 64 },
      }),
    )
    const arrays: ArrayBufferView[] = []
    const collect = (node: unknown): void => {
      if (ArrayBuffer.isView(node)) arrays.push(node)
      else if (node && typeof node === 'object') Object.values(node).forEach(collect)
    }
    collect(result)
    // float64 only for the weight gradient (8·3·3·3), the bias gradient and per-plane ranges
    const largestFloat64 = Math.max(...arrays.filter((a) => a instanceof Float64Array).map((a) => (a as Float64Array).length))
    expect(largestFloat64).toBe(8 * 27)
    for (const maps of [result.output, result.gradInput!, result.gradOutput!]) {
      expect(maps.data).toBeInstanceOf(Float32Array)
      expect(Math.max(maps.displayH, maps.displayW)).toBeLessThanOrEqual(64)
    }
  })

  it('stop a superseded request: two threads at once (cancel), the worker thread before its next pass', async () => {
    const big = normalTensor([1, 3, 512, 512], seededSource(7))
    const heavy = payload(normalTensor([32, 3, 7, 7], seededSource(8)))
    // the engine's real worker thread (its kernel is chosen in worker.ts): one thread
    const workerEngine = new Engine({ host: 'browser', spawn: await realWorker() })
    onTestFinished(async () => {
      workerEngine.close()
      await removeMainBundle()
    })
    for (const [engine, kernel] of [
      [pairEngine, pair],
      [workerEngine, relaxed],
    ] as const) {
      const cancel = vi.spyOn(kernel as Required<ConvKernel>, 'cancel')
      const inputId = await storeInput(engine, big)
      const request = (requestId: number): ComputeRequest => ({
        requestId,
        inputId,
        weight: heavy,
        bias: null,
        options: { padding: 3 },
        gradOutput: { kind: 'ones' },
        display: { maxSide: 128 },
      })
      const first = engine.invoke('compute', request(1))
      // the second arrives while the first computes (about 0.1 s forward, 0.3 s backward)
      await new Promise((resolve) => setTimeout(resolve, 20))
      const second = engine.invoke('compute', request(2))
      const [a, b] = await Promise.all([first, second])
      expect(failure(a).code).toBe('cancelled')
      expect(failure(a).params.requestId).toBe(1)
      expect(value(b).requestId).toBe(2)
      expect(value(b).kernel).toBe(kernel.name)
      if (kernel === pair) expect(cancel).toHaveBeenCalled()
      cancel.mockRestore()
    }
  })
})

referenceSuite('engine on wasm relaxed-simd f64 ×1 (compute + probe)', throughEngine(relaxedEngine))
referenceSuite('engine on wasm simd f64 ×1 (compute + probe)', throughEngine(plainEngine))
referenceSuite('engine on wasm relaxed-simd f64 ×2 (compute + probe)', throughEngine(pairEngine))
