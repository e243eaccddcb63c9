// Learning the kernel exported from the app in browser mode: the export dialog's learning frames
// (steps + 1 PNGs of the asked size, drawn by frames' paintFrame on the page's canvas), and the
// session saved after a run carries the setup that `convolab export --animation learning` replays.

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import { decodeSessionFile } from '../../core/session-file'
import { run } from '../../src-main/cli'
import { openBrowserMode, SHOTS, type BrowserMode } from './browser-mode'

let mode: BrowserMode
let page: Page
let folder: string

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
  folder = mkdtempSync(join(tmpdir(), 'convolab-learning-e2e-'))
})

afterAll(async () => {
  await mode?.close()
})

describe('exporting the learning animation from the app', () => {
  it('exports steps + 1 learning frames with the Learn tab’s rate, and saves the setup the CLI replays', async () => {
    await page.getByRole('tab', { name: 'Learn the kernel' }).click()
    await page.getByLabel('Learning rate η').fill('0.05')
    await page.getByRole('button', { name: 'Step', exact: true }).click()
    await expect.poll(() => page.getByTestId('learn-status').getAttribute('data-step')).toBe('1')

    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    await dialog.getByLabel('Animation').selectOption('learning')
    await dialog.getByLabel('Learning steps').fill('12')
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Width (px)').fill('640')
    await dialog.getByLabel('Height (px)').fill('360')
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('13 frames')
    await expect.poll(() => dialog.getByTestId('export-learn-note').textContent()).toContain('η = 0.05')
    const downloading = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Export the frames' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toBe('convolab-learning-png.zip')
    const saved = join(folder, download.suggestedFilename())
    await download.saveAs(saved)
    const files = unzipSync(new Uint8Array(readFileSync(saved)))
    const names = Object.keys(files).sort()
    expect(names).toEqual(Array.from({ length: 13 }, (_, k) => `frame-${String(k + 1).padStart(4, '0')}.png`))
    for (const name of names) {
      const meta = await sharp(Buffer.from(files[name])).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 640, 360])
    }
    // Kept for looking at: the first and last frame as the page drew them.
    writeFileSync(join(SHOTS, 'learning-page-frame-0001.png'), files[names[0]])
    writeFileSync(join(SHOTS, 'learning-page-frame-0013.png'), files[names[12]])
    await dialog.getByRole('button', { name: 'Close' }).click()

    // Saved after the run: the learning setup travels in the file; the CLI exports it.
    const [sessionDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')])
    const sessionPath = join(folder, 'learned.convolab')
    await sessionDownload.saveAs(sessionPath)
    const session = decodeSessionFile(new Uint8Array(readFileSync(sessionPath)))
    expect(session.learning).toEqual({ target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.05, steps: 12, start: 'random', seed: 7 })
    const out = join(folder, 'cli-frames')
    const result = await run(['export', '--session', sessionPath, '--animation', 'learning', '--format', 'png', '--out', out, '--size', '640x360'], 'en')
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(readdirSync(out)).toHaveLength(13)
    writeFileSync(join(SHOTS, 'learning-cli-frame-0013.png'), readFileSync(join(out, 'frame-0013.png')))
    expect(mode.pageErrors).toEqual([])
  })
})
