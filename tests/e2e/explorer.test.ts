// The explorer in browser mode with the real engine: a real image file, a preset, stride and
// padding, a hovered cell checked against core, drawing, languages, and a bad image.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { conv2d } from '../../core/conv2d'
import type { Conv2dOptions } from '../../core/geometry'
import { decodeImage } from '../../src-main/image-io'
import type { RunningServer } from '../../src-main/serve'
import { openBrowserMode, SHOTS, writePhoto, type BrowserMode } from './browser-mode'
import { presetById } from '../../src-renderer/src/lib/kernels/presets'

// The renderer sums in another order than core's kernel: relative tolerance of the seed's checks.
const TOLERANCE = 1e-12

let mode: BrowserMode
let server: RunningServer
let browser: Browser
let page: Page
let imagePath: string
let badImagePath: string
let pageErrors: string[] = []

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `explorer-${name}.png`), fullPage: true })
}

/** Moves the pointer to the centre of cell (r, c) of a grid canvas that has `rows` × `cols` cells. */
async function hoverCell(gridName: RegExp, rows: number, cols: number, r: number, c: number): Promise<void> {
  const box = await page.getByRole('grid', { name: gridName }).locator('canvas').boundingBox()
  if (!box) throw new Error(`no canvas for ${gridName}`)
  await page.mouse.move(box.x + ((c + 0.5) * box.width) / cols, box.y + ((r + 0.5) * box.height) / rows)
}

async function shownCell(): Promise<{ i: number; j: number; value: number }> {
  const value = page.getByTestId('cell-value')
  await value.waitFor()
  const formula = await page.getByTestId('cell-formula').textContent()
  const match = /y\[0, 0, (\d+), (\d+)\]/.exec(formula ?? '')
  if (!match) throw new Error(`no output cell in "${formula}"`)
  return { i: Number(match[1]), j: Number(match[2]), value: Number(await value.getAttribute('data-value')) }
}

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'convolab-explorer-'))
  imagePath = join(folder, 'house.png')
  await writePhoto(imagePath, 96, 64)
  badImagePath = join(folder, 'broken.png')
  writeFileSync(badImagePath, Buffer.from('this is not a PNG at all'))
  mode = await openBrowserMode('en-US')
  ;({ server, browser, page, pageErrors } = mode)
})

afterAll(async () => {
  await mode?.close()
})

describe('explorer in browser mode', () => {
  it('starts in the system language with the seed-sized example computed', async () => {
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 5, 5)')
    await page.getByRole('grid', { name: /Feature map y\[0, 0\]/ }).waitFor()
    await shot('start-en')
  })

  it('draws on the grid and the map follows without a button press', async () => {
    await page.getByRole('button', { name: 'Clear' }).click()
    // The input is 7×7 with no padding: cell (3, 3) of the grid is x[0, 0, 3, 3].
    await hoverCell(/Padded input x/, 7, 7, 3, 3)
    await page.mouse.down()
    await page.mouse.up()
    // Sobel x puts weight 2 at (a, b) = (1, 2): output (2, 1) reads x[3, 3] there.
    await hoverCell(/Feature map y\[0, 0\]/, 5, 5, 2, 1)
    await expect.poll(async () => (await shownCell()).value).toBe(2)
    await hoverCell(/Feature map y\[0, 0\]/, 5, 5, 2, 3)
    await expect.poll(async () => (await shownCell()).value).toBe(-2)
    await shot('drawn-en')
    // The other way: the drawn cell feeds the 3×3 output cells whose windows cover it.
    await hoverCell(/Padded input x/, 7, 7, 3, 3)
    await expect.poll(() => page.getByText('Output cells per map fed by input cell x[0, :, 3, 3]: 9').count()).toBe(1)
    await hoverCell(/Padded input x/, 7, 7, 0, 0)
    await expect.poll(() => page.getByText('Output cells per map fed by input cell x[0, :, 0, 0]: 1').count()).toBe(1)
  })

  it('loads a real image, applies Sobel x with stride 2 and padding 1, and a hovered value matches core', async () => {
    await page.getByLabel('Open image…').setInputFiles(imagePath)
    await expect.poll(() => page.getByText(/house\.png: 96×64/).count()).toBe(1)
    await page.getByLabel('Preset').selectOption('sobel-x')
    for (const axis of ['rows (H)', 'columns (W)']) {
      await page.getByLabel(`Stride (paso), ${axis}`).fill('2')
      await page.getByLabel(`Padding (relleno), ${axis}`).fill('1')
    }
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 32, 48)')
    await expect.poll(() => page.locator('#output-title small').first().textContent()).toBe('(1, 1, 32, 48)')

    expect(await page.getByTestId('pytorch-code').textContent()).toContain('torch.nn.Conv2d(3, 1, kernel_size=3, stride=2, padding=1, dtype=torch.float64)')
    await hoverCell(/Feature map y\[0, 0\]/, 32, 48, 13, 20)
    const cell = await shownCell()
    expect([cell.i, cell.j]).toEqual([13, 20])

    const decoded = await decodeImage(new Uint8Array(readFileSync(imagePath)), { name: 'house.png', grayscale: false, maxSide: 512 })
    const sobel = presetById('sobel-x')
    const weight = { shape: [1, 3, 3, 3], data: Float64Array.from([...sobel.values, ...sobel.values, ...sobel.values]) }
    const options: Conv2dOptions = { stride: 2, padding: 1, dilation: 1, groups: 1, paddingMode: 'zeros' }
    const { output } = conv2d(decoded.tensor, weight, { shape: [1], data: new Float64Array(1) }, options)
    const expected = output.data[13 * 48 + 20]
    expect(Math.abs(expected)).toBeGreaterThan(0.01)
    expect(Math.abs(cell.value - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)))
    await shot('image-en')
  })

  it("moves through a feature map with the arrow keys and shows each cell's sum", async () => {
    const map = page.getByRole('grid', { name: /Feature map y\[0, 0\]/ })
    await map.focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowDown')
    const cell = await shownCell()
    expect([cell.i, cell.j]).toEqual([1, 2])
    await expect.poll(() => map.getByRole('gridcell').textContent()).toMatch(/^row 1, column 2: /)
    await page.keyboard.press('Tab')
  })

  it('loads a kernel from a CSV file into the chosen slice', async () => {
    await page.getByLabel('Load kernel (.npy, .csv, .json)…').setInputFiles({ name: 'edge.csv', mimeType: 'text/csv', buffer: Buffer.from('1,-1\n-1,1\n') })
    await expect.poll(() => page.locator('#kernel-title small').textContent()).toBe('shape (1, 3, 2, 2)')
    const cells = await Promise.all([0, 1].flatMap((a) => [0, 1].map((b) => page.getByLabel(`w[0, 0, ${a}, ${b}]`).inputValue())))
    expect(cells).toEqual(['1', '−1', '−1', '1'])
    // Padding 1 with a 2×2 kernel and stride 2: ⌊(64 + 2 − 1 − 1) / 2⌋ + 1 = 33.
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 33, 49)')
    await page.getByLabel('Preset').selectOption('sobel-x')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 32, 48)')
  })

  it('switches to Spanish and keeps the numbers', async () => {
    await page.getByLabel('Language').selectOption('es')
    await expect.poll(() => page.getByRole('heading', { name: /Mapas de características y/ }).count()).toBe(1)
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Forma de la salida y: (1, 1, 32, 48)')
    expect(await page.locator('html').getAttribute('lang')).toBe('es')
    await hoverCell(/Mapa de características y\[0, 0\]/, 32, 48, 13, 20)
    await page.getByText('Cómo se calcula este valor').waitFor()
    await shot('image-es')
    const spanishPage = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'es-ES' })
    await spanishPage.goto(server.url)
    await expect.poll(() => spanishPage.getByTestId('output-shape').textContent()).toBe('Forma de la salida y: (1, 1, 5, 5)')
    await spanishPage.close()
  })

  it('shows a bad image as an error in the current language and goes on working', async () => {
    await page.getByLabel('Abrir imagen…').setInputFiles(badImagePath)
    const alert = page.getByRole('alert').filter({ hasText: 'broken.png' })
    await expect.poll(() => alert.textContent()).toMatch(/broken\.png no es una imagen legible/)
    await shot('bad-image-es')
    // The image from before is still the input, and a new setting is still computed.
    await page.getByLabel('Paso (stride), filas (H)').fill('1')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Forma de la salida y: (1, 1, 64, 48)')
    await expect.poll(() => page.locator('#output-title small').first().textContent()).toBe('(1, 1, 64, 48)')
    await alert.getByRole('button', { name: 'Cerrar' }).click()
    expect(await alert.count()).toBe(0)
    // An image dropped onto the window is opened like one chosen in the dialog.
    const bytes = [...readFileSync(imagePath)]
    const dropped = await page.evaluateHandle((content) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array(content)], 'dropped.png', { type: 'image/png' }))
      return transfer
    }, bytes)
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped })
    await expect.poll(() => page.getByText(/dropped\.png: 96×64/).count()).toBe(1)
    expect(pageErrors).toEqual([])
  })

  it('redraws the maps of a 1024×1024 RGB photo soon after a setting changes', async () => {
    const photo = join(dirname(imagePath), 'photo.png')
    await writePhoto(photo, 1024, 1024)
    await page.getByLabel('Tamaño de trabajo (lado mayor)').selectOption('1024')
    await page.getByLabel('Abrir imagen…').setInputFiles(photo)
    await expect.poll(() => page.locator('#output-title small').first().textContent(), { timeout: 30_000 }).toBe('(1, 1, 1024, 512)')
    await page.evaluate(() => ((window as unknown as { started: number }).started = performance.now()))
    await page.getByLabel('Paso (stride), columnas (W)').fill('1')
    await page.waitForFunction(() => document.querySelector('#output-title small')?.textContent === '(1, 1, 1024, 1024)', null, {
      polling: 'raf',
      timeout: 30_000,
    })
    const elapsed = await page.evaluate(() => performance.now() - (window as unknown as { started: number }).started)
    console.log(`1024×1024 RGB, Sobel x 3×3: setting change to updated map in ${elapsed.toFixed(0)} ms`)
    expect(elapsed).toBeLessThan(10_000)
    await shot('photo-1024-es')
  })
})
