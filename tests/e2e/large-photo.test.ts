// A 12-megapixel photo at working size "original" in browser mode (`convolab serve`, its own
// process): the autosave and Save both stream the 288 MB input in pieces, the server stays up,
// and the saved file holds the photo exactly as torchvision's to_tensor reads it and opens again.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { decodeSessionFile, isZipFile } from '../../core/session-file'
import { buildApp, launchChromium, newDataFolder, startServe, type ServeProcess } from './session-server'

const WIDTH = 4000
const HEIGHT = 3000

let browser: Browser
let server: ServeProcess
let dataDir: string
let page: Page
let photoPath = ''
let expected: Float64Array
const pageErrors: string[] = []
let serverExit: string | null = null

beforeAll(async () => {
  buildApp()
  dataDir = newDataFolder()
  // A photo-like picture with fine texture, so the file is not trivially small.
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3)
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const k = (y * WIDTH + x) * 3
      raw[k] = (x * 7 + y * 3 + ((x * y) % 17)) & 0xff
      raw[k + 1] = Math.round(128 + 100 * Math.sin(x / 50) * Math.cos(y / 70))
      raw[k + 2] = (x ^ y) & 0xff
    }
  }
  photoPath = join(dataDir, 'big-photo.png')
  await sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toFile(photoPath)
  // What to_tensor gives: channel planes of v / 255.
  expected = new Float64Array(3 * WIDTH * HEIGHT)
  const plane = WIDTH * HEIGHT
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) expected[c * plane + p] = raw[p * 3 + c] / 255
  server = await startServe(dataDir)
  server.child.on('exit', (code, signal) => (serverExit = `exited with ${code ?? signal}`))
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US', acceptDownloads: true })
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  await page.goto(server.url)
  await page.getByTestId('output-shape').waitFor()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

describe('a 4000×3000 photo at its original size', () => {
  it('autosaves and saves in pieces, the server stays up, and the file opens again identically', async () => {
    // The working size sits in the input panel's "size and photo" section, folded until a photo is loaded.
    const more = page.locator('details.more').first()
    if (!(await more.evaluate((node) => (node as HTMLDetailsElement).open))) await more.locator('summary').click()
    await page.getByLabel('Working size (longest side)').first().selectOption('0')
    await page.locator('input[type=file][accept^="image/"]').setInputFiles(photoPath)
    await expect.poll(() => page.getByText(/big-photo\.png/).count(), { timeout: 120_000, interval: 1000 }).toBeGreaterThan(0)

    // The load is a significant change: autosaved soon after, in pieces.
    const runs = join(dataDir, 'runs')
    const autosave = (): string | null => {
      if (!existsSync(runs)) return null
      for (const run of readdirSync(runs)) {
        const file = join(runs, run, 'autosave.convolab')
        if (existsSync(file)) return file
      }
      return null
    }
    await expect.poll(autosave, { timeout: 120_000, interval: 1000 }).not.toBeNull()
    const autosaved = decodeSessionFile(new Uint8Array(readFileSync(autosave()!)))
    expect(autosaved.input.shape).toEqual([1, 3, HEIGHT, WIDTH])
    expect(sameValues(autosaved.input.data, expected)).toBe(true)
    expect(autosaved.inputName).toBe('big-photo.png')
    expect(serverExit).toBeNull()

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.keyboard.press('Control+s')])
    const savedPath = join(dataDir, 'big.convolab')
    await download.saveAs(savedPath)
    const bytes = new Uint8Array(readFileSync(savedPath))
    expect(isZipFile(bytes)).toBe(true)
    const saved = decodeSessionFile(bytes)
    expect(sameValues(saved.input.data, expected)).toBe(true)
    expect(saved.inputName).toBe('big-photo.png')
    console.log(`4000×3000 photo session: ${(bytes.length / 1e6).toFixed(1)} MB (the input alone is ${((expected.length * 8) / 1e6).toFixed(0)} MB of float64)`)

    // Opened again in the page: the same photo, its name, and no error.
    await page.getByLabel('Open a session (.convolab)').first().setInputFiles(savedPath)
    await expect.poll(() => page.title(), { timeout: 120_000 }).toBe('big.convolab — Convolab')
    // Saved again from what was opened: the same values and the input's file name.
    const [again] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.keyboard.press('Control+Shift+s')])
    const againPath = join(dataDir, 'again.convolab')
    await again.saveAs(againPath)
    const reopened = decodeSessionFile(new Uint8Array(readFileSync(againPath)))
    expect(sameValues(reopened.input.data, expected)).toBe(true)
    expect(reopened.inputName).toBe('big-photo.png')
    expect(serverExit).toBeNull()
    expect(await page.getByTestId('connection-status').count()).toBe(0)
    expect(pageErrors).toEqual([])
  })
})
