// The stage-centred layout as a teacher meets it on first start, at 1366×768 and 1920×1080, in
// English and Spanish, light and dark: the stage (frame and player) and the feature maps are in
// the viewport without scrolling, no control overflows its box in the side panel, the dark stage
// is dark, and axe-core finds nothing critical, serious or moderate (main screen and Present
// mode). Also: nothing clipped at 1280×720, the stage's tabs on one row at 1366 and 1280 px in
// both languages, and the layout reflows at 1024 px wide.

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowserMode, SHOTS, writePhoto, type BrowserMode } from './browser-mode'
import { axeFindings } from './axe-findings'

let mode: BrowserMode

beforeAll(async () => {
  mode = await openBrowserMode()
})
afterAll(async () => {
  await mode?.close()
})

async function open(width: number, height: number, locale: string, colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await mode.browser.newContext({ viewport: { width, height }, locale, colorScheme, bypassCSP: true })
  const page = await context.newPage()
  await page.goto(mode.server.url)
  await page.getByTestId('output-shape').waitFor()
  await page.locator('[data-testid="stage"] canvas').waitFor()
  await page.locator('[data-testid="feature-maps"] canvas').first().waitFor()
  return page
}

/** The element's box, and whether it lies inside the viewport without scrolling. */
async function inViewport(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((element) => {
    const box = element.getBoundingClientRect()
    return {
      top: box.top,
      bottom: box.bottom,
      left: box.left,
      right: box.right,
      inside: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
    }
  })
}

/** Elements of the side panel whose content is wider than their box (clipped controls). */
async function overflowing(page: Page): Promise<string[]> {
  return page.getByTestId('side-panel').evaluate((panel) =>
    [...panel.querySelectorAll('*')]
      // visually hidden inputs (a file input inside its translated button) are 1 px by design
      .filter((element) => element.clientWidth > 1 && element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')} ${element.scrollWidth}>${element.clientWidth}`),
  )
}

const axe = (page: Page) => axeFindings(page)

/** Luminance (0–255) of the stage canvas's top-left corner pixels, as drawn. */
async function stageLuminance(page: Page): Promise<number> {
  return page.locator('[data-testid="stage"] canvas').evaluate((canvas: HTMLCanvasElement) => {
    const [r, g, b] = canvas.getContext('2d')!.getImageData(4, 4, 1, 1).data
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  })
}

describe('first start, stage-centred', () => {
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    for (const locale of ['en-US', 'es-ES']) {
      for (const scheme of ['light', 'dark'] as const) {
        it(`${width}×${height} ${locale} ${scheme}: stage and feature maps in view, side panel unclipped, axe clean`, async () => {
          const page = await open(width, height, locale, scheme)
          const stage = await inViewport(page, 'stage')
          const maps = await inViewport(page, 'feature-maps')
          await page.screenshot({ path: join(SHOTS, `layout-${width}x${height}-${locale}-${scheme}.png`) })
          expect(stage, 'stage').toMatchObject({ inside: true })
          expect(maps, 'feature maps').toMatchObject({ inside: true })
          // the player's controls are part of the stage and visible too
          expect((await inViewport(page, 'anim-counter')).inside).toBe(true)
          expect(await overflowing(page)).toEqual([])
          const luminance = await stageLuminance(page)
          if (scheme === 'dark') expect(luminance).toBeLessThan(60)
          else expect(luminance).toBeGreaterThan(200)
          expect(await axe(page)).toEqual([])
          await page.context().close()
        })
      }
    }
  }

  it('1366×768: the input grid and the kernel are in view as well', async () => {
    const page = await open(1366, 768, 'en-US', 'light')
    for (const selector of ['#input-title', '[aria-label^="Padded input x"]', '#kernel-title', '[data-testid="feature-maps"] canvas']) {
      const box = await page.locator(selector).first().boundingBox()
      expect(box, selector).not.toBeNull()
      expect(box!.y + Math.min(box!.height, 40), selector).toBeLessThanOrEqual(768)
    }
    const kernelCell = await page.getByLabel('w[0, 0, 0, 0]').boundingBox()
    expect(kernelCell!.y + kernelCell!.height).toBeLessThanOrEqual(768)
    await page.context().close()
  })

  it('nothing is clipped at 1280×720, and the page reflows at 1024 px without sideways scrolling', async () => {
    for (const [width, height] of [
      [1280, 720],
      [1024, 768],
    ] as const) {
      const page = await open(width, height, 'es-ES', 'light')
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width)
      expect(await overflowing(page)).toEqual([])
      const stage = await inViewport(page, 'stage')
      expect(stage.left).toBeGreaterThanOrEqual(0)
      expect(stage.right).toBeLessThanOrEqual(width)
      await page.screenshot({ path: join(SHOTS, `layout-${width}x${height}.png`) })
      await page.context().close()
    }
  })

  it('the stage’s five tabs sit on one row at 1366×768 and 1280×720, in English and Spanish, on the grid and on a photo', async () => {
    const photo = join(SHOTS, 'layout-tabs-photo.png')
    await writePhoto(photo, 720, 477)
    for (const [width, height] of [
      [1366, 768],
      [1280, 720],
    ] as const) {
      for (const locale of ['en-US', 'es-ES']) {
        const page = await open(width, height, locale, 'light')
        for (const withPhoto of [false, true]) {
          if (withPhoto) await page.locator('input[type=file][accept^="image/"]').setInputFiles(photo)
          const rows = await page.getByRole('tab').evaluateAll((tabs) => new Set(tabs.map((tab) => Math.round(tab.getBoundingClientRect().top))).size)
          const tabs = await page.getByRole('tab').count()
          expect(tabs, `${width}×${height} ${locale}`).toBe(5)
          expect(rows, `${width}×${height} ${locale}${withPhoto ? ' photo' : ''}: the tabs take ${rows} rows`).toBe(1)
        }
        await page.context().close()
      }
    }
  })

  it('Present mode (F5): full-window stage with the formula; Escape leaves; axe clean in both themes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(1366, 768, 'en-US', scheme)
      await page.keyboard.press('F5')
      await page.getByTestId('present-strip').waitFor()
      expect(await page.getByTestId('formula-H-numbers').textContent()).toBe('⌊(7 + 2·0 − 1·2 − 1)/1⌋ + 1 = 5')
      await expect.poll(() => inViewport(page, 'stage')).toMatchObject({ inside: true })
      const stage = await inViewport(page, 'stage')
      expect(stage.right - stage.left).toBeGreaterThan(1300)
      expect(await page.getByTestId('side-panel').isVisible()).toBe(false)
      await page.getByTestId('present-strip').getByLabel('Stride (paso)', { exact: true }).fill('2')
      await expect.poll(() => page.getByTestId('formula-H-numbers').textContent()).toBe('⌊(7 + 2·0 − 1·2 − 1)/2⌋ + 1 = 3')
      expect(await axe(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `layout-present-${scheme}.png`) })
      await page.keyboard.press('Escape')
      await expect.poll(() => page.getByTestId('present-strip').count()).toBe(0)
      expect(await page.getByTestId('side-panel').isVisible()).toBe(true)
      await page.context().close()
    }
  })

  it("shows 'Start here' on first start; dismissed, it stays away after a reload", async () => {
    const page = await open(1366, 768, 'es-ES', 'light')
    const card = page.getByTestId('start-here')
    expect(await card.textContent()).toContain('Empiece aquí')
    expect((await inViewport(page, 'start-here')).inside).toBe(true)
    await card.getByRole('button', { name: 'Entendido' }).click()
    await expect.poll(() => card.count()).toBe(0)
    await page.reload()
    await page.getByTestId('output-shape').waitFor()
    expect(await page.getByTestId('start-here').count()).toBe(0)
    await page.context().close()
  })

  it('the lesson gallery is axe-clean in both themes and opens a lesson on its tab', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open(1366, 768, 'es-ES', scheme)
      await page.getByRole('button', { name: 'Lecciones' }).first().click()
      await page.getByTestId('lesson-gallery').waitFor()
      expect(await axe(page)).toEqual([])
      await page.screenshot({ path: join(SHOTS, `layout-lessons-${scheme}.png`) })
      await page.locator('[data-lesson="stride-2"]').click()
      await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Forma de la salida y: (1, 1, 3, 3)')
      await page.getByRole('button', { name: 'Lecciones' }).first().click()
      await page.locator('[data-lesson="notebook-backward"]').click()
      await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('Hacia atrás: mapas de gradientes')
      await page.context().close()
    }
  })

  it('the player pauses while the pointer is on the frame and resumes when it leaves', async () => {
    const page = await open(1366, 768, 'en-US', 'light')
    const counter = page.getByTestId('anim-counter')
    await page.getByRole('button', { name: /Play/ }).first().click()
    await expect.poll(() => counter.textContent()).not.toBe('step 0 of 25')
    await page.locator('[data-testid="stage"] canvas').hover({ position: { x: 40, y: 40 } })
    await page.getByRole('button', { name: /Play/ }).first().waitFor()
    const held = await counter.textContent()
    await page.waitForTimeout(1200)
    expect(await counter.textContent()).toBe(held)
    await page.mouse.move(5, 5)
    await page.getByRole('button', { name: /Pause/ }).first().waitFor()
    await expect.poll(() => counter.textContent()).not.toBe(held)
    await page.context().close()
  })

  it('on a photo: hovering the input shows the magnifier with the patch numbers; Back to the drawing grid returns', async () => {
    const page = await open(1366, 768, 'en-US', 'dark')
    const photo = join(SHOTS, 'layout-photo.png')
    await writePhoto(photo, 160, 120)
    await page.locator('input[type=file][accept*="image"]').setInputFiles(photo)
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 118, 158)')
    const grid = page.locator('[aria-label^="Padded input x"]').first()
    const box = (await grid.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5)
    const magnifier = page.getByTestId('magnifier')
    await magnifier.waitFor()
    const numbers = await magnifier.locator('td').allTextContents()
    expect(numbers).toHaveLength(9)
    for (const text of numbers) expect(Number(text.replace('−', '-'))).toBeGreaterThanOrEqual(0)
    await page.screenshot({ path: join(SHOTS, 'layout-photo-magnifier.png') })
    await page.getByRole('button', { name: /Back to the drawing grid/ }).click()
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 5, 5)')
    await page.context().close()
  })

  it('made no page errors', () => {
    expect(mode.pageErrors).toEqual([])
  })
})
