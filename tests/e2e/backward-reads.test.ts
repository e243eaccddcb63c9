// The Backward tab reads like the forward one, in browser mode with the real engine: the small
// gradient maps carry their numbers in the cells, and an all-zero map says why it is zero.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { TEXT_MIN_PX } from '../../src-renderer/src/lib/grid/draw-grid'
import { openBrowserMode, type BrowserMode } from './browser-mode'

let mode: BrowserMode
let page: Page

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
})

afterAll(async () => {
  await mode?.close()
})

/** Distinct colours inside one cell of a map (away from its borders): 1 when no number is written in it. */
async function coloursInCell(name: RegExp, side: number, r: number, c: number): Promise<{ cellPx: number; colours: number }> {
  const canvas = page.getByRole('grid', { name }).locator('canvas')
  await canvas.scrollIntoViewIfNeeded()
  const box = (await canvas.boundingBox())!
  const cellPx = box.width / side
  const png = await canvas.screenshot()
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  const scale = info.width / box.width
  const colours = new Set<string>()
  const inset = Math.ceil(cellPx * 0.15)
  for (let y = Math.round((r * cellPx + inset) * scale); y < Math.round(((r + 1) * cellPx - inset) * scale); y++) {
    for (let x = Math.round((c * cellPx + inset) * scale); x < Math.round(((c + 1) * cellPx - inset) * scale); x++) {
      const p = (y * info.width + x) * info.channels
      colours.add(`${data[p]},${data[p + 1]},${data[p + 2]}`)
    }
  }
  return { cellPx, colours: colours.size }
}

describe('the Backward tab on the 7×7 drawing grid', () => {
  it('writes the numbers in the cells of dE/dy, dE/dx and dE/dw, as the forward maps do', async () => {
    await page.getByRole('tab', { name: 'Backward: gradient maps' }).click()
    await expect(page.getByLabel('all ones (the course notebook’s example)').isChecked()).resolves.toBe(true)
    // 7×7 input, 3×3 kernel, no padding: dE/dy and dE/dx are 5×5 and 7×7, dE/dw is 3×3.
    for (const [name, side] of [
      [/^dE\/dy\[0, 0\]/, 5],
      [/^dE\/dx\[0, 0\]/, 7],
      [/^dE\/dw\[0, 0\]/, 3],
    ] as const) {
      const cell = await coloursInCell(name, side, 1, 1)
      expect(cell.cellPx, `${name} cells wide enough for a number`).toBeGreaterThanOrEqual(TEXT_MIN_PX)
      // A plain cell is one colour; a number written in it adds the text's (antialiased) colours.
      expect(cell.colours, `${name} has a number in its cell`).toBeGreaterThan(3)
    }
    // dE/dy = ones is not zero: no map explains a zero.
    expect(await page.getByTestId('all-zero').count()).toBe(0)
  })

  it('derives a hovered dE/dw and dE/dx value as its sum of products, equal to the engine value', async () => {
    for (const [name, side, r, c, formula] of [
      [/^dE\/dw\[0, 0\]/, 3, 1, 2, 'dE/dw[0, 0, 1, 2] = Σ'],
      [/^dE\/dx\[0, 0\]/, 7, 0, 1, 'dE/dx[0, 0, 0, 1] = Σ'],
    ] as const) {
      const canvas = page.getByRole('grid', { name }).locator('canvas')
      await canvas.scrollIntoViewIfNeeded()
      const box = (await canvas.boundingBox())!
      await page.mouse.move(box.x + ((c + 0.5) * box.width) / side, box.y + ((r + 0.5) * box.height) / side)
      const derivation = page.getByTestId('grad-derivation')
      await expect.poll(() => derivation.textContent()).toContain(formula)
      const engine = Number(await page.getByTestId('grad-value').getAttribute('data-value'))
      const sum = Number(await page.getByTestId('grad-derivation-sum').getAttribute('data-value'))
      // The page sums the products in its own order: equal to the engine's float64 value to 1e-12 relative.
      expect(Math.abs(sum - engine)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(engine)))
      expect(await derivation.textContent()).toMatch(/\(−?[\d.]+\)·\(−?[\d.]+\)/)
      // dE/dw sums one product per output cell (5×5); dE/dx[0, 0, 0, 1] is read by 2 windows of the 3×3 kernel.
      expect(await derivation.textContent()).toContain(formula.startsWith('dE/dw') ? '(25 products)' : '(2 products)')
    }
    await page.mouse.move(0, 0)
  })

  it('says why every map is zero when nothing is drawn on dE/dy, in English and Spanish', async () => {
    await page.getByLabel('drawn by hand').check()
    const notes = page.getByTestId('all-zero')
    await expect.poll(() => notes.count()).toBe(3)
    expect(await notes.nth(0).textContent()).toContain('Nothing is drawn on dE/dy yet')
    expect(await notes.nth(1).textContent()).toBe('dE/dx is zero because dE/dy is zero everywhere.')
    expect(await notes.nth(2).textContent()).toBe('dE/dw is zero because dE/dy is zero everywhere.')
    expect(mode.pageErrors).toEqual([])

    await page.getByLabel('Language').selectOption('es')
    await expect.poll(() => notes.nth(2).textContent()).toBe('dE/dw es cero porque dE/dy es cero en todas partes.')
    expect(await notes.nth(0).textContent()).toContain('Aún no hay nada dibujado en dE/dy')
    await page.getByLabel('Idioma').selectOption('en')
  })
})
