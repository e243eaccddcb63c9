// The document controls on the page with the in-page engine: the recovery offer restores the
// autosaved work, menu commands and shortcuts undo and redo, the theme follows the menu, and the
// title carries the unsaved mark.

import { afterEach, describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import type { Transport } from '../../contract'
import DocumentControls from '../../src-renderer/src/components/session/DocumentControls.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { setWeightCell } from '../../src-renderer/src/lib/kernels/weights'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { appStateContext } from '../../src-renderer/src/lib/state/context'

let stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops) stop()
  stops = []
})

/** The app's state, started as App starts it, with DocumentControls mounted on it. */
function mount(transport: Transport) {
  const state = new AppState(transport)
  stops.push(state.start())
  render(DocumentControls, { context: appStateContext(state) })
  return state.explorer
}

function withRecovery(base: ReturnType<typeof fakeTransport>, recovered: unknown) {
  const discarded: string[] = []
  const transport: Transport = {
    host: base.host,
    onEvent: (listener) => base.onEvent(listener),
    async invoke(method, request) {
      if (method === 'recovery') return { ok: true, value: recovered } as never
      if (method === 'discardRecovery') discarded.push('discarded')
      return base.invoke(method, request)
    },
  }
  return { transport, discarded }
}

describe('document controls', () => {
  it('offers the recovered work and restores it as unsaved changes', async () => {
    const base = fakeTransport()
    const session = {
      input: { shape: [1, 1, 3, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) },
      weight: { shape: [1, 1, 2, 2], data: Float64Array.from([0.5, -0.5, 0.25, 2]) },
      bias: null,
      options: { stride: [1, 2], padding: 0 },
      gradOutput: { kind: 'ones' },
      view: {},
    }
    const { transport, discarded } = withRecovery(base, { session, savedAt: Date.UTC(2026, 10, 26, 20, 0), name: 'lesson.convolab' })
    const app = mount(transport)
    const restore = await screen.findByRole('button', { name: 'Restore' })
    expect(screen.getByRole('dialog', { name: 'Restore your unsaved work?' }).textContent).toContain('lesson.convolab')
    await fireEvent.click(restore)
    await waitFor(() => expect(Array.from(app.weight.data)).toEqual([0.5, -0.5, 0.25, 2]))
    expect(app.input.shape).toEqual([1, 1, 3, 3])
    expect([app.settings.strideH, app.settings.strideW, app.useBias]).toEqual([1, 2, false])
    expect(discarded).toEqual(['discarded'])
    expect(screen.queryByRole('dialog', { name: 'Restore your unsaved work?' })).toBeNull()
    await waitFor(() => expect(document.title).toBe('● lesson.convolab — Convolab'))
  })

  it('undoes and redoes from the menu and from Ctrl+Z / Ctrl+Y, and follows the theme menu', async () => {
    const transport = fakeTransport()
    const app = mount(transport)
    await waitFor(() => expect(document.title).toBe('untitled — Convolab'))
    app.setWeight(setWeightCell(app.weight, 0, 0, 1, 1, 9))
    await waitFor(() => expect(screen.getByRole('button', { name: 'Undo' }).hasAttribute('disabled')).toBe(false))
    await waitFor(() => expect(document.title).toBe('● untitled — Convolab'))
    transport.emit({ type: 'menu', command: 'undo' })
    expect(app.weight.data[4]).toBe(0)
    transport.emit({ type: 'menu', command: 'redo' })
    expect(app.weight.data[4]).toBe(9)
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true })
    expect(app.weight.data[4]).toBe(0)
    await fireEvent.keyDown(window, { key: 'y', ctrlKey: true })
    expect(app.weight.data[4]).toBe(9)
    transport.emit({ type: 'menu', command: 'theme-dark' })
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'))
    transport.emit({ type: 'menu', command: 'zoom-in' })
    await waitFor(() => expect(document.body.style.zoom).toBe('1.1'))
    transport.emit({ type: 'menu', command: 'zoom-reset' })
    await waitFor(() => expect(document.body.style.zoom).toBe(''))
  })
})
