// Learning the kernel: the page's steps are core's learnStep, the loss falls toward Sobel x, and
// the loss curve draws its line and axes with d3 (removed with the component).

import { describe, expect, it, vi } from 'vitest'
import { render } from '@testing-library/svelte'
import LossCurve from '../../src-renderer/src/components/learn/LossCurve.svelte'
import { Learning } from '../../src-renderer/src/lib/state/learning.svelte'
import { Backward } from '../../src-renderer/src/lib/state/backward.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import type { Transport } from '../../contract'
import { learnStep, type LearningState } from '../../core/loss'
import { normalTensor, seededSource } from '../../core/random'
import { filteredTarget } from '../../src-renderer/src/lib/animation/target'
import { presetById } from '../../src-renderer/src/lib/kernels/presets'

describe('learning the kernel', () => {
  it("takes core's learnStep from a seeded random kernel toward the input filtered by Sobel x (in the page without an engine)", async () => {
    const app = new Explorer(fakeTransport())
    const learning = new Learning(app, new Backward(app))
    learning.rate = 0.05
    await learning.step()
    await learning.step()
    const target = filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)
    let expected: LearningState = { weight: normalTensor([1, 1, 3, 3], seededSource(7)), bias: { shape: [1], data: new Float64Array(1) }, step: 0, losses: [] }
    expected = learnStep(learnStep(expected, app.input, target, app.options, 0.05), app.input, target, app.options, 0.05)
    expect(Array.from(learning.state!.weight.data)).toEqual(Array.from(expected.weight.data))
    expect(learning.state!.losses).toEqual(expected.losses)
  })

  it('plays in slices until paused, and the loss falls by orders of magnitude', async () => {
    // Timers only: the slices measure real time with performance.now().
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const app = new Explorer(fakeTransport())
    const learning = new Learning(app, new Backward(app))
    learning.rate = 0.05
    learning.play()
    await vi.advanceTimersByTimeAsync(50)
    learning.pause()
    vi.useRealTimers()
    const losses = learning.state!.losses
    expect(losses.length).toBeGreaterThan(50)
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 1e-3)
    const steps = learning.state!.step
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(learning.state!.step).toBe(steps)
  })

  it("asks the engine's learnStep when it has one, with the same numbers as core", async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
    const calls: string[] = []
    const transport: Transport = {
      host: 'browser',
      invoke: (method, request) => {
        calls.push(method)
        return engine.invoke(method, request)
      },
      onEvent: (listener) => engine.onEvent(listener),
    }
    const app = new Explorer(transport)
    const learning = new Learning(app, new Backward(app))
    learning.rate = 0.05
    await learning.step()
    await learning.step()
    const target = filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)
    let expected: LearningState = { weight: normalTensor([1, 1, 3, 3], seededSource(7)), bias: { shape: [1], data: new Float64Array(1) }, step: 0, losses: [] }
    expected = learnStep(learnStep(expected, app.input, target, app.options, 0.05), app.input, target, app.options, 0.05)
    learning.state!.weight.data.forEach((w, k) => expect(Math.abs(w - expected.weight.data[k])).toBeLessThanOrEqual(1e-12))
    expect(learning.state!.step).toBe(2)
    // Input and target are stored once, then each step is one call.
    expect(calls).toEqual(['setInput', 'setInput', 'learnStep', 'learnStep'])
    engine.close()
  })

  it('puts the learned kernel into the explorer', async () => {
    const app = new Explorer(fakeTransport())
    const learning = new Learning(app, new Backward(app))
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
