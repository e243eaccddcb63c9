// The Winograd kernel split between kernel threads by whole tile rows: two and three threads give
// the single-thread kernel's numbers bit for bit (every output is summed in the same tile), odd
// heights and widths included, forward and grad-input.
import { afterAll, describe, expect, it } from 'vitest'
import { convGeometry, normalTensor, seededSource } from '../../core'
import { createFastKernels } from '../../core/fast'
import { winogradPays } from '../../core/fast/winograd'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'

enableRelaxedSimd()
const single = await createFastKernels({ prefer: 'relaxed-simd' })
const runners = [await createParallelRunner({ threads: 2, prefer: 'relaxed-simd' }), await createParallelRunner({ threads: 3, prefer: 'relaxed-simd' })]
afterAll(() => runners.forEach((runner) => runner.close()))

describe('the Winograd kernel on threads', () => {
  for (const [height, width] of [
    [7, 9],
    [12, 70],
    [33, 5],
  ]) {
    it(`gives the single thread's bits on ${height} × ${width}`, async () => {
      const source = seededSource(height * width)
      const x = normalTensor([2, 9, height, width], source)
      const weight = normalTensor([10, 9, 3, 3], source)
      const bias = normalTensor([10], source)
      const geometry = convGeometry(x.shape, weight.shape, { padding: 1, paddingMode: 'reflect' }, 10)
      expect(winogradPays(geometry, 'f64', 9)).toBe(true)
      const gradOutput = normalTensor([2, 10, geometry.outH, geometry.outW], source)
      const want = single.forward(x.data, weight.data, bias.data, geometry, 'f64')
      const wantGrad = single.backward(x.data, weight.data, gradOutput.data, geometry, 'f64', { input: true, weight: false, bias: false }).gradInput!
      for (const runner of runners) {
        expect([...(await runner.forward(x.data, weight.data, bias.data, geometry, 'f64'))], `${runner.threads} threads`).toEqual([...want])
        const grads = await runner.backward(x.data, weight.data, gradOutput.data, geometry, 'f64', { input: true, weight: false, bias: false })
        expect([...grads.gradInput!], `${runner.threads} threads`).toEqual([...wantGrad])
      }
    })
  }
})
