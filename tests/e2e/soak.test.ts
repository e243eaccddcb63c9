// Soak: 2,000 random edits through the page in browser mode (`convolab serve`, its own process):
// kernel cells, strokes on the drawing, settings, loads of a small image, undo and redo. No page
// error, the server's memory bounded, and in rounds of 100 edits (the undo history keeps 100
// steps) undo all the way back restores the first document exactly (its saved session, bit for bit).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { seededSource } from '../../core'
import { decodeSessionFile } from '../../core/session-file'
import type { Session } from '../../core/session'
import { buildApp, launchChromium, newDataFolder, startServe, type ServeProcess } from './session-server'

const EDITS = 2000
const ROUND = 100

let browser: Browser
let server: ServeProcess
let dataDir: string
let page: Page
let imagePath = ''
const pageErrors: string[] = []

/** The server process's resident memory, MB (Linux). */
function serverMemory(): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

beforeAll(async () => {
  buildApp()
  dataDir = newDataFolder()
  imagePath = join(dataDir, 'small.png')
  const pixels = Buffer.from(Array.from({ length: 12 * 10 * 3 }, (_, k) => (k * 53) % 256))
  await sharp(pixels, { raw: { width: 12, height: 10, channels: 3 } })
    .png()
    .toFile(imagePath)
  server = await startServe(dataDir)
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

/** The document now, as the page saves it (Save As: a download). */
async function saved(name: string): Promise<Session> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+Shift+s')])
  const path = join(dataDir, name)
  await download.saveAs(path)
  return decodeSessionFile(new Uint8Array(readFileSync(path)))
}

function sameDocument(a: Session, b: Session): boolean {
  const bits = (x: Float64Array | undefined): string => (x ? Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64') : '')
  return (
    JSON.stringify(a.input.shape) === JSON.stringify(b.input.shape) &&
    bits(a.input.data) === bits(b.input.data) &&
    JSON.stringify(a.weight.shape) === JSON.stringify(b.weight.shape) &&
    bits(a.weight.data) === bits(b.weight.data) &&
    bits(a.bias?.data) === bits(b.bias?.data) &&
    JSON.stringify(a.options) === JSON.stringify(b.options) &&
    JSON.stringify(a.gradOutput) === JSON.stringify(b.gradOutput) &&
    a.inputName === b.inputName
  )
}

describe('a soak of random edits', () => {
  it(`makes ${EDITS} edits with no page error, bounded server memory, and undo back to the start restores the first document`, async () => {
    const started = performance.now()
    const random = seededSource(7)
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
    const first = await saved('first.convolab')
    const memoryAtStart = serverMemory()
    let memoryPeak = memoryAtStart
    const counts: Record<string, number> = {}
    const undo = page.getByRole('button', { name: 'Undo', exact: true }).filter({ visible: true }).first()

    for (let done = 0; done < EDITS;) {
      for (let k = 0; k < ROUND && done < EDITS; k++, done++) {
        const kind = pick(['cell', 'cell', 'cell', 'stroke', 'setting', 'undo', 'redo', 'load'])
        counts[kind] = (counts[kind] ?? 0) + 1
        if (kind === 'cell') {
          // The kernel may have grown channels after a load: cells of the first plane exist always.
          const cell = page
            .getByLabel(`w[0, 0, ${Math.floor(random() * 3)}, ${Math.floor(random() * 3)}]`)
            .filter({ visible: true })
            .first()
          await cell.fill(String(Math.round((random() * 4 - 2) * 100) / 100))
          await cell.press('Tab')
        } else if (kind === 'stroke') {
          const canvas = page
            .getByRole('grid', { name: /Padded input x/ })
            .locator('canvas')
            .first()
          const box = (await canvas.count()) ? await canvas.boundingBox() : null
          if (box) {
            await page.mouse.move(box.x + random() * box.width, box.y + random() * box.height)
            await page.mouse.down()
            await page.mouse.move(box.x + random() * box.width, box.y + random() * box.height, { steps: 2 })
            await page.mouse.up()
          }
        } else if (kind === 'setting') {
          await page
            .getByLabel('Stride (paso), rows (H)')
            .filter({ visible: true })
            .first()
            .fill(pick(['1', '2', '3']))
        } else if (kind === 'undo') {
          await page.keyboard.press('Control+z')
        } else if (kind === 'redo') {
          await page.keyboard.press('Control+Shift+z')
        } else {
          await page.locator('input[type=file][accept^="image/"]').setInputFiles(imagePath)
        }
      }
      memoryPeak = Math.max(memoryPeak, serverMemory())
      // Back to the start of the round, which is the first document.
      for (let steps = 0; (await undo.isEnabled()) && steps < ROUND + 5; steps++) await undo.click()
      expect(await undo.isEnabled()).toBe(false)
      const back = await saved(`round-${done}.convolab`)
      expect(sameDocument(back, first), `after ${done} edits, undo to the start`).toBe(true)
      expect(pageErrors).toEqual([])
    }
    const memoryAtEnd = serverMemory()
    const seconds = (performance.now() - started) / 1000
    console.log(
      `soak: ${EDITS} edits ${JSON.stringify(counts)} in ${seconds.toFixed(0)} s; server memory ${memoryAtStart.toFixed(0)} MB at start, ` +
        `${memoryPeak.toFixed(0)} MB at most, ${memoryAtEnd.toFixed(0)} MB at the end`,
    )
    expect(server.child.exitCode).toBeNull()
    expect(memoryAtEnd).toBeLessThan(memoryAtStart + 300)
    expect(pageErrors).toEqual([])
  }, 900_000)
})
