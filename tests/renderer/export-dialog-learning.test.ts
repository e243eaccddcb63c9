// The export dialog offers the learning animation: one frame per gradient-descent step plus the
// start, with the Learn tab's run (its rate shown, its steps edited here), and no step size.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import ExportDialog from '../../src-renderer/src/components/export/ExportDialog.svelte'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})
afterEach(() => {
  vi.restoreAllMocks()
  for (const stop of stops) stop()
  stops = []
})

/** The app state on the engine with the dialog open, once the stage has its values. */
async function opened(language: 'en' | 'es' = 'en') {
  const made = testState({ language })
  stops.push(made.stop)
  made.state.view.exporting = true
  await until(() => made.state.stage.source !== null)
  return made
}

describe('export dialog: learning', () => {
  it('lists learning among the animations and counts steps + 1 frames with the Learn tab’s setup', async () => {
    const { state, context } = await opened()
    const learning = state.learning
    learning.rate = 0.25
    learning.steps = 30
    render(ExportDialog, { props: { onclose: vi.fn() }, context })
    const animation = screen.getByLabelText('Animation') as HTMLSelectElement
    expect([...animation.options].map((o) => o.value)).toEqual(['forward', 'backward-input', 'backward-weight', 'backward-scatter', 'learning'])
    expect([...animation.options].at(-1)!.textContent).toBe('Learning the kernel: gradient descent toward the target')
    await fireEvent.change(animation, { target: { value: 'learning' } })
    expect(screen.getByTestId('export-count').textContent).toBe('31 frames')
    expect((screen.getByLabelText('One step is') as HTMLSelectElement).disabled).toBe(true)
    expect(screen.getByTestId('export-learn-note').textContent).toContain('η = 0.25')
    await fireEvent.input(screen.getByLabelText('Learning steps'), { target: { value: '9' } })
    expect(learning.steps).toBe(9)
    expect(screen.getByTestId('export-count').textContent).toBe('10 frames')
    expect((screen.getByRole('button', { name: 'Export the frames' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('works before any Learn tab run (its defaults: 50 steps)', async () => {
    const { context } = await opened('es')
    render(ExportDialog, { props: { onclose: vi.fn() }, context })
    const animation = screen.getByLabelText('Animación') as HTMLSelectElement
    await fireEvent.change(animation, { target: { value: 'learning' } })
    expect([...animation.options].at(-1)!.textContent).toBe('Aprender el núcleo: descenso por gradiente hacia el objetivo')
    expect(screen.getByTestId('export-count').textContent).toBe('51 fotogramas')
  })

  it('has the engine work the run out step by step with its own progress, and a cancel stops it with nothing saved', { timeout: 30_000 }, async () => {
    const { state, context } = await opened()
    state.learning.steps = 10000
    render(ExportDialog, { props: { onclose: vi.fn() }, context })
    await fireEvent.change(screen.getByLabelText('Animation'), { target: { value: 'learning' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Export the frames' }))
    await vi.waitFor(() => expect(screen.getByRole('progressbar', { name: /^Learning: step \d+ of 10001$/ })).toBeTruthy(), { timeout: 10_000 })
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await vi.waitFor(() => expect(screen.getByTestId('export-message').textContent).toBe('Export cancelled; nothing was saved.'), { timeout: 10_000 })
    expect(screen.queryByRole('progressbar')).toBeNull()
  })
})
