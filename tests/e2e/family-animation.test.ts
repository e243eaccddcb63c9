// The family's animations in browser mode with the real engine: on the drawn 7×7 grid, pick
// MaxPool2d, AvgPool2d and ConvTranspose2d in the layer picker, step their animations and read
// the frames' numbers (the caption a screen reader hears): each equals core's layer; switch
// ConvTranspose2d's forward between scatter and the Conv2d dE/dx frames; the Conv2d ↔
// ConvTranspose2d view ends with the two numbers equal; its frames export as PNGs; on a photo, a region picked on the input thumbnail steps through the whole output's numbers, for MaxPool2d and for ConvTranspose2d (every stamp reaching the region's cells, also from input cells outside its own patch).

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { avgPool2d } from '../../core/avg-pool2d'
import { convTranspose2d } from '../../core/conv-transpose2d'
import { maxPool2d } from '../../core/max-pool2d'
import type { Tensor } from '../../core/tensor'
import { formatValue } from '../../frames/text'
import { sampleImage } from '../../src-renderer/src/lib/input/samples'
import { openBrowserMode, SHOTS, type BrowserMode } from './browser-mode'

let mode: BrowserMode
let page: Page

/** The app's start: the 7×7 drawn digit. */
const x: Tensor = { shape: [1, 1, 7, 7], data: sampleImage('digit', 7, 7) }
/** The app shows 4 decimals unless told otherwise. */
const shown = (v: number) => formatValue(v, 4)

beforeAll(async () => {
  mode = await openBrowserMode('en-US')
  page = mode.page
})

afterAll(async () => {
  await mode?.close()
})

const caption = () => page.getByTestId('anim-caption').textContent()
const counter = () => page.getByTestId('anim-counter').textContent()
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `family-animation-${name}.png`), fullPage: true })

/** Opens a 300×200 RGB photo whose byte of pixel p, channel c is `byte(p, c)`; its bytes, to compute what to_tensor gives. */
async function openPhoto(byte: (p: number, c: number) => number) {
  const [width, height] = [300, 200]
  const raw = Buffer.alloc(width * height * 3)
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) raw[p * 3 + c] = byte(p, c)
  const photo = join(mkdtempSync(join(tmpdir(), 'convolab-family-')), 'family-photo.png')
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(photo)
  await page.locator('input[type=file][accept^="image/"]').setInputFiles(photo)
  return { width, height, raw }
}

async function stepTo(step: number): Promise<void> {
  await page.getByRole('slider', { name: 'Timeline' }).fill(String(step - 1))
  await expect.poll(counter).toMatch(new RegExp(`^step ${step} of `))
}

describe('the family animated', () => {
  it("MaxPool2d forward marks the maximum, and its backward routes dE/dy to it: core's numbers", async () => {
    await page.getByTestId('layer-type').selectOption('max-pool2d')
    await page.getByRole('tab', { name: 'Animation' }).click()
    await expect.poll(() => page.getByTestId('family-view').isVisible()).toBe(true)
    const { output, indices } = maxPool2d(x, { kernelSize: 3 })
    // window 3, stride 3: 2×2 outputs
    await expect.poll(counter).toBe('step 0 of 4')
    for (const step of [1, 4]) {
      await stepTo(step)
      const text = (await caption()) ?? ''
      expect(text).toContain(`MaxPool2d forward: y[0,0,${Math.floor((step - 1) / 2)},${(step - 1) % 2}] = ${shown(output.data[step - 1])}`)
      expect(text).toContain(`= ${indices[step - 1]}`)
    }
    await shot('max-forward')
    await page.getByTestId('family-view').selectOption('backward-input')
    await stepTo(2)
    expect(await caption()).toContain('MaxPool2d backward dE/dx: dE/dy[0,0,0,1] = 1.0000')
    expect(await caption()).toContain(`(argmax = ${indices[1]};`)
  })

  it("AvgPool2d forward shows each window's divisor", async () => {
    await page.getByTestId('layer-type').selectOption('avg-pool2d')
    await page.getByTestId('family-view').selectOption('forward')
    const { output } = avgPool2d(x, { kernelSize: 3 })
    await stepTo(3)
    // max-pool's scene has as many steps: wait for avg-pool's frames to replace it
    await expect.poll(caption).toContain(`AvgPool2d forward: y[0,0,1,0] = ${shown(output.data[2])}`)
    expect(await caption()).toContain('divisor = 3·3 = 9')
    await shot('avg-forward')
  })

  it('ConvTranspose2d forward switches between scatter and the Conv2d dE/dx frames; the pair view ends equal', async () => {
    await page.getByTestId('layer-type').selectOption('conv-transpose2d')
    await page.getByTestId('family-view').selectOption('forward')
    await expect.poll(counter).toBe('step 0 of 49')
    await stepTo(2)
    expect(await caption()).toContain('ConvTranspose2d forward as scatter: x[0,0,0,1]')
    await page.getByLabel(/the Conv2d dE\/dx/).check()
    await expect.poll(caption).toContain('ConvTranspose2d forward = Conv2d dE/dx: insert S−1 zeros, pad D·(K−1)−P, correlate with rot180(w)')
    await shot('transposed-correlation')
    await page.getByTestId('family-view').selectOption('pair')
    await expect.poll(counter).toBe('step 0 of 3')
    await stepTo(3)
    const text = (await caption()) ?? ''
    expect(text).toContain("ConvTranspose2d's forward is Conv2d's backward (dE/dx)")
    const difference = Number(/largest \|difference\| = ([\d.e+-]+)/.exec(text)![1])
    expect(difference).toBeLessThanOrEqual(1e-12)
    await shot('pair')
  })

  it('exports the frames the player shows: the pair view as a zip of PNGs', async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    await expect.poll(() => dialog.getByTestId('export-family-view').textContent()).toBe('Conv2d ↔ ConvTranspose2d')
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('Width (px)').fill('320')
    await dialog.getByLabel('Height (px)').fill('180')
    // the empty start and 3 steps
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('4 frames')
    const downloading = page.waitForEvent('download')
    await dialog.getByRole('button', { name: 'Export the frames' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toBe('convolab-conv-vs-transposed-cell-png.zip')
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())))
    expect(Object.keys(files).sort()).toEqual(['frame-0001.png', 'frame-0002.png', 'frame-0003.png', 'frame-0004.png'])
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it("on a photo, MaxPool2d steps through a region picked on the input thumbnail: the whole output's numbers", async () => {
    const { width, height, raw } = await openPhoto((p, c) => (p * 7 + c * 50 + Math.floor(p / 300) * 13) % 256)
    await page.getByTestId('layer-type').selectOption('max-pool2d')
    await page.getByRole('tab', { name: 'Animation' }).click()
    await page.getByTestId('family-view').selectOption('forward')
    const picker = page.getByTestId('family-region-picker')
    await picker.waitFor({ timeout: 60_000 })
    // The region starts at the centre; a click near the top-left corner of the thumbnail picks one there.
    await expect.poll(() => page.getByTestId('family-region').textContent()).toContain('rows 29..36 and columns 46..53')
    const box = (await picker.locator('canvas').first().boundingBox())!
    await page.mouse.click(box.x + box.width * 0.2, box.y + box.height * 0.3)
    await expect.poll(() => page.getByTestId('family-region').textContent()).not.toContain('rows 29..36 and columns 46..53')
    const note = (await page.getByTestId('family-region').textContent()) ?? ''
    const [, i, , j] = /rows (\d+)\.\.(\d+) and columns (\d+)\.\.(\d+)/.exec(note)!.map(Number)
    // what to_tensor gives: channel planes of v / 255
    const x: Tensor = { shape: [1, 3, height, width], data: new Float64Array(3 * width * height) }
    for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) x.data[c * width * height + p] = raw[p * 3 + c] / 255
    const { output } = maxPool2d(x, { kernelSize: 3 })
    const [outH, outW] = [Math.floor(height / 3), Math.floor(width / 3)]
    await expect.poll(counter).toBe('step 0 of 192')
    await stepTo(1)
    expect(await caption()).toContain(`MaxPool2d forward: y[0,0,0,0] = ${shown(output.data[i * outW + j])}`)
    await stepTo(65)
    expect(await caption()).toContain(`MaxPool2d forward: y[0,1,0,0] = ${shown(output.data[(outH + i) * outW + j])}`)
    await shot('photo-region')
  })

  it("on an RGB photo, ConvTranspose2d's region cells are the whole output's: every stamp that reaches them, across the window's border", async () => {
    // A 300×200 RGB photo: the layer's weight (C_in = 3) is no Conv2d of it, and the animation still shows.
    const { width, height, raw } = await openPhoto((p, c) => (p * 5 + c * 70 + Math.floor(p / 300) * 11) % 256)
    await page.getByTestId('layer-type').selectOption('conv-transpose2d')
    await page.getByRole('tab', { name: 'Animation' }).click()
    await page.getByTestId('family-view').selectOption('forward')
    await page.getByTestId('family-region-picker').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.getByTestId('family-region').textContent(), { timeout: 60_000 }).toContain('with padding')
    await page.getByLabel(/the Conv2d dE\/dx/).check()
    await expect.poll(() => page.getByTestId('pytorch-code').textContent()).toContain('ConvTranspose2d(3, 1')
    const code = (await page.getByTestId('pytorch-code').textContent()) ?? ''
    const weightList = JSON.parse(/layer\.weight\.copy_\(torch\.tensor\((\[.*?\]), dtype/s.exec(code)![1]) as number[][][][]
    const weight: Tensor = { shape: [3, 1, 3, 3], data: Float64Array.from(weightList.flat(3)) }
    expect(weight.data.length).toBe(27)
    const note = (await page.getByTestId('family-region').textContent()) ?? ''
    const [, i, , j] = /rows (\d+)\.\.(\d+) and columns (\d+)\.\.(\d+)/.exec(note)!.map(Number)
    const [, padH, padW] = /with padding (\d+), (\d+)/.exec(note)!.map(Number)
    // what to_tensor gives: channel planes of v / 255
    const x: Tensor = { shape: [1, 3, height, width], data: new Float64Array(3 * width * height) }
    for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) x.data[c * width * height + p] = raw[p * 3 + c] / 255
    const y = convTranspose2d(x, weight, null, {}).output
    const outW = width + 2
    // The region's 8×8 cells are y_full[P′ + r, P′ + c] of the window's uncropped output; the caption names each with its value.
    const side = 8 + 2 * padH
    await expect.poll(counter).toBe(`step 0 of ${side * side}`)
    for (const [r, c] of [
      [0, 0],
      [0, 7],
      [7, 0],
      [4, 5],
    ]) {
      await stepTo((r + padH) * side + c + padW + 1)
      await expect.poll(caption).toContain(`y_full[0,0,${r + padH},${c + padW}] = ${shown(y.data[(i + r) * outW + j + c])}`)
    }
    await shot('photo-transposed-region')
  })
})
