// A result the page already holds must never change under it: repeating a compute (a new
// display size, the same settings) returns the same numbers, through the real worker.
import { afterAll, describe, expect, it } from 'vitest'
import { conv2d, normalTensor, seededSource } from '../../core'
import type { ComputeRequest, ComputeResult, Result } from '../../contract'
import { Engine } from '../../src-main/engine/engine'
import { realWorker } from './helpers/worker-bundle'

let engine: Engine | null = null
afterAll(() => engine?.close())

describe('repeated computes', () => {
  it('give the same maps and ranges each time', async () => {
    engine = new Engine({ host: 'browser', spawn: await realWorker() })
    const source = seededSource(4)
    const x = normalTensor([1, 1, 7, 7], source)
    const w = normalTensor([1, 1, 3, 3], source)
    const reference = conv2d(x, w, null, {}).output.data
    const set = await engine.handle('setInput', { shape: [...x.shape], data: Float64Array.from(x.data) })
    if (!set.ok) throw new Error(set.message)
    const inputId = (set.value as { inputId: string }).inputId
    const results: ComputeResult[] = []
    for (let k = 1; k <= 6; k++) {
      const request: ComputeRequest = {
        requestId: k,
        inputId,
        weight: { shape: [...w.shape], data: Float64Array.from(w.data) },
        bias: null,
        options: {},
        display: { maxSide: k % 2 ? 0 : 64 },
      }
      const result = (await engine.handle('compute', request)) as Result<ComputeResult>
      if (!result.ok) throw new Error(result.message)
      results.push(result.value)
      for (const earlier of results) {
        expect(Array.from(earlier.output.data)).toEqual(Array.from(Float32Array.from(reference)))
        expect(earlier.output.max[0]).toBe(Math.max(...reference))
      }
    }
  })
})
