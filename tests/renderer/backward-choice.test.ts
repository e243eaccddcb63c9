// The upstream gradient choice and the backward maps: every choice gives core's gradients for
// that dE/dy, the MSE loss is core's, drawing edits one cell, and the panel shows what is chosen.

import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import BackwardPanel from '../../src-renderer/src/components/backward/BackwardPanel.svelte'
import { Backward } from '../../src-renderer/src/lib/state/backward.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { presetById } from '../../src-renderer/src/lib/kernels/presets'
import { filteredTarget } from '../../src-renderer/src/lib/animation/target'
import { conv2d } from '../../core/conv2d'
import { conv2dBackward } from '../../core/conv2d-backward'
import { meanSquaredError } from '../../core/loss'
import { normalTensor, seededSource } from '../../core/random'
import { filled } from '../../core/tensor'

function setUp() {
  const app = new Explorer(fakeTransport())
  const backward = new Backward(app)
  const bias = { shape: [1], data: app.bias }
  const output = conv2d(app.input, app.weight, bias, app.options).output
  return { app, backward, bias, output }
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length)
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k])))
}

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})

describe('upstream gradient choice', () => {
  it("ones: core's backward with dE/dy = 1 everywhere", () => {
    const { app, backward, bias, output } = setUp()
    const state = backward.state
    expect(state?.ok).toBe(true)
    if (!state?.ok) return
    const expected = conv2dBackward(app.input, app.weight, bias, filled(output.shape, 1), app.options)
    expectSame(state.value.gradients.gradInput.data, expected.gradInput.data)
    expectSame(state.value.gradients.gradWeight.data, expected.gradWeight.data)
    expect(state.value.gradients.gradBias!.data[0]).toBe(25)
  })

  it("random: the engine's seeded N(0, 1), a new draw for another seed", () => {
    const { backward, output } = setUp()
    backward.choice = 'random'
    backward.seed = 5
    const first = backward.state!
    if (!first.ok) throw new Error('no gradients')
    expectSame(first.value.gradOutput.data, normalTensor(output.shape, seededSource(5)).data)
    backward.seed = 6
    const second = backward.state!
    if (!second.ok) throw new Error('no gradients')
    expect(second.value.gradOutput.data[0]).not.toBe(first.value.gradOutput.data[0])
  })

  it('drawn: zeros until painted, then the painted cell only', () => {
    const { backward } = setUp()
    backward.choice = 'drawn'
    backward.paint('gradient', 7, -2)
    const state = backward.state!
    if (!state.ok) throw new Error('no gradients')
    expect(Array.from(state.value.gradOutput.data).filter((v) => v !== 0)).toEqual([-2])
    expect(state.value.gradOutput.data[7]).toBe(-2)
    expect(state.value.gradients.gradBias!.data[0]).toBe(-2)
  })

  it("MSE against the input filtered by a preset: core's loss and dE/dy = 2(y − t)/size", () => {
    const { app, backward, output } = setUp()
    backward.choice = 'mse'
    backward.targetPreset = 'sobel-y'
    const target = filteredTarget(app.input, app.weight, presetById('sobel-y'), app.options)
    const expected = meanSquaredError(output, target)
    const state = backward.state!
    if (!state.ok) throw new Error('no gradients')
    expect(state.value.loss).toBe(expected.loss)
    expect(expected.loss).toBeGreaterThan(0)
    expectSame(state.value.gradOutput.data, expected.gradOutput.data)
    // The kernel is Sobel x already: against Sobel x the loss is 0.
    backward.targetPreset = 'sobel-x'
    const same = backward.state!
    expect(same.ok && same.value.loss).toBe(0)
  })

  it('refuses a loaded target of another shape with the shapes in the message', () => {
    const { backward } = setUp()
    backward.choice = 'mse'
    backward.targetChoice = 'loaded'
    backward.loadedTarget = filled([1, 1, 4, 4], 0)
    const state = backward.state!
    expect(state.ok).toBe(false)
    expect(!state.ok && state.code).toBe('grad-output-shape')
  })
})

describe('upstream gradient in the saved session', () => {
  it('captures each choice as a session holds it and restores it', () => {
    const { app, backward, output } = setUp()
    expect(backward.sessionGradOutput).toEqual({ kind: 'ones' })
    backward.choice = 'random'
    backward.seed = 9
    expect(backward.sessionGradOutput).toEqual({ kind: 'random', seed: 9 })
    backward.choice = 'drawn'
    backward.paint('gradient', 3, 1.5)
    const drawn = backward.sessionGradOutput
    expect(drawn.kind === 'tensor' && Array.from(drawn.tensor.data)[3]).toBe(1.5)
    backward.choice = 'mse'
    const mse = backward.sessionGradOutput
    expect(mse.kind === 'mse' && Array.from(mse.target.data)).toEqual(Array.from(filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options).data))

    const other = new Backward(app)
    other.restoreSession(drawn)
    expect(other.choice).toBe('drawn')
    expect(other.state?.ok && other.state.value.gradOutput.data[3]).toBe(1.5)
    other.restoreSession({ kind: 'random', seed: 4 })
    expect([other.choice, other.seed]).toEqual(['random', 4])
    other.restoreSession(mse)
    expect([other.choice, other.targetChoice]).toEqual(['mse', 'loaded'])
    expect(other.state?.ok && other.state.value.loss).toBe(meanSquaredError(output, filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)).loss)
    other.restoreSession(null)
    expect(other.choice).toBe('ones')
  })
})

describe('backward panel', () => {
  it('shows the maps of dE/dy, dE/dx and dE/dw and the bias gradient, and follows the choice', async () => {
    const { app, backward } = setUp()
    render(BackwardPanel, { props: { app, backward } })
    expect(screen.getByRole('grid', { name: /^dE\/dy\[0, 0\], 5×5/ })).toBeTruthy()
    expect(screen.getByRole('grid', { name: /^dE\/dx\[0, 0\], 7×7/ })).toBeTruthy()
    expect(screen.getByRole('grid', { name: /^dE\/dw\[0, 0\], 3×3/ })).toBeTruthy()
    expect(screen.getByTestId('grad-bias').textContent).toContain('[25]')
    await fireEvent.click(screen.getByLabelText('random N(0, 1)'))
    expect(screen.getByLabelText('Seed')).toBeTruthy()
    await fireEvent.click(screen.getByLabelText('from a loss: mean squared error to a target'))
    flushSync()
    expect(screen.getByTestId('loss').textContent).toBe('E = mean((y − target)²) = 0')
    await fireEvent.change(screen.getByLabelText('Preset of the target'), { target: { value: 'identity' } })
    expect(screen.getByTestId('loss').textContent).not.toBe('E = mean((y − target)²) = 0')
    expect(screen.getByRole('grid', { name: /^target\[0, 0\]/ })).toBeTruthy()
  })

  it('reads a hovered value of dE/dx exactly', async () => {
    const { app, backward, bias } = setUp()
    render(BackwardPanel, { props: { app, backward } })
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
