// The app from the keyboard alone, in browser mode: Tab reaches every control of the main
// screen with a visible focus; shortcuts open the help, pick drawing tools, open a session file,
// zoom, undo; and the help lists this platform's keys.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { buildApp, launchChromium, newDataFolder, SHOTS, startServe, type ServeProcess } from './session-server'

let browser: Browser
let server: ServeProcess
let page: Page

beforeAll(async () => {
  buildApp()
  mkdirSync(SHOTS, { recursive: true })
  server = await startServe(newDataFolder())
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
  await page.goto(server.url)
  await page.getByTestId('output-shape').waitFor()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

/** Marks every control a keyboard user must reach with data-k=<n>; returns how many. */
function markControls(p: Page): Promise<number> {
  return p.evaluate(() => {
    const candidates = [...document.querySelectorAll<HTMLElement>('input, select, button, textarea, [tabindex], a[href]')]
    let count = 0
    for (const element of candidates) {
      if (element.closest('dialog:not([open])') || element.closest('[inert]')) continue
      // A folded section's controls are reached after opening its summary (itself a Tab stop).
      if (element.closest('details:not([open])') && element.tagName !== 'SUMMARY') continue
      if ((element as HTMLButtonElement).disabled || element.tabIndex < 0) continue
      // One radio of a group is a Tab stop; the arrows choose within it.
      if (element instanceof HTMLInputElement && element.type === 'radio' && !element.checked) continue
      const box = element.getBoundingClientRect()
      const hiddenInLabel = element.classList.contains('sr-only') && element.closest('label')
      if (!hiddenInLabel && (box.width === 0 || box.height === 0)) continue
      element.dataset.k = String(count++)
    }
    return count
  })
}

/** What has the focus now, and whether the focus can be seen (its outline or its label's). */
function focused(p: Page) {
  return p.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    if (!element || element === document.body) return null
    const shows = (node: Element | null) => {
      if (!node) return false
      const style = getComputedStyle(node)
      return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
    }
    const label = element.closest('label')
    return {
      k: element.dataset.k ?? null,
      name: element.getAttribute('aria-label') ?? label?.textContent?.trim().slice(0, 40) ?? element.textContent?.trim().slice(0, 40) ?? element.tagName,
      visible: shows(element) || (element.classList.contains('sr-only') && shows(label)),
    }
  })
}

describe('keyboard only, browser mode', () => {
  it('reaches every control of the main screen with Tab, each with a visible focus', async () => {
    const total = await markControls(page)
    expect(total).toBeGreaterThan(40)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const reached = new Set<string>()
    const invisible: string[] = []
    for (let press = 0; press < total + 40 && reached.size < total; press++) {
      await page.keyboard.press('Tab')
      const now = await focused(page)
      if (!now) continue
      if (now.k !== null) reached.add(now.k)
      if (!now.visible) invisible.push(now.name)
      // Leave a grid the way a keyboard user does; its cursor keeps arrows inside.
      if (press === 0) await page.screenshot({ path: join(SHOTS, 'keyboard-first-stop.png') })
    }
    const missing = await page.evaluate(
      (seen) => [...document.querySelectorAll<HTMLElement>('[data-k]')].filter((e) => !seen.includes(e.dataset.k!)).map((e) => e.outerHTML.slice(0, 120)),
      [...reached],
    )
    expect(missing).toEqual([])
    expect(invisible).toEqual([])
  })

  it('opens and closes the help with F1 and ?, listing Ctrl shortcuts and the animation keys', async () => {
    await page.getByRole('button', { name: 'Save as…' }).focus()
    await page.keyboard.press('F1')
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await help.waitFor()
    const text = await help.textContent()
    expect(text).toContain('Ctrl+Z')
    expect(text).toContain('Ctrl+Shift+S')
    expect(text).toContain('Ctrl+Y')
    expect(text).toContain('Space / K')
    await page.screenshot({ path: join(SHOTS, 'keyboard-help-en.png') })
    await page.keyboard.press('Escape')
    await expect.poll(() => help.isVisible()).toBe(false)
    // The focus goes back to where it was.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Save as…')
    await page.keyboard.press('?')
    await help.waitFor()
    await page.keyboard.press('Escape')
  })

  it('picks drawing tools with plain keys, but not while typing', async () => {
    await page.getByRole('button', { name: 'Shortcuts' }).focus()
    await page.keyboard.press('e')
    await expect.poll(() => page.getByRole('radio', { name: 'Eraser' }).isChecked()).toBe(true)
    await page.keyboard.press('b')
    await expect.poll(() => page.getByRole('radio', { name: 'Brush' }).isChecked()).toBe(true)
    await page.getByLabel('Brush value').focus()
    await page.keyboard.press('e')
    expect(await page.getByRole('radio', { name: 'Brush' }).isChecked()).toBe(true)
  })

  it('opens the session file chooser with Ctrl+O and zooms with Ctrl+= and Ctrl+0', async () => {
    await page.getByRole('button', { name: 'Shortcuts' }).focus()
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')])
    expect(await chooser.element().getAttribute('accept')).toBe('.convolab')
    await page.keyboard.press('Control+=')
    await page.keyboard.press('Control+=')
    await expect.poll(() => page.evaluate(() => document.body.style.zoom)).toBe('1.25')
    await page.getByRole('button', { name: 'Zoom 125%' }).waitFor()
    await page.screenshot({ path: join(SHOTS, 'keyboard-zoom-125.png') })
    // The grid under the pointer is still the cell drawn there.
    const grid = page.getByRole('grid', { name: /Feature map y\[0, 0\]/ })
    const box = (await grid.locator('canvas').boundingBox())!
    await page.mouse.move(box.x + (3.5 * box.width) / 5, box.y + (1.5 * box.height) / 5)
    await expect.poll(() => page.getByTestId('cell-formula').textContent()).toContain('y[0, 0, 1, 3]')
    await page.keyboard.press('Control+0')
    await expect.poll(() => page.evaluate(() => document.body.style.zoom)).toBe('')
  })

  it('undoes from the keyboard while a kernel cell has the focus', async () => {
    const cell = page.getByLabel('w[0, 0, 0, 1]')
    await cell.focus()
    await page.keyboard.type('4')
    await expect.poll(() => cell.inputValue()).toBe('4')
    await page.keyboard.press('Control+z')
    await expect.poll(() => cell.inputValue()).toBe('0')
  })
})
