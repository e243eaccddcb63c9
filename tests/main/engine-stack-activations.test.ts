// The branch-free activations the engine's stacks run (core/activations.ts) against PyTorch's
// formulas written as plain comparisons, on values with NaN, ±∞ and ±0 among them (which take
// the exact fallback loop) and without (the fast loop); and results written into a given array.

import { describe, expect, it } from 'vitest'
import { activationBackward, activationForward, normalTensor, seededSource } from '../../core'

/** Equal as numbers (0 and −0 alike), NaN equal to NaN. */
function expectSame(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length)
  for (let k = 0; k < want.length; k++) {
    if (Number.isNaN(want[k])) expect(got[k], `[${k}]`).toBeNaN()
    else if (want[k] === 0) expect(got[k] === 0, `[${k}] ${got[k]} is a zero`).toBe(true)
    else expect(got[k], `[${k}]`).toBe(want[k])
  }
}

const special = [NaN, Infinity, -Infinity, 0, -0, 1e-320, -1e-320, Number.MAX_VALUE, -Number.MAX_VALUE]

function values(seed: number, withSpecial: boolean): Float64Array {
  const data = normalTensor([4099], seededSource(seed)).data
  if (withSpecial) special.forEach((v, i) => (data[i * 401] = v))
  return data
}

describe.each([false, true])('activations (NaN, ±∞ among the values: %s)', (withSpecial) => {
  const x = values(1, withSpecial)
  const g = values(2, withSpecial)
  const slope = 0.1

  it('ReLU forward and backward are torch.relu and threshold_backward', () => {
    const y = activationForward('relu', x)
    expectSame(
      y,
      x.map((v) => (v <= 0 ? 0 : v)),
    )
    expect(y.every((v) => !Object.is(v, -0))).toBe(true)
    expectSame(
      activationBackward('relu', g, x, y),
      g.map((v, k) => (y[k] <= 0 ? 0 : v)),
    )
  })

  it('LeakyReLU forward and backward use the slope where x <= 0', () => {
    const y = activationForward('leaky-relu', x, slope)
    expectSame(
      y,
      x.map((v) => (v > 0 ? v : v * slope)),
    )
    expectSame(
      activationBackward('leaky-relu', g, x, y, slope),
      g.map((v, k) => (x[k] > 0 ? v : v * slope)),
    )
  })

  it('write into a given array of the right length, and a new one otherwise', () => {
    const into = new Float64Array(x.length).fill(7)
    expect(activationForward('relu', x, undefined, into)).toBe(into)
    expectSame(
      into,
      x.map((v) => (v <= 0 ? 0 : v)),
    )
    const short = new Float64Array(3)
    const made = activationBackward('relu', g, x, into, undefined, short)
    expect(made).not.toBe(short)
    expect(made.length).toBe(x.length)
  })
})
