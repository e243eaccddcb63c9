import { describe, expect, it } from 'vitest'
import { conv2d, learnStep, meanSquaredError, normalTensor, seededSource, type LearningState } from '../../core'

const sobelX = Float64Array.from([-1, 0, 1, -2, 0, 2, -1, 0, 1])

describe('learning a kernel by gradient descent', () => {
  it('recovers Sobel x from a random kernel and the input filtered by Sobel x', () => {
    const source = seededSource(11)
    const input = normalTensor([1, 1, 16, 16], source)
    const options = { padding: 1 }
    const target = conv2d(input, { shape: [1, 1, 3, 3], data: sobelX }, null, options).output
    let state: LearningState = { weight: normalTensor([1, 1, 3, 3], source), bias: { shape: [1], data: Float64Array.of(0.5) }, step: 0, losses: [] }
    for (let step = 0; step < 300; step++) state = learnStep(state, input, target, options, 0.3)
    const worst = Math.max(...state.weight.data.map((w, k) => Math.abs(w - sobelX[k])))
    expect(worst).toBeLessThan(1e-3)
    expect(Math.abs(state.bias!.data[0])).toBeLessThan(1e-3)
    expect(state.losses[state.losses.length - 1]).toBeLessThan(state.losses[0] * 1e-6)
  })

  it('gives dE/dy = 2(y − t)/size for the mean squared error', () => {
    const y = { shape: [1, 1, 1, 2], data: Float64Array.of(1, 3) }
    const t = { shape: [1, 1, 1, 2], data: Float64Array.of(0, 1) }
    const { loss, gradOutput } = meanSquaredError(y, t)
    expect(loss).toBe(2.5)
    expect([...gradOutput.data]).toEqual([1, 2])
  })
})
