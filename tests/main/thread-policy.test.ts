// The engine's thread policy: cores − 1 kernel threads, at most 4, 1 on a 2-core machine, and
// threads only above the work threshold; the policy kernel runs each pass on the path the policy
// picks, names it in the result, and gives the same numbers on either path.

import { afterAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, convGeometry, multiplyAdds, normalTensor, seededSource } from '../../core'
import type { TensorPayload } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createPolicyKernel } from '../../src-main/engine/policy-kernel'
import { kernelThreads, THREAD_WORK_THRESHOLD, threadsFor } from '../../src-main/engine/thread-policy'

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data.slice() })

describe('thread policy', () => {
  it('gives cores − 1 kernel threads, at least 1 and at most 4', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((cores) => kernelThreads(cores))).toEqual([1, 1, 2, 3, 4, 4, 4])
  })

  it('uses the threads only above the work threshold', () => {
    const small = convGeometry([1, 3, 256, 256], [8, 3, 3, 3], { padding: 1 })
    const large = convGeometry([1, 3, 1024, 1024], [8, 3, 3, 3], { padding: 1 })
    expect(multiplyAdds(small)).toBeLessThan(THREAD_WORK_THRESHOLD)
    expect(multiplyAdds(large)).toBeGreaterThan(THREAD_WORK_THRESHOLD)
    expect([threadsFor(small, 4), threadsFor(large, 4), threadsFor(large, 1)]).toEqual([1, 4, 1])
  })
})

describe('policy kernel with 2 kernel threads', async () => {
  const kernel = await createPolicyKernel({ threads: 2 })
  const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
  afterAll(() => {
    kernel.cancel?.()
    engine.close()
  })
  const source = seededSource(8)
  const weight = normalTensor([8, 3, 3, 3], source)

  it.each([
    ['a small input on the worker thread', 64, 'wasm relaxed-simd f64 ×1'],
    ['a large input on two kernel threads', 1024, 'wasm relaxed-simd f64 ×2'],
  ])('runs %s, exact', async (_, side, name) => {
    const x = normalTensor([1, 3, side, side], source)
    const stored = await engine.invoke('setInput', payload(x))
    if (!stored.ok) throw new Error(stored.message)
    const request = { requestId: side, inputId: stored.value.inputId, weight: payload(weight), bias: null, options: { padding: 1 }, display: { maxSide: 32 } }
    const result = await engine.invoke('compute', request)
    if (!result.ok) throw new Error(result.message)
    expect(result.value.kernel).toBe(name)
    const want = conv2d(x, weight, null, { padding: 1 }).output.data
    const got = await engine.invoke('probe', { requestId: side, which: 'output', start: 0, count: Math.min(want.length, 1 << 20) })
    if (!got.ok) throw new Error(got.message)
    let worst = 0
    for (let k = 0; k < got.value.length; k++) worst = Math.max(worst, Math.abs(got.value[k] - want[k]) / Math.max(1, Math.abs(want[k])))
    expect(worst).toBeLessThan(1e-12)
    // the colour bar's extreme is the exact minimum of the engine's own float64 plane
    let low = Infinity
    for (let k = 0; k < side * side; k++) low = Math.min(low, got.value[k])
    expect(result.value.output.min[0]).toBe(low)
  })
})
