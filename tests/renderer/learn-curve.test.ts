// Learning the kernel: every step is the engine's, equal to core's learnStep; the loss falls
// toward Sobel x; and the loss curve draws its line and axes with d3 (removed with the component).

import { afterEach, describe, expect, it } from 'vitest'
import { render } from '@testing-library/svelte'
import LossCurve from '../../src-renderer/src/components/learn/LossCurve.svelte'
import { learnStep, type LearningState } from '../../core/loss'
import { normalTensor, seededSource } from '../../core/random'
import { filteredTarget } from '../../core/learning'
import { presetById } from '../../core/presets'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops) stop()
  stops = []
})

async function started() {
  const made = testState()
  stops.push(made.stop)
  await until(() => made.state.explorer.shown !== null)
  return { app: made.state.explorer, learning: made.state.learning, transport: made.transport }
}

describe('learning the kernel', () => {
  it("takes core's learnStep in the engine from a seeded random kernel toward the input filtered by Sobel x", async () => {
    const { app, learning, transport } = await started()
    learning.rate = 0.05
    await learning.step()
    await learning.step()
    const target = filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)
    let expected: LearningState = { weight: normalTensor([1, 1, 3, 3], seededSource(7)), bias: { shape: [1], data: new Float64Array(1) }, step: 0, losses: [] }
    expected = learnStep(learnStep(expected, app.input, target, app.options, 0.05), app.input, target, app.options, 0.05)
    learning.state!.weight.data.forEach((w, k) => expect(Math.abs(w - expected.weight.data[k])).toBeLessThanOrEqual(1e-12))
    expect(learning.state!.losses.map((loss, k) => Math.abs(loss - expected.losses[k]) <= 1e-12 * expected.losses[k])).toEqual([true, true])
    // The target is the engine's own (computed once), then each step is one call.
    expect(transport.calls.filter((m) => m === 'filteredTarget' || m === 'learnStep')).toEqual(['filteredTarget', 'learnStep', 'learnStep'])
  })

  it('plays until paused, and the loss falls by orders of magnitude', { timeout: 30_000 }, async () => {
    const { learning } = await started()
    learning.rate = 0.05
    await learning.play()
    await until(() => (learning.state?.step ?? 0) > 2000, 20_000)
    learning.pause()
    const losses = learning.state!.losses
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 1e-3)
    await until(() => !learning.busy)
    const steps = learning.state!.step
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(learning.state!.step).toBe(steps)
  })

  it('puts the learned kernel into the explorer', async () => {
    const { app, learning } = await started()
    await learning.step()
    learning.use()
    expect(Array.from(app.weight.data)).toEqual(Array.from(learning.state!.weight.data))
  })
})

describe('loss curve', () => {
  it('draws the line on a log scale with d3 axes, and removes them with the component', () => {
    const view = render(LossCurve, { props: { losses: [1, 0.1, 0.01, 0.001], label: 'Loss curve', stepLabel: 'step' } })
    const svg = view.getByRole('img', { name: 'Loss curve' })
    const path = svg.querySelector('path[stroke="#e6007e"]')!.getAttribute('d')!
    // Four points, equally spaced in log(loss): the y steps between them are equal.
    const ys = [...path.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]))
    expect(ys).toHaveLength(4)
    expect(Math.abs(ys[1] - ys[0] - (ys[3] - ys[2]))).toBeLessThan(1e-6)
    expect(svg.querySelectorAll('.tick').length).toBeGreaterThan(3)
    const axis = svg.querySelector('g')!
    view.unmount()
    expect(axis.querySelectorAll('.tick').length).toBe(0)
  })
})
