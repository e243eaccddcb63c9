// The export dialog offers the learning animation: one frame per gradient-descent step plus the
// start, with the Learn tab's run (its rate shown, its steps edited here), and no step size.

import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import ExportDialog from '../../src-renderer/src/components/export/ExportDialog.svelte'
import { AnimationPlayer } from '../../src-renderer/src/lib/state/animation.svelte'
import { Backward } from '../../src-renderer/src/lib/state/backward.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { Learning } from '../../src-renderer/src/lib/state/learning.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})

describe('export dialog: learning', () => {
  it('lists learning among the animations and counts steps + 1 frames with the Learn tab’s setup', async () => {
    const app = new Explorer(fakeTransport())
    const backward = new Backward(app)
    const learning = new Learning(app, backward)
    learning.rate = 0.25
    learning.steps = 30
    render(ExportDialog, { props: { app, backward, player: new AnimationPlayer(), learning, onclose: vi.fn() } })
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

  it('works without a Learn tab run (its defaults: 50 steps)', async () => {
    const app = new Explorer(fakeTransport())
    app.language = 'es'
    render(ExportDialog, { props: { app, backward: new Backward(app), player: new AnimationPlayer(), onclose: vi.fn() } })
    const animation = screen.getByLabelText('Animación') as HTMLSelectElement
    await fireEvent.change(animation, { target: { value: 'learning' } })
    expect([...animation.options].at(-1)!.textContent).toBe('Aprender el núcleo: descenso por gradiente hacia el objetivo')
    expect(screen.getByTestId('export-count').textContent).toBe('51 fotogramas')
  })

  it('works the run out in slices with its own progress, and a cancel stops it with nothing saved', async () => {
    const app = new Explorer(fakeTransport())
    const backward = new Backward(app)
    const learning = new Learning(app, backward)
    learning.steps = 10000
    render(ExportDialog, { props: { app, backward, player: new AnimationPlayer(), learning, onclose: vi.fn() } })
    await fireEvent.change(screen.getByLabelText('Animation'), { target: { value: 'learning' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Export the frames' }))
    await vi.waitFor(() => expect(screen.getByRole('progressbar', { name: /^Learning: step \d+ of 10001$/ })).toBeTruthy(), { timeout: 10_000 })
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await vi.waitFor(() => expect(screen.getByTestId('export-message').textContent).toBe('Export cancelled; nothing was saved.'), { timeout: 10_000 })
    expect(screen.queryByRole('progressbar')).toBeNull()
  })
})
