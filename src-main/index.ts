// Electron main: wires the window, the menu, the IPC bridge, the data folder and the engine
// together. The decisions live in plain modules (engine/, storage/, desktop/*: menu-template,
// trust, argv-files, title, close-guard, window-bounds, file-event); this file only connects them.

import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, session } from 'electron'
import { dirname, join } from 'node:path'
import type { Language } from '../core/errors'
import { ConvolabError } from '../core/errors'
import type { EngineEvent, MenuCommand, Settings } from '../contract'
import { IPC_EVENT, IPC_INVOKE } from '../contract'
import { Engine } from './engine/engine'
import { toEnvelope } from './engine/envelope'
import { argvFiles, purposeFor } from './desktop/argv-files'
import { CloseGuard, closeDialogButtons } from './desktop/close-guard'
import { OpenQueue, readFileEvent } from './desktop/file-event'
import { menuTemplate, type OpenPurpose } from './desktop/menu-template'
import { chooseFileToOpen } from './desktop/open-file'
import { hardenApp, hardenSession } from './desktop/security'
import { electronShell } from './desktop/shell'
import { isAppUrl } from './desktop/trust'
import { appUrl, createMainWindow } from './desktop/window'
import { boundsToSave } from './desktop/window-bounds'
import { APP_FOLDER_NAME, dataFolder } from './storage/data-folder'
import { Storage } from './storage/storage'

app.enableSandbox()
hardenApp(appUrl)

// One data folder for both hosts: Electron's userData is the folder browser mode computes.
app.setPath('userData', process.env.CONVOLAB_DATA_DIR ? dataFolder() : join(app.getPath('appData'), APP_FOLDER_NAME))

let window: BrowserWindow | null = null
let language: Language = 'en'
const guard = new CloseGuard()
const storage = new Storage({ dir: app.getPath('userData'), host: 'electron' })
const queue = new OpenQueue((path) => openPath(path))
const shell = electronShell({ window: () => window, language: () => language, guard, refresh: (settings) => refresh(settings) })
const engine = new Engine({ host: 'electron', storage, shell })

function send(event: EngineEvent): void {
  window?.webContents.send(IPC_EVENT, event)
}

function report(error: unknown): void {
  const message = error instanceof ConvolabError ? error.messageIn(language) : String(error)
  if (!(error instanceof ConvolabError)) console.error('convolab:', error)
  dialog.showErrorBox('Convolab', message)
}

/** Best effort: a data folder that cannot be written must not stop the app. */
function settings(): Settings | null {
  try {
    return storage.getSettings()
  } catch (error) {
    console.error('convolab: the data folder cannot be used', error)
    return null
  }
}

function remember(patch: Parameters<Storage['setSettings']>[0]): void {
  try {
    storage.setSettings(patch)
  } catch (error) {
    console.error('convolab: settings not saved', error)
  }
}

function languageOf(current: Settings | null): Language {
  const chosen = current?.language ?? 'system'
  if (chosen !== 'system') return chosen
  return app.getLocale().toLowerCase().startsWith('es') ? 'es' : 'en'
}

/** The menu follows the language and the recent files. */
function refresh(current: Settings | null = settings()): void {
  language = languageOf(current)
  let recent: ReturnType<Storage['recentFiles']> = []
  try {
    recent = storage.recentFiles()
  } catch {
    // No data folder: an empty Open Recent.
  }
  const template = menuTemplate(language, { command: onMenu, open: (purpose) => void chooseAndOpen(purpose), openRecent: (path) => queue.add([path]) }, { recent })
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

function onMenu(command: MenuCommand): void {
  if (command === 'language-en' || command === 'language-es') remember({ language: command === 'language-es' ? 'es' : 'en' })
  if (command === 'theme-light' || command === 'theme-dark' || command === 'theme-system') {
    const theme = command === 'theme-light' ? 'light' : command === 'theme-dark' ? 'dark' : 'system'
    remember({ theme })
    nativeTheme.themeSource = theme
  }
  if (command.startsWith('language-')) refresh()
  send({ type: 'menu', command })
}

async function chooseAndOpen(purpose: OpenPurpose): Promise<void> {
  if (!window) return
  const path = await chooseFileToOpen(window, purpose, language, settings()?.lastFolders[purpose])
  if (!path) return
  remember({ lastFolders: { [purpose]: dirname(path) } })
  await openPath(path, purpose)
}

/** Sends a file to the page; files from the command line, the OS or Open Recent take their purpose from the extension. */
async function openPath(path: string, purpose: OpenPurpose | null = purposeFor(path)): Promise<void> {
  if (!purpose) return
  try {
    const event = await readFileEvent(path, purpose)
    // The user opened it: the page may save back to it (sessions) through the engine.
    storage.allowPath(path)
    send(event)
  } catch (error) {
    report(error)
  }
}

function createWindow(): void {
  window = createMainWindow(settings()?.window ?? null)
  const opened = window
  opened.webContents.on('did-finish-load', () => queue.pageReady())
  // The page crashed but main lives on: its last autosave becomes the recovery the reloaded page offers.
  opened.webContents.on('render-process-gone', (_event, details: { reason: string }) => {
    if (details.reason === 'clean-exit') return
    try {
      storage.offerOwnAutosave()
    } catch (error) {
      console.error('convolab: the autosave could not be kept for recovery', error)
    }
    opened.webContents.reload()
  })
  opened.on('close', (event) => {
    if (guard.closeRequested() === 'close') {
      remember({ window: boundsToSave(opened.getNormalBounds(), opened.isMaximized()) })
      return
    }
    event.preventDefault()
    void askBeforeClosing(opened)
  })
  opened.on('closed', () => {
    window = null
  })
}

/** Unsaved changes: Save / Don't Save / Cancel. Save asks the page to save, and the window closes once it has. */
async function askBeforeClosing(opened: BrowserWindow): Promise<void> {
  const question = closeDialogButtons(language)
  const { response } = await dialog.showMessageBox(opened, {
    type: 'question',
    buttons: question.buttons,
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    message: question.message,
    detail: question.detail,
  })
  const action = guard.answered(question.answers[response] ?? 'cancel')
  if (action === 'close') opened.close()
  else if (action === 'save') send({ type: 'menu', command: 'save' })
}

ipcMain.handle(IPC_INVOKE, async (event, method: unknown, request: unknown) => {
  // Only our own page, in our own window, may call the engine.
  if (!window || event.sender !== window.webContents || !isAppUrl(event.senderFrame?.url, appUrl())) {
    return toEnvelope(new ConvolabError('bad-request', { detail: 'the request did not come from the Convolab window' }))
  }
  return engine.handle(method, request)
})

engine.onEvent(send)

// macOS hands files to the running app (Finder, Dock) with this event, even before it is ready.
app.on('open-file', (event, path) => {
  event.preventDefault()
  queue.add([path])
})

// One Convolab at a time: a second launch hands its files to this one and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    queue.add(argvFiles(argv, workingDirectory))
    if (window) {
      if (window.isMinimized()) window.restore()
      window.focus()
    }
  })

  app.whenReady().then(() => {
    hardenSession(session.defaultSession, process.env.ELECTRON_RENDERER_URL)
    const current = settings()
    if (current) nativeTheme.themeSource = current.theme
    refresh(current)
    createWindow()
    queue.add(argvFiles(process.argv, process.cwd()))
  })

  // A clean exit: the next start offers no recovery.
  app.on('will-quit', () => storage.end())
}

app.on('window-all-closed', () => {
  engine.close()
  app.quit()
})
