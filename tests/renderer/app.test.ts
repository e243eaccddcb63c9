import { beforeAll, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import App from '../../src-renderer/src/App.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'

// jsdom has no 2D canvas and no ResizeObserver; the grids draw nothing here and the rest of the screen is tested.
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})

describe('explorer screen (in-page engine)', () => {
  it('computes the first map without a button press and names every control', async () => {
    const transport = fakeTransport()
    render(App, { props: { transport, language: 'en' } })
    await waitFor(() => expect(screen.getByRole('heading', { name: /Feature maps y/ }).textContent).toContain('(1, 1, 5, 5)'))
    // The document's own calls (settings, recovery, title) are tested in session tests.
    expect(transport.calls.filter((call) => call === 'setInput' || call === 'compute')).toEqual(['setInput', 'compute'])
    for (const control of [...document.querySelectorAll('input, select, button')]) {
      const labelled = control.closest('label') || control.getAttribute('aria-label') || control.textContent?.trim()
      expect(labelled, control.outerHTML).toBeTruthy()
    }
  })

  it('recomputes after a kernel edit and says the new value in the other language', async () => {
    const transport = fakeTransport()
    render(App, { props: { transport, language: 'es' } })
    await waitFor(() => expect(transport.calls).toContain('compute'))
    await fireEvent.input(screen.getByLabelText('w[0, 0, 1, 1]'), { target: { value: '3' } })
    await waitFor(() => expect(transport.calls.filter((c) => c === 'compute')).toHaveLength(2))
    // The input did not change, so it is not sent again.
    expect(transport.calls.filter((c) => c === 'setInput')).toHaveLength(1)
    expect(screen.getByRole('heading', { name: /Mapas de características y/ })).toBeTruthy()
    await fireEvent.change(screen.getByLabelText(/Idioma/), { target: { value: 'en' } })
    expect(screen.getByRole('heading', { name: /Feature maps y/ })).toBeTruthy()
  })

  it('shows an engine error in the current language and keeps going', async () => {
    const transport = fakeTransport()
    render(App, { props: { transport, language: 'es' } })
    transport.emit({ type: 'open-file', name: 'photo.png', bytes: new Uint8Array([1, 2, 3]) })
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('photo.png no es una imagen legible'))
    transport.emit({ type: 'menu', command: 'language-en' })
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('photo.png is not an image that can be read'))
  })
})
