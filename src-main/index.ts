// Electron main: wires the window, the menu, the IPC bridge, the data folder and the engine
// together. The decisions live in plain modules (engine/, storage/, desktop/*: menu-template,
// trust, argv-files, title, close-guard, window-bounds, file-event); this file only connects them.

import { app, BrowserWindow, clipboard, crashReporter, dialog, ipcMain, Menu, nativeTheme, protocol, session, shell as desktopShell } from 'electron'
import { dirname, join } from 'node:path'
import type { Language } from '../core/errors'
import { ConvolabError } from '../core/errors'
import { messageOf } from '../messages'
import type { EngineEvent, MenuCommand, Settings } from '../contract'
import { IPC_EVENT, IPC_INVOKE } from '../contract'
import { contextMenuRequestSchema } from '../contract/page-report-schemas'
import { IPC_CONTEXT_MENU, IPC_PAGE_ERROR } from '../contract/page-reports'
import { Engine } from './engine/engine'
import { toEnvelope } from './engine/envelope'
import { builtPaths } from './built-paths'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolResponse } from './desktop/app-protocol'
import { argvFiles, purposeFor } from './desktop/argv-files'
import { CloseGuard, closeDialogButtons } from './desktop/close-guard'
import { editMenuTemplate, valueMenuTemplate } from './desktop/context-menu'
import { startDiagnostics } from './desktop/diagnostics'
import { OpenQueue, readFileEvent } from './desktop/file-event'
import { menuTemplate, type OpenPurpose } from './desktop/menu-template'
import { chooseFileToOpen } from './desktop/open-file'
import { hardenApp, hardenSession } from './desktop/security'
import { electronShell } from './desktop/shell'
import { isAppUrl } from './desktop/trust'
import { appUrl, createMainWindow } from './desktop/window'
import { boundsToSave } from './desktop/window-bounds'
import { logFolder, openLog } from './logging/log-file'
import { pageErrorWriter } from './logging/page-errors'
import { APP_FOLDER_NAME, dataFolder } from './storage/data-folder'
import { Storage } from './storage/storage'

app.enableSandbox()
hardenApp(appUrl)
// The page's own scheme (app://convolab/), registered before the app is ready as Electron requires.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

// One data folder for both hosts: Electron's userData is the folder browser mode computes.
app.setPath('userData', process.env.CONVOLAB_DATA_DIR ? dataFolder() : join(app.getPath('appData'), APP_FOLDER_NAME))
// The log file and crash reports in the data folder; from here on no error is silent. Nothing
// is written before the first message, so a second launch leaves the data folder alone.
const log = openLog(app.getPath('userData'), 'main')
const writePageError = pageErrorWriter(log.scoped('renderer'))

let window: BrowserWindow | null = null
let language: Language = 'en'
const guard = new CloseGuard()
const storage = new Storage({ dir: app.getPath('userData'), host: 'electron', log: log.logger })
const queue = new OpenQueue((path) => openPath(path))
const shell = electronShell({ window: () => window, language: () => language, guard, refresh: (settings) => refresh(settings) })
const engine = new Engine({ host: 'electron', storage, shell, log: log.logger })

function send(event: EngineEvent): void {
  window?.webContents.send(IPC_EVENT, event)
}

function report(error: unknown): void {
  const message = error instanceof ConvolabError ? messageOf(error, language) : String(error)
  if (!(error instanceof ConvolabError)) log.error('unexpected error', error)
  dialog.showErrorBox('Convolab', message)
}

/** Best effort: a data folder that cannot be written must not stop the app. */
function settings(): Settings | null {
  try {
    return storage.getSettings()
  } catch (error) {
    log.error('the data folder cannot be used', error)
    return null
  }
}

function remember(patch: Parameters<Storage['setSettings']>[0]): void {
  try {
    storage.setSettings(patch)
  } catch (error) {
    log.error('settings not saved', error)
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
  const template = menuTemplate(
    language,
    { command: onMenu, open: (purpose) => void chooseAndOpen(purpose), openRecent: (path) => queue.add([path]), openLogFolder },
    { recent },
  )
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

/** Help ▸ Open the Log Folder. */
function openLogFolder(): void {
  void desktopShell.openPath(logFolder(app.getPath('userData'))).then((problem) => {
    if (problem) log.warn(`the log folder could not be opened: ${problem}`)
  })
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
  opened.webContents.on('render-process-gone', (_event, details: { reason: string; exitCode?: number }) => {
    if (details.reason === 'clean-exit') return
    log.error(`the page's process ended (${details.reason}, exit code ${details.exitCode ?? 'unknown'}); it is reloaded`)
    try {
      storage.offerOwnAutosave()
    } catch (error) {
      log.error('the autosave could not be kept for recovery', error)
    }
    opened.webContents.reload()
  })
  opened.on('unresponsive', () => log.warn('the page stopped responding'))
  opened.on('responsive', () => log.info('the page responds again'))
  // Right-click in a field or on a selection: the editing menu. Map cells ask through IPC_CONTEXT_MENU.
  opened.webContents.on('context-menu', (_event, params: Parameters<typeof editMenuTemplate>[1]) => {
    const template = editMenuTemplate(language, params)
    if (template) Menu.buildFromTemplate(template).popup({ window: opened })
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

/** Only our own page, in our own window, may call the engine or report to main. */
function fromOurPage(event: Electron.IpcMainEvent | Electron.IpcMainInvokeEvent): boolean {
  return !!window && event.sender === window.webContents && isAppUrl(event.senderFrame?.url, appUrl())
}

ipcMain.handle(IPC_INVOKE, async (event, method: unknown, request: unknown) => {
  if (!fromOurPage(event)) {
    return toEnvelope(new ConvolabError('bad-request', { detail: 'the request did not come from the Convolab window' }))
  }
  return engine.handle(method, request)
})

ipcMain.on(IPC_PAGE_ERROR, (event, report: unknown) => {
  if (fromOurPage(event)) writePageError(report)
})

ipcMain.on(IPC_CONTEXT_MENU, (event, request: unknown) => {
  const parsed = contextMenuRequestSchema.safeParse(request)
  if (!fromOurPage(event) || !parsed.success || !window) return
  Menu.buildFromTemplate(valueMenuTemplate(language, parsed.data.value, (text) => clipboard.writeText(text))).popup({ window })
})

engine.onEvent(send)

// The GPU or another helper process of Electron died: the window may go blank, the log says why.
app.on('child-process-gone', (_event, details: { type: string; reason: string; exitCode: number }) => {
  if (details.reason !== 'clean-exit') log.error(`Electron's ${details.type} process ended (${details.reason}, exit code ${details.exitCode})`)
})

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

  startDiagnostics(app, crashReporter, log)

  app.whenReady().then(() => {
    log.info(`Convolab ${app.getVersion()} started (Electron ${process.versions.electron}, ${process.platform} ${process.arch})`)
    hardenSession(session.defaultSession, process.env.ELECTRON_RENDERER_URL)
    protocol.handle(APP_SCHEME, (request) => appProtocolResponse(builtPaths.renderer(), request))
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
