// Sessions and the data folder as engine methods: save and open .convolab files, autosave and
// recovery, settings, recent files, the document state. Plain Node: what only a desktop window
// can do (a save dialog, the title, the OS's recent documents) comes from a DocumentShell, which
// Electron provides and browser mode does not.

import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import { ConvolabError } from '../../core/errors'
import { decodeSessionFile } from '../../core/session-file'
import type {
  AutosaveRequest,
  AutosaveResult,
  DocumentState,
  OpenedSession,
  OpenSessionRequest,
  Recovery,
  SaveSessionRequest,
  SaveSessionResult,
  SessionChunkRequest,
  SessionSource,
  Settings,
} from '../../contract'
import { LIMITS } from '../../contract'
import { writeFileAtomic } from './atomic-file'
import { SessionUploads } from './session-uploads'
import { isSessionPath, type Storage } from './storage'
import { titleFor } from '../desktop/title'

/** What a host with native windows adds (Electron); every method is optional glue. */
export interface DocumentShell {
  /** A native save dialog; null when the user cancels. */
  chooseSavePath(suggestedName: string, folder: string | undefined): Promise<string | null>
  /** The renderer's document changed name or unsaved state (title, close guard). */
  documentChanged(state: DocumentState, title: string): void
  /** A session was saved to `path`, or the save ended without writing (null). */
  sessionSaved(path: string | null): void
  /** The OS's own recent documents list (jump list, Dock menu). */
  addRecentDocument(path: string): void
  /** Settings changed (menu language, native theme). */
  settingsChanged(settings: Settings): void
}

export const UNTITLED = 'untitled.convolab'

/** A file name for a session: no folders, and ending in .convolab. */
export function sessionFileName(suggested: string | undefined): string {
  const name = basename((suggested ?? '').trim()) || UNTITLED
  return isSessionPath(name) ? name : `${name}.convolab`
}

export class Documents {
  /** Session files arriving in pieces from this connection. */
  private readonly uploads = new SessionUploads()

  constructor(
    private readonly storage: Storage,
    private readonly shell: DocumentShell | null,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  sessionChunk(request: SessionChunkRequest): { received: number } {
    return this.uploads.add(request)
  }

  /** Drops unfinished uploads (the connection closed). */
  close(): void {
    this.uploads.clear()
  }

  /** The file a save or autosave names: a finished upload, or a version-1 text as UTF-8. */
  private sessionBytes(source: SessionSource): Uint8Array {
    return source.upload !== undefined ? this.uploads.take(source.upload) : new TextEncoder().encode(source.text)
  }

  async saveSession(request: SaveSessionRequest): Promise<SaveSessionResult> {
    let result: SaveSessionResult
    try {
      result = await this.save(request)
    } catch (error) {
      // A close waiting for this save must not close the window on a later save.
      this.shell?.sessionSaved(null)
      throw error
    }
    if (result.kind === 'saved') this.shell?.sessionSaved(result.path)
    else if (result.kind === 'cancelled') this.shell?.sessionSaved(null)
    return result
  }

  private async save(request: SaveSessionRequest): Promise<SaveSessionResult> {
    this.storage.begin()
    const bytes = this.sessionBytes(request)
    // Never write what could not be opened again.
    decodeSessionFile(bytes)
    let path = request.path
    if (path === undefined) {
      const name = sessionFileName(request.suggestedName)
      if (!this.shell) return request.text !== undefined ? { kind: 'download', name, text: request.text } : { kind: 'download', name }
      const chosen = await this.shell.chooseSavePath(name, this.storage.getSettings().lastFolders.session)
      if (!chosen) return { kind: 'cancelled' }
      path = isSessionPath(chosen) ? chosen : `${chosen}.convolab`
      this.storage.allowPath(path)
    }
    const full = resolve(path)
    this.checkWritable(full)
    await writeFileAtomic(full, bytes).catch((error: NodeJS.ErrnoException) => {
      throw new ConvolabError('file-write', { name: basename(full), detail: error.code ?? error.message })
    })
    this.remember(full)
    return { kind: 'saved', path: full, name: basename(full) }
  }

  async openSession(request: OpenSessionRequest): Promise<OpenedSession> {
    this.storage.begin()
    let bytes: Uint8Array
    let name: string
    let path: string | undefined
    if ('bytes' in request) {
      bytes = request.bytes
      name = request.name
      if (request.path !== undefined) {
        path = resolve(request.path)
        if (!this.storage.isKnownPath(path)) throw new ConvolabError('path-not-allowed', { name: basename(path) })
      }
    } else {
      path = resolve(request.path)
      name = basename(path)
      bytes = await readSessionFile(path)
    }
    if (!isSessionPath(name)) throw new ConvolabError('session-extension', { name })
    // Refused sessions change nothing: the recent list and folders are updated only after this.
    const session = decodeSessionFile(bytes)
    if (path) this.remember(path)
    return path ? { session, name, path } : { session, name }
  }

  autosave(request: AutosaveRequest): Promise<AutosaveResult> {
    const bytes = this.sessionBytes(request)
    // A session that would not open again is not worth keeping (an unchanged one was checked before).
    if (!this.storage.isLastAutosave(bytes)) decodeSessionFile(bytes)
    return this.storage.autosave(bytes, { name: request.name, path: request.path })
  }

  /** The recovered session; a damaged one is an error the renderer shows (discardRecovery removes it). */
  recovery(): Recovery | null {
    const recovered = this.storage.recovery()
    if (!recovered) return null
    const { bytes, ...rest } = recovered
    return { session: decodeSessionFile(bytes), ...rest }
  }

  setSettings(patch: Parameters<Storage['setSettings']>[0]): Settings {
    const settings = this.storage.setSettings(patch)
    this.shell?.settingsChanged(settings)
    return settings
  }

  setDocumentState(state: DocumentState): { title: string } {
    const title = titleFor(state.name, state.dirty, this.platform)
    this.shell?.documentChanged(state, title)
    return { title }
  }

  addRecentFile(path: string): ReturnType<Storage['addRecentFile']> {
    const files = this.storage.addRecentFile(path)
    this.shell?.addRecentDocument(resolve(path))
    return files
  }

  /** A session path the user saved to or opened: known, recent, and its folder remembered. */
  private remember(path: string): void {
    this.storage.allowPath(path)
    this.storage.addRecentFile(path)
    this.storage.setSettings({ lastFolders: { session: dirname(path) } })
    this.shell?.addRecentDocument(path)
  }

  private checkWritable(path: string): void {
    if (!isAbsolute(path)) throw new ConvolabError('bad-request', { detail: 'saveSession: path: an absolute path' })
    if (!isSessionPath(path)) throw new ConvolabError('session-extension', { name: basename(path) })
    if (!this.storage.isKnownPath(path)) throw new ConvolabError('path-not-allowed', { name: basename(path) })
  }
}

/** A .convolab file from disk, within the size limit. */
export async function readSessionFile(path: string): Promise<Uint8Array> {
  const name = basename(path)
  if (!isSessionPath(path)) throw new ConvolabError('session-extension', { name })
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    size = info.size
  } catch (error) {
    throw new ConvolabError('file-missing', { name, detail: (error as NodeJS.ErrnoException).code ?? (error as Error).message })
  }
  if (size > LIMITS.maxFileBytes) throw new ConvolabError('file-too-large', { name, size, limit: LIMITS.maxFileBytes })
  return new Uint8Array(await readFile(path))
}
