// The animation player, the backward maps, the gradient check, learning and export in browser
// mode with the real engine: the seed's example replayed, values checked against its printout.

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowserMode, SHOTS, writePhoto, type BrowserMode } from './animation-helpers'

let mode: BrowserMode
let page: Page
let folder: string

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `animation-${name}.png`), fullPage: true })
}

async function counter(): Promise<string> {
  return (await page.getByTestId('anim-counter').textContent()) ?? ''
}

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
  folder = mkdtempSync(join(tmpdir(), 'convolab-animation-'))
})

afterAll(async () => {
  await mode?.close()
})

describe('forward animation in browser mode', () => {
  it('steps, plays, pauses and scrubs the seed-sized example', async () => {
    await page.getByRole('tab', { name: 'Animation' }).click()
    // 7×7 input, 3×3 Sobel x, no padding: 25 output cells, one step each.
    await expect.poll(counter).toBe('step 0 of 25')
    await page.getByRole('button', { name: 'Step forward' }).click()
    await page.getByRole('button', { name: 'Step forward' }).click()
    await expect.poll(counter).toBe('step 2 of 25')
    await expect.poll(() => page.getByTestId('anim-caption').textContent()).toContain('y[0,0,0,1]')
    await shot('forward-en')

    await page.getByRole('button', { name: /Play/ }).click()
    await expect.poll(async () => Number(/step (\d+)/.exec(await counter())![1]), { timeout: 5000 }).toBeGreaterThan(3)
    await page.getByRole('button', { name: /Pause/ }).click()
    const paused = await counter()
    await page.waitForTimeout(600)
    expect(await counter()).toBe(paused)

    await page.getByRole('slider', { name: 'Timeline' }).fill('12')
    await expect.poll(counter).toBe('step 13 of 25')
    // Keys act with the player focused: ← back, End, Home.
    await page.getByRole('region', { name: 'Animation', exact: true }).focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(counter).toBe('step 12 of 25')
    await page.keyboard.press('End')
    await expect.poll(counter).toBe('step 25 of 25')
    await page.keyboard.press('Home')
    await expect.poll(counter).toBe('step 0 of 25')
    expect(mode.pageErrors).toEqual([])
  })

  it('animates a photo with an outline over the image', async () => {
    const photo = join(folder, 'house.png')
    await writePhoto(photo, 96, 64)
    await page.getByLabel('Open image…').setInputFiles(photo)
    await expect.poll(() => page.getByText(/house\.png: 96×64/).count()).toBe(1)
    await page.getByLabel('One step is').selectOption('row')
    await page.getByRole('slider', { name: 'Timeline' }).fill('30')
    await expect.poll(counter).toBe('step 31 of 62')
    await shot('photo-en')
  })
})
