// The Matrix tab in browser mode with the real engine, on the 7×7 drawing grid and its 3×3 Sobel
// kernel: the 25×49 matrix C, a hovered row lighting the 3×3 window of input cells it reads, an
// entry naming its weight (two or more with reflect padding), Cᵀ for dE/dx, the arrow keys, the
// 16×16 limit said in words, and screenshots in English and Spanish, light and dark.

import { join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowserMode, SHOTS, writePhoto, type BrowserMode } from './browser-mode'
import { axeFindings } from './axe-findings'

let mode: BrowserMode
let page: Page

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
})

afterAll(async () => {
  await mode?.close()
})

/** The picture's geometry, as the canvas states it in its data attributes. */
async function canvasLayout(on: Page = page) {
  const canvas = on.getByTestId('matrix-canvas')
  await canvas.scrollIntoViewIfNeeded()
  const box = (await canvas.boundingBox())!
  const read = async (name: string) => Number(await canvas.getAttribute(name))
  return { box, cellPx: await read('data-cell-px'), top: await read('data-top'), matrixX: await read('data-matrix-x'), colsX: await read('data-cols-x') }
}

/** axe-core's moderate, serious and critical findings inside the Matrix tab. */
const axe = (on: Page) => axeFindings(on, '[data-testid="matrix-view"]')

/** Waits until the shown matrix has the engine's values for it (the picture then stays still). */
async function settled(on: Page = page) {
  // a fresh page under a loaded machine can take seconds for its first result
  await expect.poll(() => on.getByTestId('matrix-view').getAttribute('data-values'), { timeout: 15_000 }).toBe('ready')
}

/** Moves the pointer onto entry (row, col) of the matrix. */
async function hoverEntry(row: number, col: number, on: Page = page) {
  const { box, cellPx, top, matrixX } = await canvasLayout(on)
  await on.mouse.move(box.x + matrixX + (col + 0.5) * cellPx, box.y + top + (row + 0.5) * cellPx)
}

/** Moves the pointer onto row `row`'s cell of the vector left of "=". */
async function hoverRow(row: number, on: Page = page) {
  const { box, cellPx, top } = await canvasLayout(on)
  await on.mouse.move(box.x + 4, box.y + top + (row + 0.5) * cellPx)
}

/** The (c, h, w) of the lit cells of one of the two grids, sorted. */
async function litCells(testid: string): Promise<string[]> {
  const cells = await page
    .getByTestId(testid)
    .locator('rect.linked')
    .evaluateAll((rects) => rects.map((rect) => rect.getAttribute('data-cell')!))
  return cells.sort()
}

const window3x3 = (top: number, left: number) => [0, 1, 2].flatMap((a) => [0, 1, 2].map((b) => `0,${top + a},${left + b}`)).sort()

describe('the Matrix tab on the 7×7 drawing grid', () => {
  it('shows Conv2d as the 25 × 49 matrix C, a hovered row lighting the window of input cells it reads', async () => {
    await page.getByRole('tab', { name: 'Matrix' }).click()
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 25 × 49 matrix: 225 entries can be nonzero')
    await settled()
    // y[0, 0, 1, 2] is row 1·5 + 2 = 7: its window covers input rows 1–3 and columns 2–4
    await hoverRow(7)
    await expect.poll(() => litCells('matrix-cols-grid')).toEqual(window3x3(1, 2))
    expect(await litCells('matrix-rows-grid')).toEqual(['0,1,2'])
    const readout = page.getByTestId('matrix-readout')
    expect(await readout.textContent()).toContain('y[0, 0, 1, 2]')
    expect(await readout.textContent()).toContain('row 7 of C, the sum of 9 products over x')
    // the engine's y and the document's x are written beside their names
    expect(await readout.locator('li').count()).toBe(9)
    expect(await readout.locator('li').first().textContent()).toMatch(/^w\[0, 0, 0, 0\] \(−?[\d.]+\) · x\[0, 0, 1, 2\] \(−?[\d.]+\)$/)

    // the same row from the output grid: hover its cell (1, 2)
    await page.getByTestId('matrix-rows-grid').locator('rect[data-cell="0,1,2"]').hover()
    await expect.poll(() => litCells('matrix-cols-grid')).toEqual(window3x3(1, 2))
    expect(mode.pageErrors).toEqual([])
  })

  it('names the weight of a hovered entry, and a column lights every output it reaches', async () => {
    // row 7 (y[0, 0, 1, 2]) and column 2·7 + 3 (x[0, 0, 2, 3]): kernel position (2 − 1, 3 − 2)
    await hoverEntry(7, 17)
    const readout = page.getByTestId('matrix-readout')
    await expect.poll(() => readout.getAttribute('data-weights')).toBe('w[0, 0, 1, 1]')
    expect(await readout.textContent()).toContain('C[7, 17] = w[0, 0, 1, 1] (')
    await hoverEntry(7, 0)
    await expect.poll(() => readout.textContent()).toContain('C[7, 0] = 0: no weight joins y[0, 0, 1, 2] and x[0, 0, 0, 0]')
    // x[0, 0, 3, 3], the centre, is read by 9 outputs; the corner x[0, 0, 0, 0] by one
    await page.getByTestId('matrix-cols-grid').locator('rect[data-cell="0,3,3"]').hover()
    await expect.poll(() => litCells('matrix-rows-grid')).toEqual(window3x3(1, 1))
    await page.getByTestId('matrix-cols-grid').locator('rect[data-cell="0,0,0"]').hover()
    await expect.poll(() => litCells('matrix-rows-grid')).toEqual(['0,0,0'])
  })

  it('switches to Cᵀ for dE/dx = Cᵀ·dE/dy, with the engine’s dE/dy and dE/dx, and moves with the arrow keys', async () => {
    await page.getByLabel('Backward: dE/dx = Cᵀ·dE/dy').check()
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 49 × 25 matrix')
    // the backward values arrive with the engine's next result (the tab asks for the gradient)
    await settled()
    // the pointer rests away from the matrix, which the keys drive alone
    await page.mouse.move(0, 0)
    await page.getByTestId('matrix-canvas').focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    const readout = page.getByTestId('matrix-readout')
    // dE/dx[0, 0, 0, 1] (row 1) gathers dE/dy from the 2 windows that read x[0, 0, 0, 1]
    await expect.poll(() => readout.textContent()).toContain('row 1 of Cᵀ, the sum of 2 products over dE/dy')
    expect(await litCells('matrix-cols-grid')).toEqual(['0,0,0', '0,0,1'])
    expect(await readout.locator('li').first().textContent()).toMatch(/^w\[0, 0, 0, 1\] \(−?[\d.]+\) · dE\/dy\[0, 0, 0, 0\] \(1\)$/)
    await page.keyboard.press('Escape')
    await expect.poll(() => readout.textContent()).toContain('arrow keys')
    await page.getByLabel('Forward: y = C·x').check()
  })

  it('adds the weights of padded cells that copy one input cell (reflect padding), naming them all', async () => {
    await page.getByLabel('Padding (relleno), rows (H)').fill('1')
    await page.getByLabel('Padding (relleno), columns (W)').fill('1')
    await page.getByLabel('Padding mode').selectOption('reflect')
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 49 × 49 matrix')
    await settled()
    // y[0, 0, 0, 0] reads padded rows and columns −1, 0, 1, which reflect to 1, 0, 1: x[0, 0, 1, 1] four times
    await hoverEntry(0, 8)
    await expect
      .poll(() => page.getByTestId('matrix-readout').getAttribute('data-weights'))
      .toBe('w[0, 0, 0, 0] + w[0, 0, 0, 2] + w[0, 0, 2, 0] + w[0, 0, 2, 2]')
    await page.screenshot({ path: join(SHOTS, 'matrix-reflect-en-light.png') })
    await page.getByLabel('Padding mode').selectOption('zeros')
    await page.getByLabel('Padding (relleno), rows (H)').fill('0')
    await page.getByLabel('Padding (relleno), columns (W)').fill('0')
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 25 × 49 matrix')
  })

  it('looks right in English and Spanish, light and dark', async () => {
    for (const [locale, scheme, tab] of [
      ['en-US', 'light', 'Matrix'],
      ['en-US', 'dark', 'Matrix'],
      ['es-ES', 'light', 'Matriz'],
      ['es-ES', 'dark', 'Matriz'],
    ] as const) {
      const context = await mode.browser.newContext({ viewport: { width: 1440, height: 900 }, locale, colorScheme: scheme, bypassCSP: true })
      const other = await context.newPage()
      await other.goto(mode.server.url)
      await other.getByTestId('output-shape').waitFor()
      await other.getByRole('tab', { name: tab }).click()
      await other.getByTestId('matrix-canvas').waitFor({ timeout: 15_000 })
      await settled(other)
      // row 12 from its output cell (1, 2... of the 5×5 map: (2, 2)), the panel unscrolled
      await other.getByTestId('matrix-rows-grid').locator('rect[data-cell="0,2,2"]').hover()
      await other.waitForTimeout(300)
      await other.screenshot({ path: join(SHOTS, `matrix-${locale}-${scheme}.png`) })
      expect(await axe(other), `${locale} ${scheme}`).toEqual([])
      if (scheme === 'light') {
        // larger cells: the entries carry their kernel position p,q and the vectors their values
        for (let k = 0; k < 2; k++) await other.getByRole('button', { name: locale === 'en-US' ? 'Larger cells' : 'Celdas más grandes' }).click()
        await hoverRow(12, other)
        await other.waitForTimeout(300)
        await other.getByTestId('matrix-view').screenshot({ path: join(SHOTS, `matrix-zoomed-${locale}.png`) })
      }
      await context.close()
    }
  })

  it('shows the transposed layer as Cᵀ (its dE/dx as C), AvgPool2d with 1/9 entries and MaxPool2d as the selection matrix of this input', async () => {
    await page.getByTestId('layer-type').selectOption('conv-transpose2d')
    for (const axis of ['rows (H)', 'columns (W)']) await page.getByLabel(`Stride (paso), ${axis}`).fill('2')
    // (7 − 1)·2 + 3 = 15: a 225 × 49 matrix, one weight per input cell in each row at most
    await expect.poll(() => page.getByTestId('matrix-stats').textContent(), { timeout: 15_000 }).toContain('A 225 × 49 matrix')
    await settled()
    await page.getByTestId('matrix-rows-grid').locator('rect[data-cell="0,7,7"]').hover()
    const readout = page.getByTestId('matrix-readout')
    await expect.poll(() => readout.textContent()).toContain('row 112 of Cᵀ, the sum of 1 product over x')
    expect(await readout.locator('li').first().textContent()).toMatch(/^w\[0, 0, 1, 1\] \(0\) · x\[0, 0, 3, 3\]/)
    await page.getByRole('radio', { name: 'Backward: dE/dx = C·dE/dy' }).check()
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 49 × 225 matrix')
    await page.getByRole('radio', { name: 'Forward: y = Cᵀ·x' }).check()

    await page.getByTestId('layer-type').selectOption('avg-pool2d')
    await settled()
    await page.getByTestId('matrix-rows-grid').locator('rect[data-cell="0,1,1"]').hover()
    await expect.poll(() => readout.textContent()).toContain('row 3 of A, the sum of 9 products over x')
    expect(await readout.locator('li').first().textContent()).toMatch(/^1\/9 · x\[0, 0, 3, 3\]/)

    await page.getByTestId('layer-type').selectOption('max-pool2d')
    await expect.poll(() => page.getByTestId('matrix-stats').textContent(), { timeout: 15_000 }).toContain('A 4 × 49 matrix: 4 entries')
    expect(await page.getByTestId('matrix-view').textContent()).toContain('MaxPool2d is not linear')
    // back to Conv2d: the stride 2 carried over from the transposed layer (3×3 outputs), then 1 again
    await page.getByTestId('layer-type').selectOption('conv2d')
    await expect.poll(() => page.getByTestId('matrix-stats').textContent(), { timeout: 15_000 }).toContain('A 9 × 49 matrix')
    for (const axis of ['rows (H)', 'columns (W)']) await page.getByLabel(`Stride (paso), ${axis}`).fill('1')
    await expect.poll(() => page.getByTestId('matrix-stats').textContent(), { timeout: 15_000 }).toContain('A 25 × 49 matrix')
    expect(mode.pageErrors).toEqual([])
  })

  it('draws the channel blocks of an RGB photo of 16×12 (C_in = 3, two filters)', async () => {
    const photo = join(mkdtempSync(join(tmpdir(), 'convolab-matrix-')), 'small.png')
    await writePhoto(photo, 16, 12)
    await page.getByLabel('Open image…').setInputFiles(photo)
    await page.getByLabel('Output channels C_out').fill('2')
    // 2 filters of 3×3 over 3 channels of 12×16: 2·10·14 = 280 rows, 3·12·16 = 576 columns, 27 entries a row
    await expect.poll(() => page.getByTestId('matrix-stats').textContent()).toContain('A 280 × 576 matrix: 7560 entries')
    await settled()
    await page.getByTestId('matrix-rows-grid').locator('rect[data-cell="1,0,0"]').hover()
    // output channel 1's first cell reads the 3×3 corner of all three input channels
    await expect.poll(async () => (await litCells('matrix-cols-grid')).length).toBe(27)
    expect(await page.getByTestId('matrix-readout').textContent()).toContain('y[0, 1, 0, 0]')
    await page.screenshot({ path: join(SHOTS, 'matrix-rgb-en-light.png') })
    expect(mode.pageErrors).toEqual([])
  })

  it('says why it is off for an input larger than 16×16', async () => {
    const photo = join(mkdtempSync(join(tmpdir(), 'convolab-matrix-')), 'house.png')
    await writePhoto(photo, 40, 30)
    await page.getByLabel('Open image…').setInputFiles(photo)
    await expect.poll(() => page.getByTestId('matrix-off').textContent()).toContain('The matrix view is for inputs up to 16×16; this one is 30×40')
    await page.getByLabel('Language').selectOption('es')
    await expect.poll(() => page.getByTestId('matrix-off').textContent()).toContain('La vista de matriz es para entradas de hasta 16×16; esta es de 30×40')
    await page.getByLabel('Idioma').selectOption('en')
    expect(mode.pageErrors).toEqual([])
  })
})
