// The upstream gradient choice and the backward maps: the engine computes core's gradients for
// every dE/dy the page offers, the MSE loss is core's, drawing edits the painted cells only, and
// the panel shows what is chosen, with exact values of a small result.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import BackwardPanel from '../../src-renderer/src/components/backward/BackwardPanel.svelte'
import { Backward } from '../../src-renderer/src/lib/state/backward.svelte'
import { presetById } from '../../core/presets'
import { filteredTarget } from '../../core/learning'
import { conv2d } from '../../core/conv2d'
import { conv2dBackward } from '../../core/conv2d-backward'
import { meanSquaredError } from '../../core/loss'
import { normalTensor, seededSource } from '../../core/random'
import { filled } from '../../core/tensor'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []

/** The app state on the engine with the Backward tab open (gradients travel with the maps). */
async function setUp() {
  const made = testState()
  stops.push(made.stop)
  const { state } = made
  state.view.tab = 'backward'
  const { explorer: app, backward } = state
  const bias = { shape: [1], data: app.bias }
  const output = conv2d(app.input, app.weight, bias, app.options).output
  /** The shown result once the engine answered for the current upstream choice. */
  const answered = async (kind: string, extra: () => boolean = () => true) => {
    await until(() => app.shown?.gradOutputSpec?.kind === kind && app.shown.exact?.gradInput != null && extra())
    return app.shown!
  }
  return { app, backward, bias, output, answered, context: made.context }
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length)
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k])))
}

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})
afterEach(() => {
  vi.restoreAllMocks()
  for (const stop of stops) stop()
  stops = []
})

describe('upstream gradient choice', () => {
  it("ones: core's backward with dE/dy = 1 everywhere", async () => {
    const { app, bias, output, answered } = await setUp()
    const shown = await answered('ones')
    const expected = conv2dBackward(app.input, app.weight, bias, filled(output.shape, 1), app.options)
    expectSame(shown.exact!.gradInput!, expected.gradInput.data)
    expectSame(shown.result.gradWeight!.data, expected.gradWeight.data)
    expect(shown.result.gradBias!.data[0]).toBe(25)
  })

  it("random: the engine's seeded N(0, 1), a new draw for another seed", async () => {
    const { app, backward, output, answered } = await setUp()
    backward.choice = 'random'
    backward.seed = 5
    const first = await answered('random')
    expectSame(first.exact!.gradOutput!, normalTensor(output.shape, seededSource(5)).data)
    const before = first.exact!.gradOutput![0]
    backward.seed = 6
    await answered('random', () => app.shown!.exact!.gradOutput![0] !== before)
  })

  it('drawn: zeros until painted, then the painted cells only', async () => {
    const { app, backward, answered } = await setUp()
    backward.choice = 'drawn'
    backward.paint('gradient', 0, { top: 1, left: 2, bottom: 2, right: 3 }, -2)
    const shown = await answered('tensor', () => app.shown!.exact!.gradOutput![7] === -2)
    expect(Array.from(shown.exact!.gradOutput!).filter((v) => v !== 0)).toEqual([-2])
    expect(shown.result.gradBias!.data[0]).toBe(-2)
  })

  it("MSE against the input filtered by a preset: core's loss and dE/dy = 2(y − t)/size", async () => {
    const { app, backward, output, answered } = await setUp()
    backward.choice = 'mse'
    backward.targetPreset = 'sobel-y'
    const target = filteredTarget(app.input, app.weight, presetById('sobel-y'), app.options)
    const expected = meanSquaredError(output, target)
    const shown = await answered('mse-stored', () => app.shown!.result.loss === expected.loss)
    expect(expected.loss).toBeGreaterThan(0)
    expectSame(shown.exact!.gradOutput!, expected.gradOutput.data)
    // The kernel is Sobel x already: against Sobel x the loss is 0.
    backward.targetPreset = 'sobel-x'
    await answered('mse-stored', () => app.shown!.result.loss === 0)
  })

  it('refuses a loaded target of another shape with the shapes in the message', async () => {
    const { backward } = await setUp()
    backward.choice = 'mse'
    backward.targetChoice = 'loaded'
    backward.loadedTarget = filled([1, 1, 4, 4], 0)
    expect(backward.failure?.code).toBe('grad-output-shape')
    expect(backward.spec).toBeNull()
  })
})

describe('upstream gradient in the saved session', () => {
  it('captures each choice as a session holds it and restores it', async () => {
    const { app, backward } = await setUp()
    expect(backward.sessionGradOutput()).toEqual({ kind: 'ones' })
    backward.choice = 'random'
    backward.seed = 9
    expect(backward.sessionGradOutput()).toEqual({ kind: 'random', seed: 9 })
    backward.choice = 'drawn'
    backward.paint('gradient', 0, { top: 0, left: 3, bottom: 1, right: 4 }, 1.5)
    const drawn = backward.sessionGradOutput()
    expect(drawn.kind === 'tensor' && Array.from(drawn.tensor.data)[3]).toBe(1.5)
    backward.choice = 'mse'
    await backward.refreshPresetTarget()
    const mse = backward.sessionGradOutput()
    expect(mse.kind === 'mse' && Array.from(mse.target.data)).toEqual(
      Array.from(filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options).data),
    )

    const other = new Backward(app)
    other.restoreSession(drawn)
    expect(other.choice).toBe('drawn')
    expect(other.spec?.kind === 'tensor' && other.spec.tensor.data[3]).toBe(1.5)
    other.restoreSession({ kind: 'random', seed: 4 })
    expect([other.choice, other.seed]).toEqual(['random', 4])
    other.restoreSession(mse)
    expect([other.choice, other.targetChoice]).toEqual(['mse', 'loaded'])
    expect(other.spec?.kind).toBe('mse')
    other.restoreSession(null)
    expect(other.choice).toBe('ones')
  })
})

describe('backward panel', () => {
  it('shows the maps of dE/dy, dE/dx and dE/dw and the bias gradient, and follows the choice', async () => {
    const { app, backward, context, answered } = await setUp()
    await answered('ones')
    render(BackwardPanel, { context })
    expect(screen.getByRole('grid', { name: /^dE\/dy\[0, 0\], 5×5/ })).toBeTruthy()
    expect(screen.getByRole('grid', { name: /^dE\/dx\[0, 0\], 7×7/ })).toBeTruthy()
    expect(screen.getByRole('grid', { name: /^dE\/dw\[0, 0\], 3×3/ })).toBeTruthy()
    expect(screen.getByTestId('grad-bias').textContent).toContain('[25]')
    await fireEvent.click(screen.getByLabelText('random N(0, 1)'))
    expect(screen.getByLabelText('Seed')).toBeTruthy()
    await fireEvent.click(screen.getByLabelText('from a loss: mean squared error to a target'))
    await answered('mse-stored')
    flushSync()
    expect(screen.getByTestId('loss').textContent).toBe('E = mean((y − target)²) = 0')
    await fireEvent.change(screen.getByLabelText('Preset of the target'), { target: { value: 'identity' } })
    await answered('mse-stored', () => app.shown!.result.loss !== 0)
    flushSync()
    expect(screen.getByTestId('loss').textContent).not.toBe('E = mean((y − target)²) = 0')
    expect(screen.getByRole('grid', { name: /^target\[0, 0\]/ })).toBeTruthy()
    expect(backward.target).not.toBeNull()
  })

  it('reads a hovered value of dE/dx exactly', async () => {
    const { app, bias, context, answered } = await setUp()
    await answered('ones')
    render(BackwardPanel, { context })
    const expected = conv2dBackward(app.input, app.weight, bias, filled([1, 1, 5, 5], 1), app.options).gradInput.data[0]
    const grid = screen.getByRole('grid', { name: /^dE\/dx\[0, 0\]/ })
    grid.focus()
    await fireEvent.keyDown(grid, { key: 'ArrowRight' })
    await fireEvent.keyDown(grid, { key: 'ArrowLeft' })
    const line = screen.getByTestId('grad-value')
    expect(Number(line.getAttribute('data-value'))).toBe(expected)
    expect(line.textContent).toMatch(/^dE\/dx\[0, 0, 0, 0\] = /)
  })
})
