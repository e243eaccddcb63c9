// Every tab on a real photo, in browser mode with the real engine: a 1024×1024 RGB PNG with 8
// output channels and 3×3 kernels. The Animation tab steps through a region of the output whose
// values equal core's conv2d (1e-12), Export writes its frames, Learn lowers the loss and the
// gradient check says SUCCESS. First, the bug of issue 9: learn on the drawn grid, open the
// photo, Step — the run must start over on the photo with finite weights.

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import { conv2d } from '../../core/conv2d'
import { decodeSessionFile } from '../../core/session-file'
import { openBrowserMode, SHOTS, writePhoto, type BrowserMode } from './browser-mode'

const SIDE = 1024
let mode: BrowserMode
let page: Page
let folder: string
let photo: string

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
  folder = mkdtempSync(join(tmpdir(), 'convolab-photo-tabs-'))
  photo = join(folder, 'photo.png')
  await writePhoto(photo, SIDE, SIDE)
})

afterAll(async () => {
  await mode?.close()
})

const status = () => page.getByTestId('learn-status')

/** Unfolds a side-panel section (the design folds photo and channel controls) by its summary. */
async function unfold(summary: string): Promise<void> {
  const section = page.locator('details', { has: page.getByText(summary, { exact: true }) })
  if ((await section.getAttribute('open')) === null) await section.locator('summary').click()
}

describe('every tab on a 1024×1024 photo', () => {
  it('learn on the grid, open a photo, Step: the run starts over on the photo and every learned weight is finite', async () => {
    await page.getByRole('tab', { name: 'Learn the kernel' }).click()
    for (let k = 1; k <= 3; k++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click()
      await expect.poll(() => status().getAttribute('data-step')).toBe(String(k))
    }
    // The working size is with the photo controls, folded until a photo is open.
    await unfold('Size, batch and photo')
    await page.getByLabel('Working size (longest side)').selectOption(String(SIDE))
    await page.getByLabel('Open image…').setInputFiles(photo)
    await expect.poll(() => page.locator('#output-title small').first().textContent(), { timeout: 60_000 }).toBe('(1, 1, 1022, 1022)')
    await expect.poll(() => page.getByTestId('learn-reset').count(), { timeout: 30_000 }).toBe(1)
    await page.getByRole('button', { name: 'Step', exact: true }).click()
    await expect.poll(() => status().getAttribute('data-step'), { timeout: 60_000 }).toBe('1')
    expect(await status().getAttribute('data-finite')).toBe('true')
    expect(Number(await status().getAttribute('data-loss'))).toBeGreaterThan(0)
    expect(mode.pageErrors).toEqual([])
  })

  it('animates a region of the 8-channel output with core’s values and exports its frames', async () => {
    await page.getByLabel('Output channels C_out', { exact: true }).fill('8')
    await expect.poll(() => page.locator('#output-title small').first().textContent(), { timeout: 60_000 }).toBe('(1, 8, 1022, 1022)')
    await page.getByRole('tab', { name: 'Animation' }).click()
    // The default region: 8×8 output cells at the centre, every channel.
    const stage = page.getByTestId('anim-stage')
    await expect.poll(() => stage.getAttribute('data-region'), { timeout: 60_000 }).toBe('507,507,8,8')
    await expect.poll(() => page.getByTestId('anim-counter').textContent(), { timeout: 30_000 }).toBe('step 0 of 512')
    expect(await page.getByTestId('region-picker').count()).toBe(1)
    // A region in the textured grass, picked by a click on the output thumbnail (160 px for 1022 cells).
    const thumbnail = page.getByRole('grid', { name: /^Output thumbnail/ })
    await thumbnail.click({ position: { x: 40, y: 140 } })
    await expect.poll(() => stage.getAttribute('data-region')).not.toBe('507,507,8,8')
    const region = (await stage.getAttribute('data-region'))!.split(',').map(Number)
    expect(region[0]).toBeGreaterThan(800)
    expect(region.slice(2)).toEqual([8, 8])
    await expect.poll(() => page.getByTestId('anim-counter').textContent()).toBe('step 0 of 512')
    for (let k = 0; k < 13; k++) await page.getByRole('button', { name: 'Step forward' }).click()
    await expect.poll(() => page.getByTestId('anim-counter').textContent()).toBe('step 13 of 512')
    const current = page.getByTestId('anim-current')
    // Step 13 writes the region's cell (1, 4) of channel 0.
    await expect.poll(() => current.getAttribute('data-index')).toBe(`0,0,${region[0] + 1},${region[1] + 4}`)
    const shown = Number(await current.getAttribute('data-value'))
    await page.screenshot({ path: join(SHOTS, 'photo-region-stage.png'), fullPage: true })

    // The document as the app holds it (its input exactly as decoded, its 8 kernels), saved with the region.
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')])
    const sessionPath = join(folder, 'photo.convolab')
    await download.saveAs(sessionPath)
    const session = decodeSessionFile(new Uint8Array(readFileSync(sessionPath)))
    expect(session.view.region).toEqual({ i: region[0], j: region[1], h: 8, w: 8 })
    const output = conv2d(session.input, session.weight, session.bias, session.options).output
    const expected = output.data[(0 * 1022 + region[0] + 1) * 1022 + region[1] + 4]
    expect(expected).not.toBe(0)
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))

    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    await dialog.getByLabel('One step is').selectOption('row')
    // 8 channels × 8 rows of the region, after the empty start (step 0).
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('65 frames')
    await expect.poll(() => dialog.getByTestId('export-region').textContent()).toContain(`rows ${region[0]}..`)
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Width (px)').fill('640')
    await dialog.getByLabel('Height (px)').fill('360')
    await dialog.getByLabel('From step (0 = start)').fill('1')
    await dialog.getByLabel('to step', { exact: true }).fill('3')
    const downloading = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Export the frames' }).click()
    const frames = await downloading
    const zipPath = join(folder, frames.suggestedFilename())
    await frames.saveAs(zipPath)
    const files = unzipSync(new Uint8Array(readFileSync(zipPath)))
    expect(Object.keys(files).sort()).toEqual(['frame-0001.png', 'frame-0002.png', 'frame-0003.png'])
    const meta = await sharp(Buffer.from(files['frame-0003.png'])).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 640, 360])
    await dialog.getByRole('button', { name: 'Close' }).click()
    expect(mode.pageErrors).toEqual([])
  })

  it('learns on the photo: the loss goes down', async () => {
    await page.getByRole('tab', { name: 'Learn the kernel' }).click()
    await page.getByRole('button', { name: 'Reset' }).click()
    await page.getByLabel('Learning rate η').fill('0.05')
    for (let k = 1; k <= 3; k++) {
      await page.getByRole('button', { name: 'Step', exact: true }).click()
      await expect.poll(() => status().getAttribute('data-step'), { timeout: 60_000 }).toBe(String(k))
    }
    const first = Number(await status().getAttribute('data-first-loss'))
    const last = Number(await status().getAttribute('data-loss'))
    expect(last).toBeLessThan(first)
    expect(await status().getAttribute('data-finite')).toBe('true')
    expect(mode.pageErrors).toEqual([])
  })

  it('checks the gradients on the photo at a stated number of random elements: SUCCESS', async () => {
    await page.getByRole('tab', { name: 'Gradient check' }).click()
    await page.getByLabel('Elements of x and of w').fill('20')
    await page.getByRole('button', { name: 'Check gradients' }).click()
    const report = page.getByTestId('gradcheck-report')
    await expect.poll(() => report.count(), { timeout: 110_000 }).toBe(1)
    expect(await report.textContent()).toContain('SUCCESS 48 partial derivatives checked')
    expect(await page.getByTestId('gradcheck-counts').textContent()).toBe('20 of 3145728 elements of x, 20 of 216 of w, 8 of 8 of b')
    expect(mode.pageErrors).toEqual([])
  })
})
