// Electron main: wires the window, the menu, the IPC bridge and the engine together.
// The logic lives in plain modules (engine/, desktop/menu-template.ts, desktop/trust.ts).

import { app, BrowserWindow, ipcMain, Menu, session } from 'electron'
import type { Language } from '../core/errors'
import type { EngineEvent } from '../contract'
import { IPC_EVENT, IPC_INVOKE } from '../contract'
import { Engine } from './engine/engine'
import { toEnvelope } from './engine/envelope'
import { menuTemplate } from './desktop/menu-template'
import { openFileInto } from './desktop/open-file'
import { hardenApp, hardenSession } from './desktop/security'
import { isAppUrl } from './desktop/trust'
import { appUrl, createMainWindow } from './desktop/window'
import { ConvolabError } from '../core/errors'

app.enableSandbox()
hardenApp(appUrl)

let window: BrowserWindow | null = null
let language: Language = 'en'
const engine = new Engine({ host: 'electron' })

function send(event: EngineEvent): void {
  window?.webContents.send(IPC_EVENT, event)
}

function installMenu(): void {
  const template = menuTemplate(language, {
    command: (command) => {
      // The menu follows the language chosen from it.
      if (command === 'language-en' || command === 'language-es') {
        language = command === 'language-es' ? 'es' : 'en'
        installMenu()
      }
      send({ type: 'menu', command })
    },
    open: (purpose) => {
      if (window) void openFileInto(window, purpose, language).catch((error) => console.error('convolab: open failed', error))
    },
  })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

ipcMain.handle(IPC_INVOKE, async (event, method: unknown, request: unknown) => {
  // Only our own page, in our own window, may call the engine.
  if (!window || event.sender !== window.webContents || !isAppUrl(event.senderFrame?.url, appUrl())) {
    return toEnvelope(new ConvolabError('bad-request', { detail: 'the request did not come from the Convolab window' }))
  }
  return engine.handle(method, request)
})

engine.onEvent(send)

app.whenReady().then(() => {
  language = app.getLocale().toLowerCase().startsWith('es') ? 'es' : 'en'
  hardenSession(session.defaultSession, process.env.ELECTRON_RENDERER_URL)
  installMenu()
  window = createMainWindow()
  window.on('closed', () => {
    window = null
  })
})

app.on('window-all-closed', () => {
  engine.close()
  app.quit()
})
