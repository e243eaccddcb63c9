// Sessions, autosave, settings and recent files: the data folder's methods and their payloads.

import type { Session } from '../core/session'
import type { Method } from './methods'

// ─── Documents and the data folder ──────────────────────────────────────────────────────────
//
// Both hosts keep a data folder (Electron's userData; browser mode computes the same folder:
// ~/Library/Application Support/Convolab, %APPDATA%\Convolab, $XDG_CONFIG_HOME/Convolab or
// ~/.config/Convolab; CONVOLAB_DATA_DIR overrides it). Every write there is atomic.
//
//   settings.json                  Settings, { "version": 1, ... }
//   recent.json                    { "version": 1, "files": RecentFile[] }
//   runs/<pid>/run.json            this process's run: pid, boot time, start, document name/path
//   runs/<pid>/autosave.convolab   the latest autosave of that run
//   recovery/run.json, recovery/autosave.convolab
//                                  the newest run that did not end cleanly (killed, crashed)
//
// A run's folder is removed when the process ends cleanly; one that is left behind by a process
// that no longer runs becomes recovery/ at the next start (in Electron, a crashed page's run
// autosave becomes recovery/ at once, and the page is reloaded). The renderer, at start:
// recovery(); if not null, offer to restore it, then discardRecovery() (restored or declined).
// While working: autosave({ upload }) a few seconds after changes and at once after significant
// ones (loads, strokes ended); an unchanged file is neither checked nor rewritten.
//
// Saving streams (a 12-megapixel photo is never one giant message): the renderer writes the
// session file (core's sessionFileChunks, format 2) and sends it piece by piece with
// sessionChunk({ upload, index, bytes }) under an id of its own, index 0, 1, 2, ... in order,
// each piece at most SESSION_CHUNK_BYTES; then saveSession({ upload, ... }) or autosave({ upload,
// ... }) takes the whole upload (once: the upload is gone afterwards, used or refused). An
// upload left unfinished (a lost connection) is dropped when a newer one starts or the
// connection closes; at most MAX_OPEN_UPLOADS are kept at once. Paths: main writes only to .convolab files the user chose in a save dialog, opened
// (dialog, command line, OS, recent list) or saved before; other paths are refused.

/** Largest piece of a session upload. */
export const SESSION_CHUNK_BYTES = 4 * 1024 * 1024
/** Uploads a connection may have open at once (the oldest unfinished one is dropped). */
export const MAX_OPEN_UPLOADS = 2

/** One piece of a session file on its way to main. */
export interface SessionChunkRequest {
  /** The upload's id, chosen by the renderer (letters, digits, '-', 8 to 64 of them). */
  upload: string
  /** 0 for the first piece, then each next one; a gap or a repeat refuses the whole upload. */
  index: number
  bytes: Uint8Array
}

/**
 * The session file to save or autosave: a finished upload (the app), or a version-1 JSON text
 * (small hand-made sessions, tools). Checked with decodeSessionFile before anything is written.
 */
export type SessionSource = { upload: string; text?: undefined } | { text: string; upload?: undefined }

export type SaveSessionRequest = SessionSource & {
  /** An absolute .convolab path main handed out (see above). Absent: "Save As". */
  path?: string
  /** File name offered in the save dialog or for the download; ".convolab" is added when missing. */
  suggestedName?: string
}

/**
 * 'saved': written to `path` (atomically), added to the recent files.
 * 'download' (browser mode, no path): nothing is written; offer the file (the renderer's own upload,
 * or `text` when the request was a text) as a download named `name`.
 * 'cancelled': the user closed the save dialog.
 */
export type SaveSessionResult = { kind: 'saved'; path: string; name: string } | { kind: 'download'; name: string; text?: string } | { kind: 'cancelled' }

/**
 * A .convolab file by absolute path (read by main), or its bytes (a dropped file, an 'open-file'
 * event; pass the event's path so Save writes back to it).
 */
export type OpenSessionRequest = { path: string } | { bytes: Uint8Array; name: string; path?: string }

export interface OpenedSession {
  session: Session
  name: string
  /** Present when the session came from a file main knows; Save may write back to it. */
  path?: string
}

/**
 * The current session (see SessionSource). Main checks it with decodeSessionFile (about 0.3 s for a
 * 2048×2048 photo), so send it when it changed, not on a timer regardless.
 */
export type AutosaveRequest = SessionSource & {
  /** The document's name and path (as shown in the title), restored with it after a crash; a path main did not hand out is not kept. */
  name?: string
  path?: string
}

export interface AutosaveResult {
  /** False when the text was the same as the last autosave (nothing rewritten). */
  written: boolean
  /** When the autosave on disk was written, ms since 1970. */
  savedAt: number
}

export interface Recovery {
  session: Session
  savedAt: number
  name?: string
  path?: string
}

export type ThemeChoice = 'system' | 'light' | 'dark'
export type LanguageChoice = 'system' | 'en' | 'es'
export type FolderPurpose = 'session' | 'image' | 'kernel' | 'tensor' | 'export'

export interface WindowBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

export interface Settings {
  /** 'system' follows the operating system's (or browser's) language. */
  language: LanguageChoice
  theme: ThemeChoice
  /** A colour map name of the renderer (lower case, e.g. 'auto', 'viridis'). */
  colourMap: string
  /** Decimals shown in numbers, 0-12. */
  decimals: number
  /** Animation speed as a multiple of the normal speed, 0.1-10. */
  animationSpeed: number
  /** The folder each kind of file was last opened from or saved to (absolute paths). */
  lastFolders: Partial<Record<FolderPurpose, string>>
  /** The main window's last size and position (Electron); null before the first close. */
  window: WindowBounds | null
}

export type SettingsPatch = Partial<Omit<Settings, 'lastFolders'>> & { lastFolders?: Partial<Record<FolderPurpose, string>> }

export interface RecentFile {
  path: string
  name: string
  /** ms since 1970. */
  openedAt: number
}

export interface DocumentState {
  /** The document's name as the title shows it (the renderer says "Untitled" in its language). */
  name: string
  /** Unsaved changes: marks the title, and closing the window asks first. */
  dirty: boolean
}

/**
 * The data folder's methods, by name. Methods without a parameter take `undefined` and refuse
 * anything else.
 */
export interface DocumentMethods {
  /** Receives one piece of a session file; answers how many bytes the upload holds so far. */
  sessionChunk: Method<SessionChunkRequest, { received: number }>
  /** Writes a session file, or (browser mode, no path) hands the text back for a download. */
  saveSession: Method<SaveSessionRequest, SaveSessionResult>
  /** Reads and checks a .convolab session; a newer or corrupt one is refused and nothing changes. */
  openSession: Method<OpenSessionRequest, OpenedSession>
  /** Keeps the current session in the data folder so a crash or a kill loses nothing. */
  autosave: Method<AutosaveRequest, AutosaveResult>
  /** The autosaved session of a run that did not end cleanly, or null. */
  recovery: Method<undefined, Recovery | null>
  /** Forgets the recovered session (after restoring it or declining). */
  discardRecovery: Method<undefined, void>
  getSettings: Method<undefined, Settings>
  /** Merges a partial change (unknown keys dropped, bad values refused) and returns all settings. */
  setSettings: Method<SettingsPatch, Settings>
  /** Most recent first; files that no longer exist are left out. */
  recentFiles: Method<undefined, RecentFile[]>
  /** Adds a file this run opened or saved (a path main handed out) to the recent list. */
  addRecentFile: Method<string, RecentFile[]>
  /** The renderer says which document it shows and whether it has unsaved changes. */
  setDocumentState: Method<DocumentState, { title: string }>
}
