// Stacks in the app, end to end in browser mode (real server, engine worker and Chromium):
// - the dilated preset (3×3 convs with dilation 1, 2, 4, 8): hovering a unit of the last layer
//   reads its receptive field, 31×31 = 1 + 2·(1 + 2 + 4 + 8), on screen; the effective field's
//   heat map shows over the input; leaving the stack gives back the single-layer explorer.
// - Present mode with a stack presents the stack (its chain, maps and animation), axe clean.
// - interactive timing through the page: the VGG block (three conv3 with 16 channels, padding 1,
//   ReLU between) on a 512×512 RGB photo, forward + every gradient (dE/dy = 1 at the output). A
//   weight of layer 0 changes (as typing does) and the clock stops when the strip shows the
//   answer to that request. Medians printed: the engine's compute and the page's round trip
//   (target of issue 13: ≤ 300 ms in the engine on the 2-core machine). The machine is shared,
//   so only a bound that holds under load is asserted.

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowserMode, writePhoto, type BrowserMode } from './browser-mode'
import { axeFindings } from './axe-findings'

const axe = (on: Page) => axeFindings(on)

const RUNS = 9
const WARM_UP = 2
/** Generous: holds on the shared machine under load (6 s seen at load 14); the target is printed, not asserted. */
const MEDIAN_BOUND_MS = 20_000
const SHOTS = process.env.CONVOLAB_SHOTS ?? mkdtempSync(join(tmpdir(), 'convolab-shots-'))

let mode: BrowserMode
let page: Page

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

beforeAll(async () => {
  mode = await openBrowserMode('en-US')
  page = mode.page
})

afterAll(async () => {
  await mode?.close()
})

/** A page of its own at 1366×768 with a preset stack computed (`cards` maps in the strip). The page's CSP allows only its own scripts: axe comes with the test. */
async function stackPage(locale: string, scheme: 'light' | 'dark', preset: string, cards: number) {
  const context = await mode.browser.newContext({ viewport: { width: 1366, height: 768 }, locale, colorScheme: scheme, bypassCSP: true })
  const opened = await context.newPage()
  await opened.goto(mode.server.url)
  await opened.getByTestId('stack-open').click()
  await opened.getByTestId('stack-preset').selectOption(preset)
  await opened.getByTestId('stack-preset-apply').click()
  await opened
    .getByTestId('stack-card')
    .nth(cards - 1)
    .waitFor({ timeout: 60_000 })
  return { context, page: opened }
}

async function usePreset(name: string): Promise<void> {
  await page.getByTestId('stack-preset').selectOption({ label: name })
  await page.getByTestId('stack-preset-apply').click()
}

describe('stacks in the app', () => {
  it('builds the dilated preset and reads a last-layer unit’s receptive field, 31×31', async () => {
    await page.getByTestId('stack-open').click()
    // today's Conv2d is the stack of one it starts from
    await expect.poll(() => page.getByTestId('stack-layer').count()).toBe(1)
    await usePreset('Dilated (WaveNet)')
    await expect.poll(() => page.getByTestId('stack-layer').count()).toBe(7)
    await expect.poll(() => page.getByTestId('stack-card').count(), { timeout: 60_000 }).toBe(7)
    await expect.poll(() => page.getByTestId('stack-card-shape').last().textContent()).toBe('(1, 8, 7, 7)')

    await page.getByTestId('stack-card').last().getByRole('img').hover()
    await expect.poll(() => page.getByTestId('stack-field-size').textContent()).toBe('31×31')
    // the field's outline is drawn on the input and on every layer between
    expect(await page.locator('[data-testid="stack-strip"] .outline').count()).toBe(8)

    // the keyboard reaches the units too: focus a map, arrows choose a unit
    await page.mouse.move(1, 1)
    await page.getByTestId('stack-card').nth(2).getByRole('img').focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByTestId('stack-field-size').textContent()).toBe('7×7')
    expect(await page.getByTestId('stack-results').textContent()).toContain('Layer 2, unit [0, 0, 3, 4]')

    // the effective receptive field: |dE/dx| for dE/dy = 1 at the unit, over the input
    await page.getByTestId('stack-field-toggle').check()
    await page
      .getByTestId('stack-card')
      .last()
      .getByRole('img')
      .hover({ position: { x: 60, y: 60 } })
    await expect.poll(() => page.getByTestId('stack-field-heat').count(), { timeout: 60_000 }).toBeGreaterThan(0)

    // the PyTorch panel writes the nn.Sequential
    const code = await page.getByTestId('pytorch-code').textContent()
    expect(code).toContain('torch.nn.Sequential(')
    expect(code).toContain('dilation=8')

    // the backward animation goes back through the stack
    await page.getByTestId('stack-direction').selectOption('backward')
    await page.getByTestId('stack-next').click()
    await page.screenshot({ path: join(SHOTS, 'stack-dilated.png') })
    // its frames export as the explorer's do (GIF for slides by default)
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('stack-export').click()])
    expect(download.suggestedFilename()).toBe('convolab-stack-backward.gif')
    const gif = join(SHOTS, 'stack-backward.gif')
    await download.saveAs(gif)
    expect(readFileSync(gif).subarray(0, 6).toString('latin1')).toBe('GIF89a')

    // backward from one chosen unit alone: the layers up to its own, each map around its field
    // (frames/stack-unit.ts, as `convolab export --unit`)
    const third = page.getByTestId('stack-card').nth(2).getByRole('img')
    await third.hover({ position: { x: 20, y: 20 } })
    await third.click({ position: { x: 20, y: 20 } })
    await expect.poll(() => page.getByTestId('stack-seed').locator('option[value="unit"]').isDisabled(), { timeout: 60_000 }).toBe(false)
    await page.getByTestId('stack-seed').selectOption('unit')
    await expect.poll(() => page.getByTestId('stack-player').locator('.counter').textContent()).toBe('layer 0 of 3')
    await page.getByTestId('stack-next').click()
    await expect.poll(() => page.getByTestId('stack-player').locator('.counter').textContent()).toBe('layer 1 of 3')

    // leaving the stack gives back the single-layer explorer as it was
    await page.getByTestId('stack-close').click()
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 5, 5)')
    expect(mode.pageErrors).toEqual([])
  })

  it('is axe clean in stack mode, in both themes and languages', async () => {
    for (const [locale, scheme] of [
      ['en-US', 'light'],
      ['es-ES', 'dark'],
    ] as const) {
      const { context, page: checked } = await stackPage(locale, scheme, 'vgg-block', 5)
      await checked.getByTestId('stack-card').last().getByRole('img').hover()
      await checked.getByTestId('stack-field-size').waitFor()
      expect(await axe(checked), `${locale} ${scheme}`).toEqual([])
      await context.close()
    }
  })

  it('presents the stack in Present mode (F5): the chain in large type, its maps and its animation in the window; axe clean', async () => {
    for (const [locale, scheme] of [
      ['en-US', 'light'],
      ['es-ES', 'dark'],
    ] as const) {
      const { context, page: shown } = await stackPage(locale, scheme, 'dilated', 7)
      await shown.keyboard.press('F5')
      const chain = shown.getByTestId('present-stack')
      await chain.waitFor()
      // the stack, not the single layer's steppers: each layer with its shape and receptive field
      expect(await shown.getByTestId('present-strip').getByRole('spinbutton').count()).toBe(0)
      const text = (await chain.textContent()) ?? ''
      expect(text).toContain('Conv2d 3×3, dilation 8')
      expect(text).toContain(locale === 'en-US' ? 'field 31×31' : 'campo 31×31')
      expect(await shown.getByTestId('side-panel').isVisible()).toBe(false)
      expect(await shown.getByTestId('stack-card').count()).toBe(7)
      // the animation's frame lies wholly in the window, as wide as the stage allows
      await shown.getByTestId('stack-next').click()
      const frame = await shown.getByTestId('stack-frame').evaluate((canvas) => {
        const box = canvas.getBoundingClientRect()
        return { top: box.top, bottom: box.bottom, width: box.width }
      })
      expect(frame.top).toBeGreaterThan(0)
      expect(frame.bottom).toBeLessThanOrEqual(768)
      expect(frame.width).toBeGreaterThan(1200)
      expect(await axe(shown), `${locale} ${scheme}`).toEqual([])
      await shown.screenshot({ path: join(SHOTS, `stack-present-${locale}-${scheme}.png`) })
      await shown.keyboard.press('Escape')
      await expect.poll(() => shown.getByTestId('present-strip').count()).toBe(0)
      expect(await shown.getByTestId('side-panel').isVisible()).toBe(true)
      expect(await shown.getByTestId('stack-export').isVisible()).toBe(true)
      await context.close()
    }
  })

  it('names a layer that cannot take its input, with the layers before it still shown', async () => {
    await page.getByTestId('stack-open').click()
    await usePreset('LeNet-like')
    // a 7×7 drawing: the second 5×5 conv gets a 1×1 map
    await expect.poll(() => page.getByTestId('stack-refused').textContent(), { timeout: 60_000 }).toMatch(/layer 3 \(Conv2d\) cannot take its input/)
    await expect.poll(() => page.getByTestId('stack-card').count(), { timeout: 60_000 }).toBe(3)
    // every edit of the stack is a step of the one document's undo
    await page.getByTestId('stack-kind').selectOption('tanh')
    await page.getByTestId('stack-add').click()
    await expect.poll(() => page.getByTestId('stack-layer').count()).toBe(7)
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => page.getByTestId('stack-layer').count()).toBe(6)
    await page.getByRole('button', { name: 'Redo' }).click()
    await expect.poll(() => page.getByTestId('stack-layer').count()).toBe(7)
    // the new Tanh went after the selected layer (0); dragging it onto layer 0 moves it first
    await expect.poll(() => page.getByTestId('stack-layer').nth(1).textContent()).toContain('Tanh')
    await page.getByTestId('stack-layer').nth(1).dragTo(page.getByTestId('stack-layer').nth(0))
    await expect.poll(() => page.getByTestId('stack-layer').nth(0).textContent()).toContain('Tanh')
    await page.getByTestId('stack-close').click()
  })

  it('times forward + every gradient of the VGG block on a 512×512 RGB photo through the page', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'convolab-stack-'))
    const file = join(folder, 'photo.png')
    await writePhoto(file, 512, 512)
    // the photo controls are folded under the input grid (a retry finds them open)
    const more = page.locator('details.more').first()
    if (!(await more.evaluate((node) => (node as HTMLDetailsElement).open))) await more.locator('summary').click()
    await page.getByLabel('Working size (longest side)').selectOption('512')
    await page.getByLabel('Open image…').setInputFiles(file)
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="side-panel"]')
            .getByText(/\(1, 3, 512, 512\)/)
            .count(),
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0)
    await page.getByTestId('stack-open').click()
    await usePreset('VGG block')
    await expect.poll(() => page.getByTestId('stack-card-shape').last().textContent(), { timeout: 120_000 }).toBe('(1, 16, 512, 512)')
    const status = page.getByTestId('stack-status')
    await page.getByTestId('stack-layer').first().getByRole('button').first().click()
    const cell = page.getByLabel('layer 0, w[0, 0, 0, 0]')

    const engine: number[] = []
    const roundTrip: number[] = []
    const endToEnd: number[] = []
    for (let run = 0; run < WARM_UP + RUNS; run++) {
      const before = await status.getAttribute('data-request-id')
      const started = Date.now()
      await cell.fill(String(0.1 + run / 100))
      // woken by the page's own DOM change (a MutationObserver), not by polling: a poll every
      // 20 ms ran Playwright's queries in the page (about 14 ms of its CPU per edit) while the
      // engine computed the next answer
      await page.evaluate(
        (previous) =>
          new Promise<void>((resolve, reject) => {
            const answered = () => document.querySelector('[data-testid="stack-status"]')?.getAttribute('data-request-id') !== previous
            if (answered()) return resolve()
            const observer = new MutationObserver(() => {
              if (!answered()) return
              observer.disconnect()
              clearTimeout(timer)
              resolve()
            })
            const timer = setTimeout(() => {
              observer.disconnect()
              reject(new Error('no answer from the engine within 60 s'))
            }, 60_000)
            observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-request-id'], childList: true })
          }),
        before,
      )
      const took = Date.now() - started
      if (run < WARM_UP) continue
      endToEnd.push(took)
      engine.push(Number(await status.getAttribute('data-engine-ms')))
      roundTrip.push(Number(await status.getAttribute('data-page-ms')))
    }
    await page.screenshot({ path: join(SHOTS, 'stack-vgg.png') })
    console.log(
      `stack VGG block 512×512 RGB, forward + all gradients through the page: engine median ${median(engine).toFixed(1)} ms ` +
        `(min ${Math.min(...engine).toFixed(1)}, max ${Math.max(...engine).toFixed(1)}; target 300), ` +
        `request to answer median ${median(roundTrip).toFixed(1)} ms, edit to strip median ${median(endToEnd).toFixed(1)} ms, ${RUNS} edits`,
    )
    expect(engine.every((ms) => ms > 0)).toBe(true)
    expect(median(engine)).toBeLessThan(MEDIAN_BOUND_MS)
    expect(mode.pageErrors).toEqual([])
  })
})
