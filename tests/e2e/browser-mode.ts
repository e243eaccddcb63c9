// Browser mode for the end-to-end tests: build, serve with the real engine (its own data folder), drive Chromium.

import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { chromium, type Browser, type Page } from 'playwright-core'
import { nodeWorker } from '../../src-main/engine/engine'
import { startServer, type RunningServer } from '../../src-main/serve'

export const ROOT = resolve(__dirname, '../..')
export const SHOTS = join(ROOT, 'test-results')

export interface BrowserMode {
  server: RunningServer
  browser: Browser
  page: Page
  pageErrors: string[]
  close(): Promise<void>
}

export async function openBrowserMode(locale = 'en-US'): Promise<BrowserMode> {
  try {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe' })
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? '') + String((error as { stdout?: Buffer }).stdout ?? '')
    throw new Error(`the app does not build, so browser mode cannot be tested:\n${output.slice(-3000)}`, { cause: error })
  }
  mkdirSync(SHOTS, { recursive: true })
  const server = await startServer({
    // Its own data folder: preferences saved by other suites (a language, a theme) stay out.
    dataDir: mkdtempSync(join(tmpdir(), 'convolab-data-')),
    rendererDir: join(ROOT, 'out/renderer'),
    spawn: (control) => nodeWorker(join(ROOT, 'out/main/engine-worker.js'), control),
  })
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale, acceptDownloads: true })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  await page.goto(server.url)
  await page.getByTestId('output-shape').waitFor()
  return {
    server,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close()
      await server.close()
    },
  }
}

/** A small photo-like RGB picture: sky gradient, a sun, a house, textured grass. */
export async function writePhoto(path: string, width: number, height: number): Promise<void> {
  const data = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sky = y < height * 0.55
      let rgb = sky ? [110 + (80 * y) / height, 160 + (60 * y) / height, 230] : [70 + 40 * Math.sin(x / 3), 110 + 30 * Math.cos(y / 2), 60]
      if ((x - width * 0.7) ** 2 + (y - height * 0.25) ** 2 < (height * 0.12) ** 2) rgb = [255, 220, 120]
      if (y > height * 0.35 && y < height * 0.7 && Math.abs(x - width * 0.3) < width * 0.12) rgb = [180, 60, 50]
      data.set(
        rgb.map((v) => Math.round(Math.max(0, Math.min(255, v)))),
        (y * width + x) * 3,
      )
    }
  }
  await sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path)
}
