// The native open dialog of the File menu, starting in the folder last used for that purpose.

import { type BrowserWindow, dialog } from 'electron'
import type { Language } from '../../core/errors'
import { openFilters, type OpenPurpose } from './menu-template'

/** The chosen file's path, or null when the dialog was cancelled. */
export async function chooseFileToOpen(window: BrowserWindow, purpose: OpenPurpose, language: Language, folder: string | undefined): Promise<string | null> {
  const choice = await dialog.showOpenDialog(window, {
    properties: ['openFile'],
    filters: openFilters(purpose, language),
    ...(folder ? { defaultPath: folder } : {}),
  })
  return choice.canceled ? null : (choice.filePaths[0] ?? null)
}
