// The Winograd grad-weight on the kernel threads (src-main/engine/parallel): each part sums its
// own tile rows, the unpack adds the parts. Against core's conv2dBackward within 1e-12 of the
// largest |dE/dw|, and against one thread within 1e-13, on 2 and 3 threads (3 parts: tile-row
// shares of different sizes, some parts without rows on small outputs).
import { afterAll, describe, expect, it } from 'vitest'
import { conv2dBackward, convGeometry, normalTensor, seededSource } from '../../core'
import { createFastKernels } from '../../core/fast'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'
import { worstError } from '../core/fast-helpers'
import { caseTensors, winogradCases } from '../core/winograd-cases'

enableRelaxedSimd()
const single = await createFastKernels({ prefer: 'relaxed-simd' })

for (const threads of [2, 3]) {
  const runner = await createParallelRunner({ threads, prefer: 'relaxed-simd' })
  afterAll(() => runner.close())

  describe(`Winograd grad-weight on ${threads} kernel threads`, () => {
    it('runs relaxed SIMD on the threads asked for', () => expect([runner.kind, runner.threads]).toEqual(['relaxed-simd', threads]))

    it('matches conv2dBackward within 1e-12 and one thread within 1e-13 on every case', async () => {
      let seed = 500
      for (const c of winogradCases()) {
        const { x, weight, gradOutput } = caseTensors(c, seed++)
        const g = convGeometry(x.shape, weight.shape, c.options)
        const expected = conv2dBackward(x, weight, null, gradOutput, c.options).gradWeight.data
        const one = single.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input: true, weight: true, bias: false }).gradWeight!
        for (const input of [false, true]) {
          const grads = await runner.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input, weight: true, bias: false })
          expect(worstError(grads.gradWeight!, expected, 'tensor'), `${c.name}, dE/dx ${input}`).toBeLessThanOrEqual(1e-12)
          expect(worstError(grads.gradWeight!, one, 'tensor'), `${c.name}, dE/dx ${input}`).toBeLessThanOrEqual(1e-13)
        }
      }
    })

    it('splits a larger image by tile rows: the same dE/dw as one thread within 1e-13', async () => {
      const source = seededSource(7)
      const x = normalTensor([2, 16, 67, 45], source)
      const weight = normalTensor([16, 16, 3, 3], source)
      const options = { padding: [1, 1] as [number, number] }
      const g = convGeometry(x.shape, weight.shape, options)
      const gradOutput = normalTensor([2, 16, g.outH, g.outW], source)
      const expected = conv2dBackward(x, weight, null, gradOutput, options).gradWeight.data
      const one = single.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input: false, weight: true }).gradWeight!
      const grads = await runner.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input: false, weight: true })
      expect(worstError(grads.gradWeight!, one, 'tensor')).toBeLessThanOrEqual(1e-13)
      expect(worstError(grads.gradWeight!, expected, 'tensor')).toBeLessThanOrEqual(1e-12)
    })
  })
}
