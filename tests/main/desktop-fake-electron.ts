// A stand-in for the 'electron' module that records what the main bundle does with it, for the
// desktop and security-checklist tests (the Electron runtime cannot run here). Not a test itself.

import { createRequire, Module } from 'node:module'
import { realpathSync } from 'node:fs'
import { join } from 'node:path'

type Listener = (...args: unknown[]) => unknown

class Emitter {
  readonly listeners: Record<string, Listener[]> = {}
  on(name: string, listener: Listener): this {
    ;(this.listeners[name] ??= []).push(listener)
    return this
  }
  once(name: string, listener: Listener): this {
    return this.on(name, listener)
  }
  emit(name: string, ...args: unknown[]): unknown[] {
    return (this.listeners[name] ?? []).map((listener) => listener(...args))
  }
}

/** An event whose preventDefault is recorded. */
export function electronEvent(): { preventDefault(): void; prevented: boolean } {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) }
  return event
}

export interface FakeOptions {
  locale?: string
  /** What requestSingleInstanceLock answers (false: another Convolab runs). */
  primary?: boolean
  /** Index of the button the next message boxes answer with. */
  answers?: number[]
  /** What the next save dialogs answer (null: cancelled). */
  savePaths?: Array<string | null>
}

export function fakeElectron(options: FakeOptions = {}) {
  const seen = {
    sandbox: false,
    quit: 0,
    singleInstanceAsked: false,
    paths: {} as Record<string, string>,
    windows: [] as FakeWindow[],
    sent: [] as unknown[],
    menus: [] as Array<Array<Record<string, unknown>>>,
    errors: [] as string[],
    messageBoxes: [] as Array<Record<string, unknown>>,
    saveDialogs: [] as Array<Record<string, unknown>>,
    recentDocuments: [] as string[],
    themeSource: 'system',
    ipcHandlers: {} as Record<string, Listener>,
    ipcListeners: [] as string[],
    /** One-way IPC listeners (ipcMain.on), by channel. */
    ipcOn: {} as Record<string, Listener>,
    /** Menus popped up (context menus), as their templates. */
    popups: [] as Array<Array<Record<string, unknown>>>,
    clipboard: [] as string[],
    openedPaths: [] as string[],
    crashReporter: null as null | Record<string, unknown>,
    privilegedSchemes: [] as unknown[],
    protocolHandlers: {} as Record<string, (request: { url: string; method?: string }) => Promise<Response>>,
    permissionRequests: [] as Array<{ permission: string; granted: boolean }>,
    permissionChecks: [] as boolean[],
    requestFilter: null as null | ((details: { url: string }) => boolean),
    headers: null as null | ((headers: Record<string, string[]>) => Record<string, string[]>),
    contentsCreated: [] as Listener[],
  }
  const answers = [...(options.answers ?? [])]
  const savePaths = [...(options.savePaths ?? [])]

  class FakeWebContents extends Emitter {
    reloaded = 0
    reload(): void {
      this.reloaded++
    }
    send(_channel: string, event: unknown): void {
      seen.sent.push(event)
    }
  }

  class FakeWindow extends Emitter {
    readonly webContents = new FakeWebContents()
    title: string
    edited = false
    shown = false
    closed = false
    focused = 0
    loaded = ''
    constructor(readonly opts: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
      super()
      this.title = String(opts.title ?? '')
      seen.windows.push(this)
    }
    show() {
      this.shown = true
    }
    loadURL(url: string) {
      this.loaded = url
      return Promise.resolve()
    }
    setTitle(title: string) {
      this.title = title
    }
    setDocumentEdited(edited: boolean) {
      this.edited = edited
    }
    maximize() {}
    isMaximized() {
      return false
    }
    isMinimized() {
      return false
    }
    restore() {}
    focus() {
      this.focused++
    }
    getNormalBounds() {
      return { x: 40, y: 30, width: 1100, height: 700 }
    }
    /** Like Electron: 'close' may be prevented; otherwise the window closes. */
    close() {
      const event = electronEvent()
      this.emit('close', event)
      if (event.prevented) return
      this.closed = true
      this.emit('closed')
    }
  }

  const app = new (class extends Emitter {
    enableSandbox() {
      seen.sandbox = true
    }
    whenReady() {
      return Promise.resolve()
    }
    getLocale() {
      return options.locale ?? 'en-US'
    }
    quit() {
      seen.quit++
    }
    setPath(name: string, path: string) {
      seen.paths[name] = path
    }
    getPath(name: string) {
      return seen.paths[name] ?? `/nonexistent-test-folder/${name}`
    }
    requestSingleInstanceLock() {
      seen.singleInstanceAsked = true
      return options.primary ?? true
    }
    addRecentDocument(path: string) {
      seen.recentDocuments.push(path)
    }
    getVersion() {
      return '0.0.0-test'
    }
  })()
  // web-contents-created listeners are kept for the navigation checks.
  const on = app.on.bind(app)
  app.on = (name: string, listener: Listener) => {
    if (name === 'web-contents-created') seen.contentsCreated.push(listener)
    return on(name, listener)
  }

  const module = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, handler: Listener) => (seen.ipcHandlers[channel] = handler),
      on: (channel: string, listener: Listener) => {
        seen.ipcListeners.push(channel)
        seen.ipcOn[channel] = listener
      },
      once: (channel: string) => seen.ipcListeners.push(channel),
      handleOnce: (channel: string) => seen.ipcListeners.push(channel),
    },
    Menu: {
      // The template itself stands for the menu; popup records it as a shown context menu.
      buildFromTemplate: (template: Array<Record<string, unknown>>) => Object.assign(template, { popup: () => seen.popups.push(template) }),
      setApplicationMenu: (template: Array<Record<string, unknown>>) => seen.menus.push(template),
    },
    nativeTheme: {
      set themeSource(value: string) {
        seen.themeSource = value
      },
      get themeSource() {
        return seen.themeSource
      },
    },
    clipboard: { writeText: (text: string) => seen.clipboard.push(text) },
    shell: {
      openPath: async (path: string) => {
        seen.openedPaths.push(path)
        return ''
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => seen.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: { url: string; method?: string }) => Promise<Response>) => (seen.protocolHandlers[scheme] = handler),
    },
    crashReporter: {
      start: (crashOptions: Record<string, unknown>) => (seen.crashReporter = crashOptions),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (c: unknown, p: string, cb: (ok: boolean) => void) => void) => {
          for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
            handler(null, permission, (granted) => seen.permissionRequests.push({ permission, granted }))
          }
        },
        setPermissionCheckHandler: (handler: () => boolean) => seen.permissionChecks.push(handler()),
        webRequest: {
          onBeforeRequest: (_filter: unknown, handler: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) => {
            seen.requestFilter = (details) => {
              let cancelled = false
              handler(details, (r) => (cancelled = r.cancel))
              return cancelled
            }
          },
          onHeadersReceived: (
            handler: (d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void,
          ) => {
            seen.headers = (responseHeaders) => {
              let out: Record<string, string[]> = {}
              handler({ responseHeaders }, (r) => (out = r.responseHeaders))
              return out
            }
          },
        },
      },
    },
    dialog: {
      showMessageBox: async (_window: unknown, box: Record<string, unknown>) => {
        seen.messageBoxes.push(box)
        return { response: answers.shift() ?? 2 }
      },
      showSaveDialog: async (_window: unknown, dialogOptions: Record<string, unknown>) => {
        seen.saveDialogs.push(dialogOptions)
        const path = savePaths.shift() ?? null
        return path ? { canceled: false, filePath: path } : { canceled: true, filePath: '' }
      },
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showErrorBox: (_title: string, message: string) => seen.errors.push(message),
    },
  }
  return { module, seen }
}

export type FakeElectron = ReturnType<typeof fakeElectron>

/** Loads the built main (out/main/index.js) with `fake` as its 'electron', fresh each time. */
export async function loadMain(out: string, fake: FakeElectron): Promise<void> {
  const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown }
  const load = moduleWithLoad._load
  const require_ = createRequire(__filename)
  const entry = join(out, 'main', 'index.js')
  // The cache holds real paths (node_modules may be a link): compare with the real folder.
  const builtMain = join(realpathSync(out), 'main')
  for (const key of Object.keys(require_.cache)) if (key.startsWith(builtMain)) delete require_.cache[key]
  moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fake.module : load.call(this, request, ...rest)
  }
  try {
    require_(entry)
  } finally {
    moduleWithLoad._load = load
  }
  // whenReady() resolves at once: let its callbacks run.
  await new Promise((resolve) => setTimeout(resolve, 50))
}
