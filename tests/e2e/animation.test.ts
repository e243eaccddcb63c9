// The animation player, the backward maps, the gradient check, learning and export in browser
// mode with the real engine: the seed's example replayed, values checked against its printout.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import { parseNpy } from '../../core/npy'
import { parseSession, serializeSession } from '../../core/session'
import { frameModel, placePanels } from '../../frames'
import { sceneFromSession } from '../../src-main/export/session-scene'
import { openBrowserMode, ROOT, SHOTS, writePhoto, type BrowserMode } from './browser-mode'

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
    // A 62×94 output is stepped through a region: 8×8 cells at the centre, one row a step.
    await expect.poll(() => page.getByTestId('anim-stage').getAttribute('data-region')).toBe('27,43,8,8')
    expect(await page.getByTestId('region-picker').count()).toBe(1)
    await page.getByLabel('One step is').selectOption('row')
    await page.getByRole('slider', { name: 'Timeline' }).fill('4')
    await expect.poll(counter).toBe('step 5 of 8')
    await shot('photo-en')
  })
})

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG')
  return [view.getUint32(16), view.getUint32(20)]
}

async function hoverMapCell(name: RegExp, rows: number, cols: number, r: number, c: number): Promise<number> {
  const canvas = page.getByRole('grid', { name }).locator('canvas')
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  if (!box) throw new Error(`no map ${name}`)
  await page.mouse.move(box.x + ((c + 0.5) * box.width) / cols, box.y + ((r + 0.5) * box.height) / rows)
  const value = page.getByTestId('grad-value')
  await expect.poll(async () => (await value.getAttribute('data-value')) ?? '').not.toBe('')
  return Number(await value.getAttribute('data-value'))
}

describe("the seed's example: backward, gradient check, export, learning", () => {
  it("opens the seed's session and shows dE/dx[0,0,0,0] = 1.34111656 with dE/dy = ones", async () => {
    await page.locator('input[type="file"][accept=".convolab"]').setInputFiles(join(ROOT, 'samples/seed-example.convolab'))
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (2, 4, 3, 3)')
    // Values are shown to the decimals preference: 8, as the seed prints them.
    await page.getByLabel('Decimals').fill('8')
    await page.getByRole('tab', { name: 'Backward: gradient maps' }).click()
    await expect(page.getByLabel('all ones (the course notebook’s example)').isChecked()).resolves.toBe(true)
    // The seed prints dE/dx[0,0,0,:3] = 1.34111656, 4.72856081, 7.41120998 (8 decimals).
    const seedPrinted = [1.34111656, 4.72856081, 7.41120998]
    for (let j = 0; j < 3; j++) {
      const shown = await hoverMapCell(/^dE\/dx\[0, 0\]/, 7, 7, 0, j)
      expect(Math.abs(shown - seedPrinted[j])).toBeLessThan(5e-9)
    }
    await expect.poll(() => page.getByTestId('grad-value').textContent()).toContain('dE/dx[0, 0, 0, 2] = 7.41120998')
    await shot('backward-seed-en')

    // The backward animation ends in the same number: the first input cell of the correlation.
    await page.getByRole('tab', { name: 'Animation' }).click()
    await page.getByRole('combobox', { name: 'Animation', exact: true }).selectOption('backward-input')
    await page.getByLabel('One step is').selectOption('cell')
    await page.getByRole('button', { name: 'Step forward' }).click()
    await expect.poll(() => page.getByTestId('anim-caption').textContent()).toContain('dE/d(xpad)[0,0,0,0] = 1.34')
    await shot('backward-input-en')
  })

  it('shows the value under the pointer on the animation frame: y[0,0,0,0] = 18.91400336 as the seed prints', async () => {
    // Values are shown to the decimals preference: 8, as the seed prints them.
    await page.getByLabel('Decimals').fill('8')
    await page.getByRole('tab', { name: 'Animation' }).click()
    await page.getByRole('combobox', { name: 'Animation', exact: true }).selectOption('forward')
    await page.getByLabel('One step is').selectOption('cell')
    await page.getByRole('button', { name: 'To the start' }).click()
    await page.getByRole('button', { name: 'Step forward' }).click()
    const canvas = page.locator('.stage canvas')
    await canvas.scrollIntoViewIfNeeded()
    const size = await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height, cssWidth: c.getBoundingClientRect().width }))
    // The same frame laid out in Node by the same code: where the panel y[0,0] and its cell (0, 0) are.
    const session = parseSession(readFileSync(join(ROOT, 'samples/seed-example.convolab'), 'utf8'))
    const scene = sceneFromSession(session, 'forward', 'cell', { colourMap: 'viridis', language: 'en', decimals: 2 })
    const panel = placePanels(frameModel(scene, 0), size)
      .flatMap((column) => column.panels)
      .find((p) => p.panel.title === 'y[0,0]')!
    const box = (await canvas.boundingBox())!
    const scale = box.width / size.width
    await page.mouse.move(box.x + (panel.x + panel.cell / 2) * scale, box.y + (panel.y + panel.cell / 2) * scale)
    await expect.poll(() => page.getByTestId('anim-hover').textContent()).toBe('y[0,0] [0, 0] = 18.91400336')
  })

  it("replays the seed's stride-2, padding-1 variant from a session with PyTorch's dE/dy: dE/dx equals PyTorch's", async () => {
    const caseFile = (name: string) => parseNpy(new Uint8Array(readFileSync(join(ROOT, 'tests/reference/cases/seed-stride2-padding1', `${name}.npy`))))
    const tensor = (name: string) => {
      const array = caseFile(name)
      return { shape: [...array.shape], data: Float64Array.from(array.data) }
    }
    const sessionPath = join(folder, 'stride2.convolab')
    writeFileSync(
      sessionPath,
      serializeSession({
        input: tensor('x'),
        weight: tensor('weight'),
        bias: null,
        options: { stride: 2, padding: 1 },
        gradOutput: { kind: 'tensor', tensor: tensor('grad_output') },
        view: {},
      }),
    )
    await page.locator('input[type="file"][accept=".convolab"]').setInputFiles(sessionPath)
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (2, 4, 3, 3)')
    await page.getByRole('tab', { name: 'Backward: gradient maps' }).click()
    // The session's dE/dy arrives as a drawn one.
    await expect(page.getByLabel('drawn by hand').isChecked()).resolves.toBe(true)
    const torch = caseFile('grad_input')
    for (const [r, c] of [
      [0, 0],
      [3, 4],
      [6, 6],
    ]) {
      const shown = await hoverMapCell(/^dE\/dx\[0, 1\]/, 7, 7, r, c)
      const expected = torch.data[49 + r * 7 + c]
      expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))
    }
    await shot('backward-stride2-en')
    // Back to the seed's example for the tests after this one.
    await page.locator('input[type="file"][accept=".convolab"]').setInputFiles(join(ROOT, 'samples/seed-example.convolab'))
    await expect.poll(() => page.getByLabel('all ones (the course notebook’s example)').isChecked()).toBe(true)
  })

  it('runs the gradient check and reports SUCCESS', async () => {
    await page.getByRole('tab', { name: 'Gradient check' }).click()
    await page.getByLabel('Elements of x and of w').fill('1000')
    await page.getByRole('button', { name: 'Check gradients' }).click()
    // Every element of x (2·3·7·7 = 294) and w (4·3·5·5 = 300) of the seed's own tensors; no bias.
    await expect
      .poll(
        () =>
          page
            .getByTestId('gradcheck-report')
            .textContent({ timeout: 1000 })
            .catch(() => page.locator('#work-panel').textContent()),
        { timeout: 60_000 },
      )
      .toContain('SUCCESS 594 partial derivatives checked')
    expect(await page.getByTestId('gradcheck-counts').textContent()).toBe('294 of 294 elements of x, 300 of 300 of w, 0 of 0 of b')
    await shot('gradcheck-en')
  })

  it('exports PNG frames of the forward animation as a zip of numbered files of the asked size', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    await dialog.getByLabel('Animation').selectOption('forward')
    await dialog.getByLabel('One step is').selectOption('channel')
    // GIF for slides is where the dialog starts; this one is a PNG sequence.
    await expect.poll(() => dialog.getByTestId('export-format').inputValue()).toBe('gif')
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Width (px)').fill('320')
    await dialog.getByLabel('Height (px)').fill('180')
    await dialog.getByLabel('From step').fill('1')
    // channel steps of y (2, 4, 3, 3): 8 frames.
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('8 frames')
    await expect.poll(() => dialog.getByTestId('export-estimate').textContent()).toMatch(/^Estimated file size: about [\d.]+ kB$/)
    await shot('export-dialog-en')
    const downloading = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Export the frames' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toBe('convolab-forward-channel-png.zip')
    const saved = join(folder, download.suggestedFilename())
    await download.saveAs(saved)
    const files = unzipSync(new Uint8Array(readFileSync(saved)))
    expect(Object.keys(files).sort()).toEqual(Array.from({ length: 8 }, (_, k) => `frame-000${k + 1}.png`))
    for (const bytes of Object.values(files)) expect(pngSize(bytes)).toEqual([320, 180])
    await expect.poll(() => dialog.getByTestId('export-message').textContent()).toMatch(/^Saved convolab-forward-channel-png\.zip: 8 frames/)

    // dE/dx as .npy holds the seed's printed value; the view as SVG is an SVG document.
    await dialog.getByRole('combobox', { name: 'Tensor', exact: true }).selectOption('grad_input')
    const npyDownload = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Save .npy' }).click()
    const npyFile = await npyDownload
    expect(npyFile.suggestedFilename()).toBe('grad_input.npy')
    await npyFile.saveAs(join(folder, 'grad_input.npy'))
    const gradInput = parseNpy(new Uint8Array(readFileSync(join(folder, 'grad_input.npy'))))
    expect(gradInput.shape).toEqual([2, 3, 7, 7])
    expect(Math.abs(gradInput.data[0] - 1.34111656)).toBeLessThan(5e-9)
    const svgDownload = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'View as SVG' }).click()
    const svgFile = await svgDownload
    await svgFile.saveAs(join(folder, 'view.svg'))
    expect(readFileSync(join(folder, 'view.svg'), 'utf8')).toMatch(/^<svg[^>]*width="320" height="180"/)
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it('exports the same frames twice byte for byte, a GIF that decodes, a WebM video, and nothing on cancel', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    const exportOnce = async (): Promise<Uint8Array> => {
      const downloading = page.waitForEvent('download')
      await dialog.getByRole('button', { name: 'Export the frames' }).click()
      const download = await downloading
      const saved = join(folder, `${Date.now()}-${download.suggestedFilename()}`)
      await download.saveAs(saved)
      return new Uint8Array(readFileSync(saved))
    }
    await dialog.getByLabel('Animation').selectOption('backward-weight')
    await dialog.getByLabel('One step is').selectOption('channel')
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Width (px)').fill('400')
    await dialog.getByLabel('Height (px)').fill('240')
    // dE/dw (4, 3, 5, 5) by channel: 12 steps, and the empty start (step 0).
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('13 frames')
    const first = unzipSync(await exportOnce())
    const second = unzipSync(await exportOnce())
    expect(Object.keys(first)).toHaveLength(13)
    for (const name of Object.keys(first)) expect(Buffer.from(second[name]).equals(Buffer.from(first[name]))).toBe(true)

    await dialog.getByLabel('Format').selectOption('gif')
    await dialog.getByLabel('From step').fill('3')
    await dialog.getByLabel('to step').fill('7')
    const gif = await sharp(Buffer.from(await exportOnce()), { pages: -1 }).metadata()
    expect([gif.format, gif.pages, gif.width, gif.pageHeight]).toEqual(['gif', 5, 400, 240])

    await dialog.getByLabel('Format').selectOption('webm')
    await dialog.getByLabel('Frames per second').fill('10')
    const webm = await exportOnce()
    // EBML magic of a Matroska/WebM file.
    expect([...webm.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3])
    expect(webm.length).toBeGreaterThan(1000)

    // Cancel part-way: no download, and the dialog says nothing was saved.
    let downloads = 0
    const count = () => downloads++
    page.on('download', count)
    await dialog.getByLabel('Format').selectOption('png')
    await dialog.getByLabel('Animation').selectOption('backward-input')
    await dialog.getByLabel('One step is').selectOption('cell')
    await dialog.getByLabel('Width (px)').fill('1280')
    await dialog.getByLabel('Height (px)').fill('720')
    await dialog.getByRole('button', { name: 'Export the frames' }).click()
    await expect
      .poll(async () => Number(/frame (\d+)/.exec((await dialog.getByText(/^frame \d+ of 295$/).textContent()) ?? '')?.[1] ?? 0), { timeout: 30_000 })
      .toBeGreaterThan(2)
    await shot('export-progress-en')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.getByTestId('export-message').textContent()).toBe('Export cancelled; nothing was saved.')
    await page.waitForTimeout(300)
    page.off('download', count)
    expect(downloads).toBe(0)
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it('learns the kernel toward the input filtered by Sobel x: the loss falls', async () => {
    await page.getByRole('tab', { name: 'Learn the kernel' }).click()
    await page.getByLabel('Learning rate η').fill('0.05')
    await page.getByRole('button', { name: 'Step', exact: true }).click()
    const status = page.getByTestId('learn-status')
    await expect.poll(() => status.getAttribute('data-step')).toBe('1')
    const first = Number(await status.getAttribute('data-loss'))
    await page.getByRole('button', { name: /Play/ }).click()
    await expect.poll(async () => Number(await status.getAttribute('data-step')), { timeout: 20_000 }).toBeGreaterThan(40)
    await page.getByRole('button', { name: /Pause/ }).click()
    const last = Number(await status.getAttribute('data-loss'))
    expect(first).toBeGreaterThan(0)
    expect(last).toBeLessThan(first / 10)
    await page.getByTestId('loss-curve').waitFor()
    await shot('learn-en')
    expect(mode.pageErrors).toEqual([])
  })
})

describe('in Spanish, on a photo', () => {
  it('shows every screen in Spanish and exports 100 frames at 1280×720', async () => {
    await page.getByLabel('Language').selectOption('es')
    const photo = join(folder, 'casa.png')
    await writePhoto(photo, 96, 64)
    await page.getByLabel('Abrir imagen…').setInputFiles(photo)
    await expect.poll(() => page.getByText(/casa\.png: 96×64/).count()).toBe(1)
    // Two output channels: Sobel x and Sobel y, over the three colour channels.
    await page.getByLabel('Canales de salida C_out', { exact: true }).fill('2')
    await page.getByLabel('Predefinido').selectOption('sobel-x')
    await page.getByLabel('Filtro m').selectOption('1')
    await page.getByLabel('Predefinido').selectOption('sobel-y')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Forma de la salida y: (1, 2, 62, 94)')

    await page.getByRole('tab', { name: 'Animación' }).click()
    await page.getByRole('combobox', { name: 'Animación', exact: true }).selectOption('forward')
    await page.getByLabel('Un paso es').selectOption('cell')
    // The region at the centre: 2 channels × 8×8 cells.
    await page.getByRole('slider', { name: 'Línea de tiempo' }).fill('100')
    await expect.poll(() => page.getByTestId('anim-counter').textContent()).toBe('paso 101 de 128')
    await shot('photo-forward-es')

    await page.getByRole('tab', { name: 'Hacia atrás: mapas de gradientes' }).click()
    await page.getByLabel('de una pérdida: error cuadrático medio respecto de un objetivo').check()
    await expect.poll(() => page.getByTestId('loss').textContent()).toMatch(/^E = media\(\(y − objetivo\)²\) = /)
    await shot('photo-backward-es')

    await page.getByRole('tab', { name: 'Animación' }).click()
    await page.getByRole('combobox', { name: 'Animación', exact: true }).selectOption('backward-weight')
    await page.getByRole('slider', { name: 'Línea de tiempo' }).fill('4')
    await shot('photo-backward-weight-es')

    await page.getByRole('tab', { name: 'Comprobación de gradientes' }).click()
    await shot('check-es')

    await page.getByRole('tab', { name: 'Aprender el kernel' }).click()
    await page.getByRole('button', { name: /Reproducir/ }).click()
    await expect.poll(async () => Number(await page.getByTestId('learn-status').getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(30)
    await page.getByRole('button', { name: /Pausa/ }).click()
    await shot('photo-learn-es')

    await page.getByRole('button', { name: 'Exportar…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Exportar' })
    await dialog.getByLabel('Animación').selectOption('forward')
    await dialog.getByLabel('Un paso es').selectOption('cell')
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Ancho (px)').fill('1280')
    await dialog.getByLabel('Alto (px)').fill('720')
    await dialog.getByLabel('Desde el paso').fill('1')
    await dialog.getByLabel('hasta el paso').fill('100')
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('100 fotogramas')
    await shot('export-es')
    const downloading = page.waitForEvent('download', { timeout: 150_000 })
    const started = Date.now()
    await dialog.getByRole('button', { name: 'Exportar los fotogramas' }).click()
    const download = await downloading
    const seconds = (Date.now() - started) / 1000
    const saved = join(folder, download.suggestedFilename())
    await download.saveAs(saved)
    const files = unzipSync(new Uint8Array(readFileSync(saved)))
    expect(Object.keys(files)).toHaveLength(100)
    expect(pngSize(files['frame-0100.png'])).toEqual([1280, 720])
    console.log(`exported 100 frames at 1280×720 (PNG, zipped, in the page) in ${seconds.toFixed(1)} s`)
    await dialog.getByRole('button', { name: 'Cerrar' }).click()
    expect(mode.pageErrors).toEqual([])
  }, 240_000)
})
