// What only a desktop window does for sessions: the native save dialog, the title and edited
// mark, the OS's recent documents, the native theme. Thin glue over CloseGuard and the window.

import { app, type BrowserWindow, dialog, nativeTheme } from 'electron'
import { join } from 'node:path'
import type { Language } from '../../core/errors'
import type { DocumentState, Settings } from '../../contract'
import type { DocumentShell } from '../storage/documents'
import type { CloseGuard } from './close-guard'
import { openFilters } from './menu-template'

export interface ShellContext {
  window(): BrowserWindow | null
  language(): Language
  guard: CloseGuard
  /** Settings changed (the menu follows the language, the recent list). */
  refresh(settings?: Settings): void
}

export function electronShell(context: ShellContext): DocumentShell {
  return {
    async chooseSavePath(suggestedName, folder) {
      const window = context.window()
      const options = { defaultPath: folder ? join(folder, suggestedName) : suggestedName, filters: openFilters('session', context.language()) }
      const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
      return choice.canceled || !choice.filePath ? null : choice.filePath
    },
    documentChanged(state: DocumentState, title: string) {
      context.guard.setDirty(state.dirty)
      const window = context.window()
      if (!window) return
      window.setTitle(title)
      if (process.platform === 'darwin') window.setDocumentEdited(state.dirty)
    },
    sessionSaved(path) {
      // Closing was waiting for this save ("Save" in the close dialog).
      if (context.guard.saveEnded(path !== null) === 'close') context.window()?.close()
    },
    addRecentDocument(path) {
      app.addRecentDocument(path)
      context.refresh()
    },
    settingsChanged(settings) {
      nativeTheme.themeSource = settings.theme
      context.refresh(settings)
    },
  }
}
