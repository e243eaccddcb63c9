// The kernel-thread runner: PyTorch reference cases at 1e-12 in float64 on 1, 2 and 4 threads of
// each kernel kind, the same numbers as one thread on shapes big enough to split, float32 within 1e-5 of float64, cancel and close.
import { afterAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { ConvolabError, conv2d, conv2dBackward, convGeometry, normalTensor, outputShape, seededSource } from '../../core'
import type { ParallelRunner } from '../../src-main/engine/parallel'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'
import type { Conv2dImplementation } from '../reference/suite'
import { referenceSuite } from '../reference/suite'
import { asTensor, worstError as worstRelative } from '../core/fast-helpers'

enableRelaxedSimd()
const runner = await createParallelRunner({ threads: 2 })
afterAll(() => runner.close())

describe('parallel runner', () => {
  it('runs the fastest wasm kernels on two threads', () => {
    expect(runner.kind).toBe('relaxed-simd')
    expect(runner.threads).toBe(2)
  })
})

function runnerImplementation(run: ParallelRunner): Conv2dImplementation {
  return {
    async forward(x, weight, bias, options) {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      return asTensor(outputShape(geometry), await run.forward(x.data, weight.data, bias?.data ?? null, geometry, 'f64'))
    },
    async backward(x, weight, bias, gradOutput, options) {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      const grads = await run.backward(x.data, weight.data, gradOutput.data, geometry, 'f64')
      return {
        gradInput: asTensor(x.shape, grads.gradInput),
        gradWeight: asTensor(weight.shape, grads.gradWeight),
        gradBias: bias ? asTensor(bias.shape, grads.gradBias) : null,
      }
    },
  }
}

// Every kernel path with shared memory (relaxed SIMD, and plain SIMD where relaxed SIMD is
// missing) on 1, 2 and 4 kernel threads: 4 threads work on a 2-core machine too, just slower.
for (const prefer of ['relaxed-simd', 'simd'] as const) {
  for (const threads of [1, 2, 4]) {
    const each = await createParallelRunner({ threads, prefer })
    afterAll(() => each.close())
    describe(`${prefer} parallel runner, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
      it('runs the kind and thread count asked for', () => expect([each.kind, each.threads]).toEqual([prefer, threads]))
    })
    referenceSuite(`parallel runner (${threads} thread${threads > 1 ? 's' : ''}, ${prefer}, float64)`, runnerImplementation(each))
  }
}

function normal(shape: number[], seed: number): Tensor {
  return normalTensor(shape, seededSource(seed))
}

describe('two threads on a shape big enough to split rows', () => {
  const x = normal([2, 6, 37, 41], 1)
  const weight = normal([8, 3, 3, 4], 2)
  const bias = normal([8], 3)
  const options = { stride: [2, 1] as [number, number], padding: 2, dilation: [1, 2] as [number, number], groups: 2, paddingMode: 'reflect' as const }
  const geometry = convGeometry(x.shape, weight.shape, options, 8)
  const gradOutput = normal(outputShape(geometry), 4)
  const reference = conv2d(x, weight, bias, options).output
  const referenceGrads = conv2dBackward(x, weight, bias, gradOutput, options)

  it('float64 matches the scalar core at 1e-12', async () => {
    const y = await runner.forward(x.data, weight.data, bias.data, geometry, 'f64')
    expect(worstRelative(y, reference.data, 'element')).toBeLessThanOrEqual(1e-12)
    const grads = await runner.backward(x.data, weight.data, gradOutput.data, geometry, 'f64')
    expect(worstRelative(grads.gradInput!, referenceGrads.gradInput.data, 'element')).toBeLessThanOrEqual(1e-12)
    expect(worstRelative(grads.gradWeight!, referenceGrads.gradWeight.data, 'element')).toBeLessThanOrEqual(1e-12)
    expect(worstRelative(grads.gradBias!, referenceGrads.gradBias!.data, 'element')).toBeLessThanOrEqual(1e-12)
  })

  it('float32 is within 1e-5 of float64 (relative to the largest value)', async () => {
    const y = await runner.forward(x.data, weight.data, bias.data, geometry, 'f32')
    expect(y).toBeInstanceOf(Float32Array)
    expect(worstRelative(y, reference.data, 'tensor')).toBeLessThanOrEqual(1e-5)
    const grads = await runner.backward(x.data, weight.data, gradOutput.data, geometry, 'f32')
    expect(worstRelative(grads.gradInput!, referenceGrads.gradInput.data, 'tensor')).toBeLessThanOrEqual(1e-5)
    expect(worstRelative(grads.gradWeight!, referenceGrads.gradWeight.data, 'tensor')).toBeLessThanOrEqual(1e-5)
  })
})

describe('cancel and close', () => {
  it('cancel rejects the run in progress with "cancelled" and the next run works', async () => {
    const x = normal([1, 16, 512, 512], 5)
    const weight = normal([32, 16, 5, 5], 6)
    const geometry = convGeometry(x.shape, weight.shape, { padding: 2 })
    const slow = runner.forward(x.data, weight.data, null, geometry, 'f64')
    const queued = runner.forward(x.data, weight.data, null, geometry, 'f64')
    await new Promise((resolve) => setTimeout(resolve, 50))
    runner.cancel()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(runner.liveThreads(), 'cancelled threads are terminated').toBe(0)
    await expect(slow).rejects.toMatchObject({ code: 'cancelled' })
    await expect(queued).rejects.toBeInstanceOf(ConvolabError)
    const small = convGeometry([1, 1, 4, 4], [1, 1, 3, 3])
    const y = await runner.forward(new Float64Array(16).fill(1), new Float64Array(9).fill(1), null, small, 'f64')
    expect(Array.from(y)).toEqual([9, 9, 9, 9])
  })

  it('a run right after cancel is not disturbed by the threads being ended', async () => {
    const big = normal([1, 16, 384, 384], 7)
    const bigWeight = normal([16, 16, 5, 5], 8)
    const bigGeometry = convGeometry(big.shape, bigWeight.shape, { padding: 2 })
    const x = normal([1, 4, 40, 40], 9)
    const weight = normal([6, 4, 3, 3], 10)
    const expected = conv2d(x, weight, null, {}).output
    const geometry = convGeometry(x.shape, weight.shape)
    for (let attempt = 0; attempt < 3; attempt++) {
      const slow = runner.forward(big.data, bigWeight.data, null, bigGeometry, 'f64')
      await new Promise((resolve) => setTimeout(resolve, 30))
      runner.cancel()
      const y = await runner.forward(x.data, weight.data, null, geometry, 'f64')
      await expect(slow).rejects.toMatchObject({ code: 'cancelled' })
      expect(worstRelative(y, expected.data, 'element')).toBeLessThanOrEqual(1e-12)
    }
  })

  it('close ends the threads and later runs reject', async () => {
    const other = await createParallelRunner({ threads: 2 })
    const geometry = convGeometry([1, 1, 4, 4], [1, 1, 3, 3])
    await other.forward(new Float64Array(16), new Float64Array(9), null, geometry, 'f64')
    expect(other.liveThreads()).toBe(2)
    await other.close()
    expect(other.liveThreads()).toBe(0)
    await expect(other.forward(new Float64Array(16), new Float64Array(9), null, geometry, 'f64')).rejects.toMatchObject({
      code: 'cancelled',
    })
  })
})
