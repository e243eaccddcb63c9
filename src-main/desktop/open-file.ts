// The native open dialog of the File menu: read the chosen file and hand it to the renderer.

import { type BrowserWindow, dialog } from 'electron'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Language } from '../../core/errors'
import { ConvolabError } from '../../core/errors'
import type { EngineEvent } from '../../contract'
import { IPC_EVENT, LIMITS } from '../../contract'
import { openFilters, type OpenPurpose } from './menu-template'

export async function openFileInto(window: BrowserWindow, purpose: OpenPurpose, language: Language): Promise<void> {
  const choice = await dialog.showOpenDialog(window, { properties: ['openFile'], filters: openFilters(purpose, language) })
  const path = choice.filePaths[0]
  if (choice.canceled || !path) return
  const name = basename(path)
  const size = (await stat(path)).size
  if (size > LIMITS.maxFileBytes) {
    const error = new ConvolabError('file-too-large', { name, size, limit: LIMITS.maxFileBytes })
    dialog.showErrorBox('Convolab', error.messageIn(language))
    return
  }
  const bytes = new Uint8Array(await readFile(path))
  const event: EngineEvent = { type: 'open-file', name, bytes, purpose }
  window.webContents.send(IPC_EVENT, event)
}
