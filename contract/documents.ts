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
// While working: autosave({ text }) a few seconds after changes and at once after significant
// ones (loads, strokes ended); an unchanged text is neither parsed nor rewritten. Paths: main writes only to .convolab files the user chose in a save dialog, opened
// (dialog, command line, OS, recent list) or saved before; other paths are refused.

export interface SaveSessionRequest {
  /** The session as serializeSession writes it; checked with parseSession before anything is written. */
  text: string
  /** An absolute .convolab path main handed out (see above). Absent: "Save As". */
  path?: string
  /** File name offered in the save dialog or for the download; ".convolab" is added when missing. */
  suggestedName?: string
}

/**
 * 'saved': written to `path` (atomically), added to the recent files.
 * 'download' (browser mode, no path): nothing is written; offer `text` as a download named `name`.
 * 'cancelled': the user closed the save dialog.
 */
export type SaveSessionResult = { kind: 'saved'; path: string; name: string } | { kind: 'download'; name: string; text: string } | { kind: 'cancelled' }

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

export interface AutosaveRequest {
  /**
   * The current session as serializeSession writes it. Main checks it with parseSession (about
   * 130 ms for a 1024×1024 input), so send it when it changed, not on a timer regardless.
   */
  text: string
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
