// Undo and redo over the explorer's state: strokes, kernel cells, settings typing, loads, and
// what the snapshots share and copy.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { paintCell } from '../../src-renderer/src/lib/input/draw'
import { setWeightCell } from '../../src-renderer/src/lib/kernels/weights'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import type { HistoryOptions } from '../../src-renderer/src/lib/state/history.svelte'

function setup(options: HistoryOptions = {}) {
  let clock = 0
  const state = new AppState(fakeTransport(), { history: { now: () => clock, ...options } })
  return { app: state.explorer, history: state.history, state, tick: (ms: number) => (clock += ms) }
}

const values = (data: ArrayLike<number>) => Array.from(data)

afterEach(() => {
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('history', () => {
  it('undoes and redoes kernel cell edits one at a time, exactly', () => {
    const { app, history } = setup()
    const original = values(app.weight.data)
    app.setWeight(setWeightCell(app.weight, 0, 0, 1, 1, 3.25))
    history.observe()
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, -7))
    history.observe()
    expect(history.past).toHaveLength(2)
    expect(history.undo()).toBe(true)
    expect(app.weight.data[4]).toBe(3.25)
    expect(app.weight.data[0]).toBe(original[0])
    expect(history.undo()).toBe(true)
    expect(values(app.weight.data)).toEqual(original)
    expect(history.undo()).toBe(false)
    expect(history.redo()).toBe(true)
    expect(history.redo()).toBe(true)
    expect(app.weight.data[0]).toBe(-7)
    expect(app.weight.data[4]).toBe(3.25)
    expect(history.redo()).toBe(false)
  })

  it('makes one step of a whole stroke and keeps the step apart from later drawing', async () => {
    vi.useFakeTimers()
    const { app, history } = setup()
    const detach = history.attach(window)
    const before = values(app.input.data)
    const canvas = document.body.appendChild(document.createElement('canvas'))
    canvas.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    for (const c of [0, 1, 2, 3]) {
      paintCell(app.input, 0, 0, c, [0.5])
      app.touchInput()
      history.observe()
    }
    expect(history.past).toHaveLength(0)
    window.dispatchEvent(new Event('pointerup'))
    await vi.runAllTimersAsync()
    expect(history.past).toHaveLength(1)
    const after = values(app.input.data)
    expect(after.slice(0, 4)).toEqual([0.5, 0.5, 0.5, 0.5])

    history.undo()
    expect(values(app.input.data)).toEqual(before)
    // Drawing on the restored input must not change the step it came from.
    paintCell(app.input, 0, 6, 6, [9])
    app.touchInput()
    history.observe()
    history.undo()
    expect(values(app.input.data)).toEqual(before)
    expect(history.redo()).toBe(true)
    expect(app.input.data[6 * 7 + 6]).toBe(9)
    detach()
  })

  it('records at once an edit made while a list or a button is pressed (not a painting gesture)', () => {
    const { app, history } = setup()
    const detach = history.attach(window)
    const list = document.body.appendChild(document.createElement('select'))
    list.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    app.settings.paddingMode = 'circular'
    history.observe()
    expect(history.past).toHaveLength(1)
    detach()
  })

  it('merges a burst of typing in one field into one step, and starts a new one after a pause or in another field', () => {
    const { app, history, tick } = setup({ typingMs: 1000 })
    const stride = Object.assign(document.createElement('input'), { type: 'number' })
    const padding = Object.assign(document.createElement('input'), { type: 'number' })
    document.body.append(stride, padding)
    stride.focus()
    app.settings.strideH = 2
    history.observe()
    tick(300)
    app.settings.strideH = 23
    history.observe()
    tick(300)
    app.settings.strideH = 3
    history.observe()
    expect(history.past).toHaveLength(1)
    tick(2000)
    app.settings.strideH = 4
    history.observe()
    expect(history.past).toHaveLength(2)
    padding.focus()
    app.settings.paddingH = 1
    history.observe()
    expect(history.past).toHaveLength(3)

    history.undo()
    expect([app.settings.strideH, app.settings.paddingH]).toEqual([4, 0])
    history.undo()
    expect(app.settings.strideH).toBe(3)
    history.undo()
    expect(app.settings.strideH).toBe(1)
  })

  it('keeps a load as its own step even while a text field has the focus', () => {
    const { app, history } = setup()
    const field = Object.assign(document.createElement('input'), { type: 'text' })
    document.body.append(field)
    field.focus()
    app.settings.dilationH = 2
    history.observe()
    app.setInput({ shape: [1, 1, 5, 5], data: new Float64Array(25).fill(1) }, { kind: 'drawn' })
    history.checkpoint()
    expect(history.past).toHaveLength(2)
    history.undo()
    expect(app.input.shape).toEqual([1, 1, 7, 7])
    expect(app.settings.dilationH).toBe(2)
  })

  it('never merges a kernel of another shape or a new input into the typing before it', () => {
    const { app, history } = setup()
    const field = Object.assign(document.createElement('input'), { type: 'text' })
    document.body.append(field)
    field.focus()
    app.settings.strideW = 2
    history.observe()
    app.setWeight({ shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) })
    history.observe()
    app.setInput({ shape: [1, 1, 6, 6], data: new Float64Array(36) }, { kind: 'drawn' })
    history.observe()
    expect(history.past).toHaveLength(3)
    history.undo()
    expect(app.input.shape).toEqual([1, 1, 7, 7])
    history.undo()
    expect(app.weight.shape).toEqual([1, 1, 3, 3])
    expect(app.settings.strideW).toBe(2)
  })

  it('shares tensors that did not change and copies the input that did', () => {
    const { app, history } = setup()
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 1))
    history.observe()
    const [first] = history.past
    expect(history.present.input.data).toBe(first.input.data)
    expect(history.present.weight).not.toBe(first.weight)
    // The step owns a copy; the explorer's own input is another array.
    expect(history.present.input.data).not.toBe(app.input.data)
  })

  it('forgets the oldest steps beyond the step and memory limits', () => {
    const { app, history } = setup({ maxSteps: 3 })
    for (let k = 1; k <= 6; k++) {
      app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, k))
      history.observe()
    }
    expect(history.past).toHaveLength(3)
    while (history.undo());
    expect(app.weight.data[0]).toBe(3)

    const big = setup({ maxBytes: 3 * 49 * 8 + 2 * 9 * 8 + 8 })
    for (let k = 1; k <= 5; k++) {
      paintCell(big.app.input, 0, 0, 0, [k])
      big.app.touchInput()
      big.history.observe()
    }
    expect(big.history.bytes()).toBeLessThanOrEqual(3 * 49 * 8 + 2 * 9 * 8 + 8)
    expect(big.history.past.length).toBeLessThan(5)
  })

  it('undoes the upstream gradient with the rest of the document', () => {
    const { state, history } = setup()
    history.observe()
    expect(history.past).toHaveLength(0)
    state.backward.choice = 'random'
    history.observe()
    expect(history.past).toHaveLength(1)
    history.undo()
    expect(state.backward.choice).toBe('ones')
  })
})
