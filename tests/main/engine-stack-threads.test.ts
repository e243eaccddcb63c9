// Stacks under the thread policy: a stack's large convolutions on every core (at most 4), small
// ones on the worker's thread, the result naming the widest path taken, the same numbers either
// way, and a newer request stopping the stack's kernel threads.

import { afterAll, describe, expect, it, vi } from 'vitest'
import type { Tensor } from '../../core'
import { normalTensor, seededSource, stackPreset } from '../../core'
import type { ErrorEnvelope, Result, StackComputeRequest, TensorPayload, WireLayer } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createPolicyKernel } from '../../src-main/engine/policy-kernel'
import { stackKernelThreads } from '../../src-main/engine/thread-policy'
import { value } from '../support/engine-results'

function failure(result: Result<unknown>): ErrorEnvelope {
  if (result.ok) throw new Error('expected an error envelope')
  return result
}

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })
const wire = (seed: number, channels = 3): WireLayer[] =>
  stackPreset('vgg-block', channels, seed).map((layer) =>
    layer.type === 'conv2d' ? { ...layer, weight: payload(layer.weight), bias: layer.bias ? payload(layer.bias) : null } : layer,
  ) as WireLayer[]

describe('stack thread policy', () => {
  it('gives a stack every core, at least 1 and at most 4', () => {
    expect([1, 2, 3, 4, 5, 8].map((cores) => stackKernelThreads(cores))).toEqual([1, 2, 3, 4, 4, 4])
  })
})

describe('a stack on the policy kernel (1 thread for Conv2d changes, 2 for stacks)', async () => {
  const policy = await createPolicyKernel({ threads: 1, stackThreads: 2 })
  const alone = await createPolicyKernel({ threads: 1, stackThreads: 1 })
  const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(policy) })
  const reference = new Engine({ host: 'browser', spawn: sameThreadWorker(alone) })
  afterAll(() => {
    engine.close()
    reference.close()
  })

  const run = async (target: Engine, side: number, requestId: number) => {
    const x = normalTensor([1, 3, side, side], seededSource(side))
    const inputId = value(await target.invoke('setInput', payload(x))).inputId
    const request: StackComputeRequest = {
      requestId,
      inputId,
      layers: wire(4),
      gradient: { kind: 'output', gradOutput: { kind: 'random', seed: 2 } },
      display: { maxSide: 0 },
    }
    const result = value(await target.invoke('computeStack', request))
    const dx = value(await target.invoke('probeStack', { requestId, layer: -1, which: 'gradOutput', start: 0, count: 3 * side * side }))
    return { result, dx }
  }

  it('names the path: two threads for a 256×256 photo, the worker thread for a small one; the same numbers', async () => {
    expect(policy.name).toBe('wasm relaxed-simd f64 ×1')
    const large = await run(engine, 256, 1)
    expect(large.result.kernel).toBe('wasm relaxed-simd f64 ×2')
    const small = await run(engine, 16, 2)
    expect(small.result.kernel).toBe('wasm relaxed-simd f64 ×1')
    const single = await run(reference, 256, 1)
    expect(single.result.kernel).toBe('wasm relaxed-simd f64 ×1')
    // rows split between threads: each dE/dx value is computed by the same kernel, bit for bit;
    // dE/dw sums each thread's rows first, so it may differ in the last bits
    expect(large.dx).toEqual(single.dx)
    for (const i of [0, 2, 4]) {
      const [a, b] = [large.result.layers[i].gradWeight!.data, single.result.layers[i].gradWeight!.data]
      b.forEach((v, k) => expect(Math.abs(a[k] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))))
    }
  })

  it("stops the stack's kernel threads when a newer request arrives", async () => {
    const cancel = vi.spyOn(policy as Required<typeof policy>, 'cancel')
    const x = normalTensor([1, 3, 384, 384], seededSource(5))
    const inputId = value(await engine.invoke('setInput', payload(x))).inputId
    const request = (requestId: number): StackComputeRequest => ({
      requestId,
      inputId,
      // three VGG blocks: long enough (seconds on a loaded machine) to be mid-way after the wait
      layers: [...wire(6), { type: 'relu' }, ...wire(7, 16), { type: 'relu' }, ...wire(8, 16)],
      gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
      display: { maxSide: 64 },
    })
    const first = engine.invoke('computeStack', request(11))
    await new Promise((resolve) => setTimeout(resolve, 150))
    const second = engine.invoke('computeStack', request(12))
    const [a, b] = await Promise.all([first, second])
    expect(failure(a).code).toBe('cancelled')
    expect(value(b).layers).toHaveLength(17)
    expect(cancel).toHaveBeenCalled()
    cancel.mockRestore()
  })
})
