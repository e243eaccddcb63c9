// The learning run as a whole: core's learnStep repeated, deterministic, the loss of each point
// its own kernel's, Sobel x recovered; the session's `learning` setup round-trips and is optional.
import { describe, expect, it } from 'vitest'
import {
  conv2d,
  filteredTarget,
  learnStep,
  learningRunOf,
  learningTrajectory,
  meanSquaredError,
  normalTensor,
  parseSession,
  presetById,
  randomStart,
  seededSource,
  serializeSession,
  type LearningState,
  type Session,
} from '../../core'

const sobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1]

function sobelRun(steps: number) {
  const input = normalTensor([1, 1, 16, 16], seededSource(11))
  const weight = { shape: [1, 1, 3, 3], data: new Float64Array(9) }
  const bias = { shape: [1], data: new Float64Array(1) }
  const options = { padding: 1 }
  const target = filteredTarget(input, weight, presetById('sobel-x'), options)
  const start = randomStart(weight, bias, 5)
  return { input, target, initialWeight: start.weight, initialBias: start.bias, options, learningRate: 0.3, steps }
}

describe('learningTrajectory', () => {
  it('gives steps + 1 points, each the state after k of core’s learnSteps, and recovers Sobel x', () => {
    const run = sobelRun(300)
    const points = learningTrajectory(run)
    expect(points).toHaveLength(301)
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 301 }, (_, k) => k))
    // The same numbers as stepping by hand, bit for bit.
    let state: LearningState = { weight: run.initialWeight, bias: run.initialBias, step: 0, losses: [] }
    for (let k = 0; k < 300; k++) {
      expect([...points[k].weight.data]).toEqual([...state.weight.data])
      state = learnStep(state, run.input, run.target, run.options, run.learningRate)
      expect(points[k].loss).toBe(state.losses[k])
    }
    expect([...points[300].weight.data]).toEqual([...state.weight.data])
    const last = points[300]
    const { output } = conv2d(run.input, last.weight, last.bias, run.options)
    expect(last.loss).toBe(meanSquaredError(output, run.target).loss)
    expect(last.loss).toBeLessThan(points[0].loss * 1e-6)
    const worst = Math.max(...last.weight.data.map((w, k) => Math.abs(w - sobelX[k])))
    expect(worst).toBeLessThan(1e-3)
    expect(Math.abs(last.bias!.data[0])).toBeLessThan(1e-3)
  })

  it('is deterministic and has only the start for 0 steps', () => {
    const a = learningTrajectory(sobelRun(20))
    const b = learningTrajectory(sobelRun(20))
    expect(a.map((p) => p.loss)).toEqual(b.map((p) => p.loss))
    const none = learningTrajectory(sobelRun(0))
    expect(none).toHaveLength(1)
    expect(none[0].loss).toBe(a[0].loss)
  })
})

describe('the session’s learning setup', () => {
  const base = (): Session => {
    const run = sobelRun(0)
    return {
      input: run.input,
      weight: { shape: [1, 1, 3, 3], data: new Float64Array(9) },
      bias: { shape: [1], data: Float64Array.of(0.25) },
      options: { padding: 1 },
      gradOutput: { kind: 'ones' },
      view: {},
    }
  }

  it('is optional: a session without it parses as before and gives no run', () => {
    const session = parseSession(serializeSession(base()))
    expect(session.learning).toBeUndefined()
    expect(learningRunOf(session)).toBeNull()
    expect(serializeSession(base())).not.toContain('"learning"')
  })

  it('round-trips a preset target and gives the run the app would start (seeded N(0,1), zero bias)', () => {
    const session = parseSession(
      serializeSession({ ...base(), learning: { target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.3, steps: 12, start: 'random', seed: 5 } }),
    )
    expect(session.learning).toEqual({ target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.3, steps: 12, start: 'random', seed: 5 })
    const run = learningRunOf(session)!
    const expected = sobelRun(12)
    expect([...run.target.data]).toEqual([...expected.target.data])
    expect([...run.initialWeight.data]).toEqual([...expected.initialWeight.data])
    expect([...run.initialBias!.data]).toEqual([0])
    expect(run.steps).toBe(12)
  })

  it('round-trips a tensor target bit for bit and starts from the current kernel when asked', () => {
    const target = { shape: [1, 1, 16, 16], data: Float64Array.from({ length: 256 }, (_, k) => Math.sin(k) * 1e-300) }
    const weight = { shape: [1, 1, 3, 3], data: Float64Array.from(sobelX) }
    const session = parseSession(
      serializeSession({ ...base(), weight, learning: { target: { kind: 'tensor', tensor: target }, learningRate: 0.1, steps: 3, start: 'current', seed: 1 } }),
    )
    const run = learningRunOf(session)!
    expect([...run.target.data]).toEqual([...target.data])
    expect([...run.initialWeight.data]).toEqual(sobelX)
  })

  it('refuses a target of another shape than the output, an unknown preset and a non-positive rate', () => {
    const wrong = {
      ...base(),
      learning: {
        target: { kind: 'tensor' as const, tensor: { shape: [1, 1, 4, 4], data: new Float64Array(16) } },
        learningRate: 0.1,
        steps: 3,
        start: 'random' as const,
        seed: 1,
      },
    }
    expect(() => parseSession(serializeSession(wrong))).toThrow(expect.objectContaining({ code: 'grad-output-shape' }))
    const text = serializeSession({
      ...base(),
      learning: { target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.1, steps: 3, start: 'random', seed: 1 },
    })
    expect(() => parseSession(text.replace('"sobel-x"', '"sobel-z"'))).toThrow(expect.objectContaining({ code: 'session-corrupt' }))
    expect(() => parseSession(text.replace('"learningRate": 0.1', '"learningRate": -1'))).toThrow(expect.objectContaining({ code: 'session-corrupt' }))
  })
})
