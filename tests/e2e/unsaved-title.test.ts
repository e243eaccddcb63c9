// The unsaved mark in browser mode with the real engine: the tab's title and the mark beside the
// document's name say at once (before the page can paint again, with no round trip to the server)
// whether the document differs from the file it was saved to or opened from, through Save, edits,
// undo and redo back to the saved document, and Open.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { SHOTS, buildApp, launchChromium, newDataFolder, startServe, type ServeProcess } from './session-server'

let browser: Browser
let server: ServeProcess
let dataDir: string
let page: Page
const pageErrors: string[] = []

const CLEAN = 'untitled.convolab — Convolab'
const DIRTY = '● untitled.convolab — Convolab'

/**
 * Presses a button of the document's controls from inside the page and reads the title and the
 * mark right after the state's effects have run (microtasks only: no frame, no server reply in
 * between), then every title the tab shows in the next `settleMs`.
 */
async function press(name: 'Undo' | 'Redo', settleMs = 600): Promise<{ title: string; marked: boolean; later: string[] }> {
  return page.evaluate(
    async ({ name, settleMs }) => {
      const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)
      if (!button || button.disabled) throw new Error(`${name} cannot be pressed`)
      const later: string[] = []
      const watch = new MutationObserver(() => later.push(document.title))
      watch.observe(document.head, { childList: true, subtree: true, characterData: true })
      button.click()
      for (let k = 0; k < 10; k++) await Promise.resolve()
      const title = document.title
      const marked = document.querySelector('.unsaved') !== null
      // Only the titles shown after this one count as later.
      watch.takeRecords()
      later.length = 0
      await new Promise((done) => setTimeout(done, settleMs))
      watch.disconnect()
      return { title, marked, later }
    },
    { name, settleMs },
  )
}

beforeAll(async () => {
  buildApp()
  mkdirSync(SHOTS, { recursive: true })
  dataDir = newDataFolder()
  server = await startServe(dataDir)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('the unsaved mark in the title', () => {
  it('is off at once after undo and redo back to the saved document, and on for every other state', async () => {
    // A page of its own, so a retry starts from a new document.
    await page?.close()
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    page.on('pageerror', (error) => pageErrors.push(String(error)))
    await page.goto(server.url)
    await page.getByTestId('output-shape').waitFor()
    await expect.poll(() => page.title()).toBe('untitled — Convolab')
    await page.getByLabel('w[0, 0, 1, 1]').fill('3')
    await page.keyboard.press('Tab')
    await expect.poll(() => page.title()).toBe('● untitled — Convolab')
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')])
    const savedPath = join(dataDir, 'saved.convolab')
    await download.saveAs(savedPath)
    await expect.poll(() => page.title()).toBe(CLEAN)

    // Undo from the saved document: unsaved; redo back to it: clean, with no moment of "●".
    expect(await press('Undo')).toEqual({ title: DIRTY, marked: true, later: [] })
    expect(await press('Redo')).toEqual({ title: CLEAN, marked: false, later: [] })

    // An edit after Save: unsaved; undone: clean; redone: unsaved.
    await page.getByLabel('Stride (paso), rows (H)').fill('2')
    await page.keyboard.press('Tab')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 3, 5)')
    expect(await page.title()).toBe(DIRTY)
    expect(await press('Undo')).toEqual({ title: CLEAN, marked: false, later: [] })
    expect(await press('Redo')).toEqual({ title: DIRTY, marked: true, later: [] })

    // Opening the saved file: clean under its own name; undoing the open: unsaved; redoing it: clean.
    await page.getByLabel('Open a session (.convolab)').setInputFiles(savedPath)
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 5, 5)')
    await expect.poll(() => page.title()).toBe('saved.convolab — Convolab')
    expect(await press('Undo')).toEqual({ title: '● saved.convolab — Convolab', marked: true, later: [] })
    expect(await press('Redo')).toEqual({ title: 'saved.convolab — Convolab', marked: false, later: [] })
    expect(pageErrors).toEqual([])
  })
})
