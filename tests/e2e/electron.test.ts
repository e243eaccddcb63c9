// The desktop app driven by Playwright's _electron: it opens one window, the page sees only the
// preload's two functions (no Node, no Electron), the engine answers over IPC, bad payloads and
// navigation are refused. Runs only where Electron's runtime is installed (node_modules/electron/
// path.txt); elsewhere it says plainly that it did not run.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const installed = existsSync(join(root, 'node_modules', 'electron', 'path.txt'))
const NOT_RUN = 'Electron runtime not installed: Electron E2E did not run'
if (!installed) console.log(NOT_RUN)

describe.skipIf(!installed)(installed ? 'Electron app' : NOT_RUN, () => {
  let app: ElectronApplication
  let page: Page
  let display: ChildProcess | null = null

  beforeAll(async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>) }
    if (!env.DISPLAY && process.platform === 'linux') {
      display = spawn('Xvfb', [':97', '-screen', '0', '1400x900x24'], { stdio: 'ignore' })
      env.DISPLAY = ':97'
      await new Promise((r) => setTimeout(r, 500))
    }
    // Chromium's own sandbox cannot start as root; the renderer's Electron sandbox still applies.
    const args = process.getuid?.() === 0 ? ['--no-sandbox', root] : [root]
    app = await _electron.launch({ args, cwd: root, env })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
  })

  afterAll(async () => {
    await app?.close()
    display?.kill()
  })

  it('opens one window titled Convolab with the app in it', async () => {
    expect(app.windows()).toHaveLength(1)
    await page.waitForSelector('#app *')
    // The page titles itself with its new document (in the system's language) at once; main titles
    // the native window when the page tells it.
    const untitled = /^(untitled|sin título) — Convolab$/
    await expect.poll(() => page.title()).toMatch(untitled)
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle())).toMatch(untitled)
    mkdirSync(join(root, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results', 'electron-main-window.png') })
  })

  it('gives the page the bridge and nothing of Node or Electron', async () => {
    const seen = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { convolab: object }).convolab).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }))
    expect(seen).toEqual({ bridge: ['invoke', 'onEvent'], require: 'undefined', process: 'undefined' })
  })

  it('answers the engine over IPC, and refuses a bad payload with an envelope', async () => {
    const answers = await page.evaluate(async () => {
      const bridge = (window as unknown as { convolab: { invoke(m: string, r: unknown): Promise<unknown> } }).convolab
      return { about: await bridge.invoke('about', undefined), bad: await bridge.invoke('compute', { requestId: 'x' }) }
    })
    expect(answers.about).toMatchObject({ ok: true, value: { host: 'electron' } })
    expect(answers.bad).toMatchObject({ ok: false, code: 'bad-request' })
  })

  it('blocks navigation away from the app and new windows', async () => {
    const before = page.url()
    await page.evaluate(() => {
      window.open('https://example.com/')
      window.location.href = 'https://example.com/'
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
    expect(app.windows()).toHaveLength(1)
  })
})
