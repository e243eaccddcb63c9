import { describe, expect, it } from 'vitest'
import type { ComputeResult, Transport } from '../../contract'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { ComputeScheduler, type ComputeOutcome } from '../../src-renderer/src/lib/state/compute-scheduler'

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function job(value: number) {
  return {
    input: { shape: [1, 1, 3, 3], data: new Float64Array(9).fill(value) },
    weight: { shape: [1, 1, 3, 3], data: new Float64Array(9).fill(1) },
    bias: null,
    options: {},
    maxSide: 0,
  }
}

/** The in-page engine, with compute answering late for chosen request ids. */
function slowTransport(lateIds: Set<number>, delayMs: number): Transport & { computed: number[] } {
  const inner = fakeTransport()
  const computed: number[] = []
  return {
    ...inner,
    computed,
    async invoke(method, request) {
      const response = await inner.invoke(method, request)
      if (method === 'compute') {
        const id = (request as { requestId: number }).requestId
        computed.push(id)
        if (lateIds.has(id)) await wait(delayMs)
      }
      return response
    },
  }
}

describe('compute scheduler', () => {
  it('sends only the last of a burst of edits', async () => {
    const transport = slowTransport(new Set(), 0)
    const outcomes: ComputeOutcome[] = []
    const scheduler = new ComputeScheduler(
      transport,
      (o) => outcomes.push(o),
      () => {},
      () => {},
      10,
    )
    for (let value = 1; value <= 5; value++) scheduler.schedule(job(value))
    await wait(80)
    expect(transport.computed).toHaveLength(1)
    expect(outcomes).toHaveLength(1)
    // Σ of nine fives with a kernel of ones.
    expect((outcomes[0].result as ComputeResult).output.data[0]).toBe(45)
  })

  it('drops a slow result that a newer request superseded', async () => {
    const transport = slowTransport(new Set([1]), 60)
    const outcomes: number[] = []
    const scheduler = new ComputeScheduler(
      transport,
      (o) => outcomes.push((o.result as ComputeResult).output.data[0]),
      () => {},
      () => {},
      1,
    )
    scheduler.schedule(job(1))
    await wait(20)
    scheduler.schedule(job(2))
    await wait(120)
    expect(transport.computed).toEqual([1, 2])
    expect(outcomes).toEqual([18])
  })

  it('stores an input once and sends it again only when it changed', async () => {
    const transport = fakeTransport()
    const scheduler = new ComputeScheduler(
      transport,
      () => {},
      () => {},
      () => {},
      1,
    )
    const first = job(1)
    scheduler.schedule(first)
    await wait(20)
    scheduler.schedule({ ...first, weight: { shape: [1, 1, 3, 3], data: new Float64Array(9).fill(2) } })
    await wait(20)
    scheduler.schedule(job(3))
    await wait(20)
    expect(transport.calls).toEqual(['setInput', 'compute', 'compute', 'setInput', 'compute'])
  })

  it("reports the engine's error for the latest request", async () => {
    const errors: string[] = []
    const scheduler = new ComputeScheduler(
      fakeTransport(),
      () => {},
      (e) => errors.push(e.code),
      () => {},
      1,
    )
    scheduler.schedule({ ...job(1), weight: { shape: [1, 2, 3, 3], data: new Float64Array(18) } })
    await wait(20)
    expect(errors).toEqual(['weight-channels'])
  })

  it('sends a change at once when idle and debounces the edits that come while one runs', async () => {
    const transport = slowTransport(new Set([1]), 60)
    const outcomes: number[] = []
    // a long debounce: a single change must not wait for it
    const scheduler = new ComputeScheduler(
      transport,
      (o) => outcomes.push((o.result as ComputeResult).output.data[0]),
      () => {},
      () => {},
      200,
    )
    scheduler.schedule(job(1))
    await wait(20)
    expect(transport.computed).toEqual([1])
    // while request 1 runs, a burst: only its last edit is sent, after the debounce
    for (let value = 2; value <= 4; value++) scheduler.schedule(job(value))
    await wait(100)
    expect(transport.computed).toEqual([1])
    await wait(200)
    expect(transport.computed).toEqual([1, 4])
    expect(outcomes).toEqual([36])
    // idle again: the next change goes at once
    scheduler.schedule(job(5))
    await wait(20)
    expect(transport.computed).toEqual([1, 4, 5])
  })

  it('computes a layer other than Conv2d as a stack of one, dE/dy from the backward choice, and says a refusal as an error', async () => {
    const inner = fakeTransport()
    const sent: unknown[] = []
    let refuse = false
    const transport: Transport = {
      ...inner,
      async invoke(method, request) {
        if (method !== 'computeStack') return inner.invoke(method, request)
        sent.push(request)
        const { requestId } = request as { requestId: number }
        const refused = refuse ? { layer: 0, code: 'pool-padding', params: { padding: 2, kernel: 2, limit: 1 }, message: 'pool padding' } : undefined
        return {
          ok: true,
          value: { requestId, inputShape: [1, 1, 3, 3], layers: [], kernel: 'test', timings: { computeMs: 0 }, ...(refused ? { refused } : {}) },
        } as never
      },
    }
    const outcomes: ComputeOutcome[] = []
    const errors: string[] = []
    const scheduler = new ComputeScheduler(
      transport,
      (o) => outcomes.push(o),
      (e) => errors.push(e.code),
      () => {},
      1,
    )
    const layer = { type: 'max-pool2d' as const, options: { kernelSize: [2, 2] as [number, number] } }
    const plan = { type: 'max-pool2d' as const, inputShape: [1, 1, 3, 3], outputShape: [1, 1, 1, 1] } as never
    scheduler.schedule({ ...job(1), gradOutput: { kind: 'random', seed: 4 }, layer: { spec: layer, wire: { type: 'max-pool2d', kernelSize: [2, 2] }, plan } })
    await wait(30)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      layers: [{ type: 'max-pool2d', kernelSize: [2, 2] }],
      gradient: { kind: 'output', gradOutput: { kind: 'random', seed: 4 } },
    })
    expect(outcomes.map((o) => o.kind)).toEqual(['layer'])
    refuse = true
    scheduler.schedule({ ...job(1), layer: { spec: layer, wire: { type: 'max-pool2d', kernelSize: [2, 2] }, plan } })
    await wait(30)
    expect(sent[1]).not.toHaveProperty('gradient')
    expect(errors).toEqual(['pool-padding'])
    expect(outcomes).toHaveLength(1)
  })
})
