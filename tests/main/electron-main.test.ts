// The Electron main bundle, loaded with a stand-in for the 'electron' module (the runtime is not
// needed): it enables the sandbox, denies permissions and remote requests, builds the menu in
// the system's language, opens one window with the secure preferences, answers IPC only from
// our page in our window, and blocks navigation and new windows.

import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire, Module } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mainBundle, removeMainBundle } from './helpers/worker-bundle'

type Handler = (event: unknown, method: unknown, request: unknown) => Promise<Record<string, unknown>>

const seen = {
  sandbox: false,
  permissionGranted: null as boolean | null,
  permissionCheck: null as boolean | null,
  remoteCancelled: null as boolean | null,
  menu: [] as string[],
  loaded: '',
  ipcChannel: '',
  ipc: null as Handler | null,
  window: null as { opts: { webPreferences: Record<string, unknown> }; webContents: object } | null,
  onContents: [] as Array<(event: unknown, contents: unknown) => void>,
}

// The main bundle keeps its data folder (settings, autosave) under appData: a temporary one here.
const appData = mkdtempSync(join(tmpdir(), 'convolab-electron-main-'))

class FakeWindow {
  webContents = { send: () => {}, on: () => {} }
  constructor(readonly opts: { webPreferences: Record<string, unknown> }) {
    seen.window = this
  }
  once() {}
  on() {}
  show() {}
  loadURL(url: string) {
    seen.loaded = url
    return Promise.resolve()
  }
}

const fakeElectron = {
  app: {
    enableSandbox: () => (seen.sandbox = true),
    on: (name: string, listener: (event: unknown, contents: unknown) => void) => {
      if (name === 'web-contents-created') seen.onContents.push(listener)
    },
    whenReady: () => Promise.resolve(),
    getLocale: () => 'es-AR',
    quit: () => {},
    getPath: () => appData,
    setPath: () => {},
    requestSingleInstanceLock: () => true,
    addRecentDocument: () => {},
    getVersion: () => '0.0.0-test',
  },
  protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
  crashReporter: { start: () => {} },
  nativeTheme: { themeSource: 'system' },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  BrowserWindow: FakeWindow,
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      seen.ipcChannel = channel
      seen.ipc = handler
    },
    on: () => {},
  },
  Menu: {
    buildFromTemplate: (template: Array<{ label: string }>) => template,
    setApplicationMenu: (template: Array<{ label: string }>) => (seen.menu = template.map((m) => m.label)),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: (c: unknown, p: string, cb: (ok: boolean) => void) => void) =>
        handler(null, 'media', (ok) => (seen.permissionGranted = ok)),
      setPermissionCheckHandler: (handler: () => boolean) => (seen.permissionCheck = handler()),
      webRequest: {
        onBeforeRequest: (_filter: unknown, handler: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) =>
          handler({ url: 'https://example.com/tracker.js' }, (r) => (seen.remoteCancelled = r.cancel)),
        onHeadersReceived: () => {},
      },
    },
  },
  dialog: {},
}

describe('Electron main (with a stand-in electron module)', () => {
  beforeAll(async () => {
    const out = await mainBundle()
    const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown }
    const load = moduleWithLoad._load
    moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
      return request === 'electron' ? fakeElectron : load.call(this, request, ...rest)
    }
    createRequire(__filename)(join(out, 'main', 'index.js'))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }, 120_000)
  afterAll(async () => {
    await removeMainBundle()
    rmSync(appData, { recursive: true, force: true })
  })

  it('hardens the app and the session before anything loads', () => {
    expect(seen.sandbox).toBe(true)
    expect(seen.permissionGranted).toBe(false)
    expect(seen.permissionCheck).toBe(false)
    expect(seen.remoteCancelled).toBe(true)
  })

  it('builds the menu in the system language and opens one secure window on the built page', () => {
    expect(seen.menu).toEqual(['Archivo', 'Edición', 'Ver', 'Ayuda'])
    expect(seen.loaded).toBe('app://convolab/index.html')
    expect(seen.window?.opts.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(seen.window?.opts.webPreferences.preload)).toMatch(/preload[\\/]index\.js$/)
  })

  it('answers IPC from our page in our window, and refuses other senders', async () => {
    expect(seen.ipcChannel).toBe('convolab:invoke')
    const ours = { sender: seen.window!.webContents, senderFrame: { url: seen.loaded } }
    expect(await seen.ipc!(ours, 'about', undefined)).toMatchObject({ ok: true, value: { host: 'electron', kernel: 'wasm relaxed-simd f64 ×1' } })
    expect(await seen.ipc!(ours, 'compute', { requestId: -1 })).toMatchObject({ ok: false, code: 'bad-request' })
    for (const url of ['file:///somewhere/else.html', 'app://convolab/else.html', 'app://other/index.html']) {
      const otherPage = { sender: seen.window!.webContents, senderFrame: { url } }
      expect(await seen.ipc!(otherPage, 'about', undefined)).toMatchObject({ ok: false, code: 'bad-request' })
    }
    const otherContents = { sender: {}, senderFrame: { url: seen.loaded } }
    expect(await seen.ipc!(otherContents, 'about', undefined)).toMatchObject({ ok: false, code: 'bad-request' })
  })

  it('denies new windows and navigation away from the app page', () => {
    const handlers: Record<string, (...args: unknown[]) => unknown> = {}
    seen.onContents[0](
      {},
      {
        setWindowOpenHandler: (handler: (...args: unknown[]) => unknown) => (handlers.open = handler),
        on: (name: string, handler: (...args: unknown[]) => unknown) => (handlers[name] = handler),
      },
    )
    expect(handlers.open({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    const navigate = (url: string): boolean => {
      let prevented = false
      handlers['will-navigate']({ preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(navigate('https://example.com/')).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    expect(navigate('app://convolab/other.html')).toBe(true)
    expect(navigate('app://elsewhere/index.html')).toBe(true)
    expect(navigate(seen.loaded)).toBe(false)
    let attached = false
    handlers['will-attach-webview']({ preventDefault: () => (attached = true) })
    expect(attached).toBe(true)
  })
})
