// Electron's security checklist (electronjs.org/docs/latest/tutorial/security), item by item as
// it applies to Convolab, checked on the built main bundle loaded with a stand-in electron
// module (the runtime cannot run here), on its source text, on the preload and on the page.
// Items that do not apply, or are not followed, say why.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestSchemas } from '../../contract/schemas'
import { contentSecurityPolicy } from '../../src-main/server/csp'
import { mainBundle, removeMainBundle } from './helpers/worker-bundle'
import { electronEvent, fakeElectron, loadMain, type FakeElectron } from './desktop-fake-electron'
import { mkdtempSync, rmSync } from 'node:fs'

const root = resolve(__dirname, '../..')
const scratch = mkdtempSync(join(root, 'node_modules', '.cache', 'convolab-checklist-'))
let fake: FakeElectron
let mainSource = ''
const savedEnv = process.env.CONVOLAB_DATA_DIR

type Answer = { ok: boolean; code?: string; value?: unknown }
type Handler = (event: unknown, method: unknown, request: unknown) => Promise<Answer>

const window = () => fake.seen.windows[0]
const handler = () => fake.seen.ipcHandlers['convolab:invoke'] as Handler
const fromPage = () => ({ sender: window().webContents, senderFrame: { url: window().loaded } })

beforeAll(async () => {
  const out = await mainBundle()
  mainSource = readFileSync(join(out, 'main', 'index.js'), 'utf8')
  // A renderer page beside the test bundle, for the app:// handler to serve (item 18).
  mkdirSync(join(out, 'renderer'), { recursive: true })
  writeFileSync(join(out, 'renderer', 'index.html'), '<!doctype html><title>Convolab</title>')
  process.env.CONVOLAB_DATA_DIR = join(scratch, 'data')
  fake = fakeElectron()
  await loadMain(out, fake)
}, 120_000)

afterAll(async () => {
  if (savedEnv === undefined) delete process.env.CONVOLAB_DATA_DIR
  else process.env.CONVOLAB_DATA_DIR = savedEnv
  await removeMainBundle()
  rmSync(scratch, { recursive: true, force: true })
})

describe("Electron's security checklist", () => {
  it('1. loads only secure content: our own page on app://, every network request cancelled', () => {
    expect(window().loaded).toBe('app://convolab/index.html')
    for (const url of ['https://example.com/a.js', 'http://127.0.0.1:8080/', 'ws://evil.example/socket', 'wss://example.com/', 'http://localhost:5173/']) {
      expect(fake.seen.requestFilter!({ url })).toBe(true)
    }
    const page = readFileSync(join(root, 'src-renderer', 'index.html'), 'utf8')
    expect(page).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i)
  })

  it('2-4. no Node.js in the page, context isolation, the sandbox for every renderer', () => {
    expect(fake.seen.sandbox).toBe(true)
    expect(window().opts.webPreferences).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      contextIsolation: true,
      sandbox: true,
    })
    expect(mainSource).not.toMatch(/nodeIntegration\w*\s*:\s*true|contextIsolation\s*:\s*false|sandbox\s*:\s*false/)
  })

  it('5. denies every permission request and check', () => {
    expect(fake.seen.permissionRequests.length).toBeGreaterThan(0)
    expect(fake.seen.permissionRequests.every((request) => request.granted === false)).toBe(true)
    expect(fake.seen.permissionChecks).toEqual([false])
  })

  it('6, 8, 9, 10. keeps webSecurity, no insecure content, no experimental or Blink features', () => {
    expect(window().opts.webPreferences).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false })
    expect(window().opts.webPreferences).not.toHaveProperty('enableBlinkFeatures')
    expect(mainSource).not.toMatch(/webSecurity\s*:\s*false|allowRunningInsecureContent\s*:\s*true|experimentalFeatures\s*:\s*true|enableBlinkFeatures/)
  })

  it('7. a strict Content-Security-Policy: in the page and on every response', () => {
    const policies = [
      readFileSync(join(root, 'src-renderer', 'index.html'), 'utf8').match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)![1],
      fake.seen.headers!({ 'Content-Type': ['text/html'] })['Content-Security-Policy'][0],
    ]
    expect(policies[1]).toBe(contentSecurityPolicy())
    for (const policy of policies) {
      const directives = Object.fromEntries(
        policy
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      )
      expect(directives['default-src']).toEqual(["'self'"])
      expect(directives['script-src']).toEqual(["'self'"])
      expect(directives['object-src']).toEqual(["'none'"])
      expect(directives['base-uri']).toEqual(["'none'"])
      expect(policy).not.toMatch(/unsafe-eval|(^|\s)\*(\s|;|$)|https?:\/\/(?!127\.0\.0\.1|localhost)/)
      // Sockets only to this computer (browser mode's engine), nothing remote.
      for (const source of directives['connect-src']) expect(source).toMatch(/^('self'|ws:\/\/(127\.0\.0\.1|localhost):\*)$/)
    }
  })

  it('11, 12. no <webview>: the tag is off and any attach is prevented', () => {
    expect(window().opts.webPreferences).toMatchObject({ webviewTag: false })
    const handlers: Record<string, (...args: unknown[]) => unknown> = {}
    fake.seen.contentsCreated[0](
      {},
      {
        setWindowOpenHandler: (h: (...args: unknown[]) => unknown) => (handlers.open = h),
        on: (name: string, h: (...args: unknown[]) => unknown) => (handlers[name] = h),
      },
    )
    const attach = electronEvent()
    handlers['will-attach-webview'](attach, {}, { src: 'https://example.com' })
    expect(attach.prevented).toBe(true)
    expect(mainSource).not.toMatch(/allowpopups/i)
  })

  it('13, 14. navigation away from the page and new windows are blocked', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {}
    fake.seen.contentsCreated[0](
      {},
      {
        setWindowOpenHandler: (h: (...args: unknown[]) => unknown) => (handlers.open = h),
        on: (name: string, h: (...args: unknown[]) => unknown) => (handlers[name] = h),
      },
    )
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://convolab/other.html', 'app://another/index.html']) {
      expect(handlers.open({ url })).toEqual({ action: 'deny' })
      const event = electronEvent()
      handlers['will-navigate'](event, url)
      expect(event.prevented).toBe(true)
    }
    const ownPage = electronEvent()
    handlers['will-navigate'](ownPage, window().loaded)
    expect(ownPage.prevented).toBe(false)
    const redirect = electronEvent()
    handlers['will-redirect'](redirect, 'https://example.com/')
    expect(redirect.prevented).toBe(true)
  })

  it('15. never calls shell.openExternal; opens one folder of its own (Help ▸ Open the Log Folder)', () => {
    expect(mainSource).not.toMatch(/openExternal|\.showItemInFolder\(/)
    expect([...mainSource.matchAll(/\.openPath\(([^)]*)\)/g)].map((m) => m[1])).toEqual([expect.stringMatching(/logFolder\(/)])
  })

  it('16. uses a current Electron (45 or later)', () => {
    const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
    expect(Number(installed.version.split('.')[0])).toBeGreaterThanOrEqual(45)
  })

  it('17. one IPC channel, answering only our page in our window', async () => {
    expect(Object.keys(fake.seen.ipcHandlers)).toEqual(['convolab:invoke'])
    // Two one-way reports besides (the page's errors, a right-click on a value), checked the same way (desktop-plumbing.test.ts).
    expect(fake.seen.ipcListeners).toEqual(['convolab:page-error', 'convolab:context-menu'])
    expect(await handler()(fromPage(), 'about', undefined)).toMatchObject({ ok: true })
    const foreign = [
      { sender: {}, senderFrame: { url: window().loaded } },
      { sender: window().webContents, senderFrame: { url: 'https://example.com/' } },
      { sender: window().webContents, senderFrame: { url: 'file:///somewhere/index.html' } },
      { sender: window().webContents, senderFrame: { url: 'app://convolab/other.html' } },
      { sender: window().webContents, senderFrame: null },
      { sender: window().webContents },
    ]
    for (const event of foreign) expect(await handler()(event, 'getSettings', undefined)).toMatchObject({ ok: false, code: 'bad-request' })
  })

  it('17. ... and validating every payload: each method refuses a malformed one', async () => {
    // Wrong for every method: a number, a string, an array, null, an object with a wrong value in each field.
    const malformed = [42, 'text', [1, 2], null, { decimals: 'many', text: 5, shape: 'x', path: 7, name: 9, bytes: 'x', dirty: 'yes' }]
    for (const method of Object.keys(requestSchemas)) {
      if (method === 'about') continue // takes nothing and ignores what it gets
      for (const payload of malformed) {
        const answer = await handler()(fromPage(), method, payload)
        expect(answer, `${method} with ${JSON.stringify(payload)}`).toMatchObject({ ok: false, code: 'bad-request' })
      }
    }
    expect(await handler()(fromPage(), 'constructor', undefined)).toMatchObject({ ok: false, code: 'bad-request' })
    expect(await handler()(fromPage(), '__proto__', {})).toMatchObject({ ok: false, code: 'bad-request' })
    // A prototype-polluting settings change is stripped, and pollutes nothing.
    const polluting = JSON.parse('{"__proto__": {"polluted": true}, "decimals": 3}')
    expect(await handler()(fromPage(), 'setSettings', polluting)).toMatchObject({ ok: true, value: { decimals: 3 } })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('17. ... and writing only where the user chose: no file outside the paths main handed out', async () => {
    const text = '{"format": "convolab-session", "version": 1}'
    for (const path of ['/etc/passwd', join(scratch, 'x.convolab'), join(scratch, '..', 'y.convolab')]) {
      const answer = await handler()(fromPage(), 'saveSession', { text, path })
      expect(answer.ok).toBe(false)
    }
    expect((await handler()(fromPage(), 'addRecentFile', '/etc/passwd')) as Answer).toMatchObject({ ok: false, code: 'path-not-allowed' })
    expect((await handler()(fromPage(), 'openSession', { path: '/etc/passwd' })) as Answer).toMatchObject({ ok: false, code: 'session-extension' })
  })

  it('18. a custom protocol instead of file://: app://convolab/, privileged before ready, serving only the renderer folder', async () => {
    expect(fake.seen.privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
    const serve = fake.seen.protocolHandlers.app
    const page = await serve({ url: 'app://convolab/index.html', method: 'GET' })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    for (const url of [
      'app://convolab/../../main/index.js',
      'app://convolab/%2e%2e/main/index.js',
      'app://convolab/..%2fmain%2findex.js',
      'app://other/index.html',
    ]) {
      expect((await serve({ url, method: 'GET' })).status, url).toBe(404)
    }
    // Another page of the scheme is no page of ours (see 13 and 17).
    expect(
      await handler()({ sender: window().webContents, senderFrame: { url: window().loaded.replace('index.html', 'other.html') } }, 'about', undefined),
    ).toMatchObject({
      ok: false,
    })
  })

  it('20. exposes no Electron API to the page: the preload bridges four functions over fixed channels', () => {
    const preload = readFileSync(join(root, 'src-main', 'preload.ts'), 'utf8')
    expect([...preload.matchAll(/exposeInMainWorld\('(\w+)'/g)].map((m) => m[1])).toEqual(['convolab'])
    expect(preload).toMatch(/const bridge: ConvolabBridge = \{\s*invoke:[^\n]+\n\s*onEvent:/)
    // One-way sends only on the two report channels, with the page's payload and nothing else.
    expect([...preload.matchAll(/ipcRenderer\.send\((\w+), (\w+)\)/g)].map((m) => `${m[1]}(${m[2]})`)).toEqual([
      'IPC_PAGE_ERROR(report)',
      'IPC_CONTEXT_MENU(request)',
    ])
    expect(preload).not.toMatch(/ipcRenderer\.(sendSync|sendTo|postMessage)\b|exposeInMainWorld\([^)]*ipcRenderer\s*\)/)
    // The event listener gets the event's data, never Electron's IpcRendererEvent (which carries `sender`).
    expect(preload).toMatch(/listener\(engineEvent\)/)
  })
})
