import { beforeAll, describe, expect, it } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import LessonGallery from '../../src-renderer/src/components/guide/LessonGallery.svelte'
import { LESSON_IDS } from '../../src-renderer/src/lib/guide/lessons'
import type { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { applySession } from '../../src-renderer/src/lib/state/session-document'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { parseSession } from '../../core/session'
import { outputShape } from '../../core/geometry'

// What each lesson must show once opened: the output shape the case is about, the options that
// make it that case, and the tab it opens on.
const EXPECTED: Record<(typeof LESSON_IDS)[number], { shape: number[]; tab: string; check?: (app: Explorer) => void }> = {
  'no-padding': { shape: [1, 1, 3, 3], tab: 'animation' },
  'half-padding': { shape: [1, 1, 5, 5], tab: 'animation', check: (app) => expect(app.settings.paddingKind).toBe('same') },
  'full-padding': { shape: [1, 1, 7, 7], tab: 'animation' },
  'stride-2': { shape: [1, 1, 3, 3], tab: 'animation', check: (app) => expect([app.settings.strideH, app.settings.strideW]).toEqual([2, 2]) },
  'dilation-2': { shape: [1, 1, 3, 3], tab: 'animation', check: (app) => expect(app.settings.dilationH).toBe(2) },
  depthwise: { shape: [1, 3, 6, 6], tab: 'animation', check: (app) => expect([app.settings.groups, app.weight.shape[1]]).toEqual([3, 1]) },
  'reflect-padding': { shape: [1, 1, 6, 6], tab: 'animation', check: (app) => expect(app.settings.paddingMode).toBe('reflect') },
  'notebook-forward': { shape: [2, 4, 3, 3], tab: 'animation' },
  'notebook-backward': { shape: [2, 4, 3, 3], tab: 'backward' },
  'learn-sobel-x': { shape: [1, 1, 16, 16], tab: 'learn' },
}

// jsdom has <dialog> without showModal/close: open and close it by its attribute.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '')
  }
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open')
    this.dispatchEvent(new Event('close'))
  }
})

describe('lesson gallery', () => {
  it('lists every lesson with a title and a line, in English and Spanish', async () => {
    const view = render(LessonGallery, { props: { open: true, language: 'en', onopen: () => {} } })
    const buttons = screen.getByTestId('lesson-gallery').querySelectorAll('button')
    expect([...buttons].map((b) => b.dataset.lesson)).toEqual([...LESSON_IDS])
    expect(buttons[7].textContent).toContain("The course notebook's example: forward")
    await view.rerender({ language: 'es' })
    expect(screen.getByTestId('lesson-gallery').querySelectorAll('button')[7].textContent).toContain('El ejemplo del cuaderno del curso: hacia adelante')
  })

  for (const id of LESSON_IDS) {
    it(`opens '${id}': a valid session with the case's setting, on its tab`, async () => {
      const opened: { bytes: Uint8Array; name: string }[] = []
      const tabs: string[] = []
      render(LessonGallery, {
        props: {
          open: true,
          language: 'en',
          onopen: (bytes: Uint8Array, name: string) => opened.push({ bytes, name }),
          ontab: (tab: string) => tabs.push(tab),
        },
      })
      await fireEvent.click(screen.getByTestId('lesson-gallery').querySelector(`[data-lesson="${id}"]`)!)
      expect(opened).toHaveLength(1)
      expect(opened[0].name).toBe(`${id}.convolab`)
      const session = parseSession(new TextDecoder().decode(opened[0].bytes))
      const state = new AppState(fakeTransport())
      applySession(state, session)
      const app = state.explorer
      expect(app.check.ok).toBe(true)
      if (!app.check.ok) return
      expect([...outputShape(app.check.geometry)]).toEqual(EXPECTED[id].shape)
      EXPECTED[id].check?.(app)
      expect(tabs).toEqual([EXPECTED[id].tab])
    })
  }
})
