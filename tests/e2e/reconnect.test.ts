// The page's connection to `convolab serve` dropped (as the server does on an over-size message,
// code 1009): the page says so in the user's language, reconnects by itself, stores its image
// input on the new engine again and goes on computing the same document, with no error.

import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { FrameAssembler } from '../../contract/wire-parts'
import { buildApp, launchChromium, newDataFolder, startServe, type ServeProcess } from './session-server'

let browser: Browser
let server: ServeProcess
let page: Page
let imagePath = ''
const pageErrors: string[] = []
const routes: WebSocketRoute[] = []
/** What went over each connection, decoded: the page's calls and the server's results. */
const traffic: Array<{ calls: Array<{ id: number; method: string }>; results: Map<number, string> }> = []
/** Connections to refuse at once (the server "unavailable" for a moment). */
let refuse = 0

beforeAll(async () => {
  buildApp()
  const dataDir = newDataFolder()
  imagePath = join(dataDir, 'tiny.png')
  const pixels = Buffer.from(Array.from({ length: 9 * 8 * 3 }, (_, k) => (k * 29) % 256))
  await sharp(pixels, { raw: { width: 9, height: 8, channels: 3 } })
    .png()
    .toFile(imagePath)
  server = await startServe(dataDir)
  browser = await launchChromium()
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

async function openPage(locale: string): Promise<void> {
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale })
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  // Every connection of the page goes through here to the real server, so the test can cut one.
  await page.routeWebSocket(/\/engine/, (ws) => {
    if (refuse > 0) {
      refuse--
      ws.close({ code: 1013, reason: 'try again later' })
      return
    }
    const toServer = ws.connectToServer()
    const seen = { calls: [] as Array<{ id: number; method: string }>, results: new Map<number, string>() }
    const fromPage = new FrameAssembler()
    const fromServer = new FrameAssembler()
    ws.onMessage((message) => {
      const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : new Uint8Array(message)
      const decoded = fromPage.push(bytes) as { kind: string; id: number; method: string } | undefined
      if (decoded?.kind === 'invoke') seen.calls.push({ id: decoded.id, method: decoded.method })
      toServer.send(message)
    })
    toServer.onMessage((message) => {
      const bytes = typeof message === 'string' ? new TextEncoder().encode(message) : new Uint8Array(message)
      const decoded = fromServer.push(bytes) as { kind: string; id: number; result: { ok: boolean; code?: string } } | undefined
      if (decoded?.kind === 'result') seen.results.set(decoded.id, decoded.result.ok ? 'ok' : decoded.result.code!)
      ws.send(message)
    })
    routes.push(ws)
    traffic.push(seen)
  })
  await page.goto(server.url)
  await page.getByTestId('output-shape').waitFor()
}

describe('a dropped connection', () => {
  for (const [locale, banner, outputLabel] of [
    ['en-US', /larger than the server accepts.*Reconnecting/s, 'Output shape y'],
    ['es-ES', /más grande de lo que el servidor acepta.*Reconectando/s, 'de la salida y'],
  ] as const) {
    it(`is said (${locale}), reconnected and the document goes on with its image input`, async () => {
      routes.length = 0
      traffic.length = 0
      await openPage(locale)
      await page.locator('input[type=file][accept^="image/"]').setInputFiles(imagePath)
      // The 8×9 image under the 3×3 kernel.
      await expect.poll(() => page.getByTestId('output-shape').textContent(), { timeout: 30_000 }).toContain('(1, 1, 6, 7)')
      const codeBefore = await page.getByTestId('pytorch-code').textContent()
      expect(routes.length).toBe(1)

      refuse = 2
      await routes[0].close({ code: 1009, reason: 'message too big' })
      const status = page.getByTestId('connection-status')
      await status.waitFor({ timeout: 5000 })
      expect(await status.textContent()).toMatch(banner)
      // Back after two refused attempts (backoff 0.25 s, 0.5 s, 1 s): the banner goes away.
      await status.waitFor({ state: 'detached', timeout: 20_000 })
      expect(routes.length).toBe(2)
      expect(await page.getByTestId('pytorch-code').textContent()).toBe(codeBefore)

      // A change computes on the new engine, from the image input stored there again.
      const shapeBefore = await page.getByTestId('output-shape').textContent()
      await page.getByLabel('w[0, 0, 1, 1]').fill('2.5')
      const computed = () => traffic[1].calls.filter((call) => call.method === 'compute' && traffic[1].results.get(call.id) === 'ok').length
      await expect.poll(computed, { timeout: 30_000 }).toBeGreaterThan(0)
      // The image was stored on the new engine (setInput) before the compute named it.
      const methods = traffic[1].calls.map((call) => call.method)
      expect(methods).toContain('setInput')
      expect(methods.indexOf('setInput')).toBeLessThan(methods.indexOf('compute'))
      // Nothing refused on the new engine (a compute superseded by a newer one is 'cancelled', as always).
      const refused = traffic[1].calls
        .map((call) => traffic[1].results.get(call.id))
        .filter((code) => code !== undefined && code !== 'ok' && code !== 'cancelled')
      expect(refused).toEqual([])
      expect(await page.getByTestId('output-shape').textContent()).toBe(shapeBefore)
      expect(shapeBefore).toContain(outputLabel)
      expect(await page.locator('[role=alert]').count()).toBe(0)
      expect(pageErrors).toEqual([])
      await page.close()
    })
  }
})
