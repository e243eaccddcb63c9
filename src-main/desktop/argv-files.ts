// Which command-line arguments are files to open, and what each one is for. A launch's argv
// holds the executable, Electron's and Chromium's switches and (while developing) the app
// folder; only arguments naming a file Convolab opens are kept. No Electron import.

import { extname, isAbsolute, resolve } from 'node:path'

export type FilePurpose = 'session' | 'image' | 'tensor'

const PURPOSES: Record<string, FilePurpose> = {
  '.convolab': 'session',
  '.png': 'image',
  '.jpg': 'image',
  '.jpeg': 'image',
  '.webp': 'image',
  '.gif': 'image',
  '.bmp': 'image',
  '.npy': 'tensor',
}

/** What a file is opened as, from its extension; null for files Convolab does not open. */
export function purposeFor(path: string): FilePurpose | null {
  return PURPOSES[extname(path).toLowerCase()] ?? null
}

/** Absolute paths of the files named in `argv` (relative ones resolved from `cwd`), in order, once each. */
export function argvFiles(argv: readonly string[], cwd: string): string[] {
  const files: string[] = []
  // argv[0] is the executable; a switch's value is joined to it with '=' by Chromium and Electron.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !purposeFor(arg)) continue
    const path = isAbsolute(arg) ? arg : resolve(cwd, arg)
    if (!files.includes(path)) files.push(path)
  }
  return files
}
