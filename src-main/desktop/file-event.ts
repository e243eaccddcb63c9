// A file to show in the window, read from disk into the 'open-file' event the renderer handles
// (bytes, name, purpose, path). No Electron import, so it is tested in Node.

import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { ConvolabError } from '../../core/errors'
import type { EngineEvent } from '../../contract'
import { LIMITS } from '../../contract'
import type { OpenPurpose } from './menu-template'

export type OpenFileEvent = Extract<EngineEvent, { type: 'open-file' }>

/** Reads `path` (refusing a missing file, a folder or one over the size limit with a ConvolabError). */
export async function readFileEvent(path: string, purpose: OpenPurpose): Promise<OpenFileEvent> {
  const name = basename(path)
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch (error) {
    throw new ConvolabError('file-missing', { name, detail: (error as NodeJS.ErrnoException).code ?? (error as Error).message })
  }
  if (size > LIMITS.maxFileBytes) throw new ConvolabError('file-too-large', { name, size, limit: LIMITS.maxFileBytes })
  const bytes = new Uint8Array(await readFile(path))
  return { type: 'open-file', name, bytes, purpose, path }
}

/**
 * Files to open, one after another in the order asked (a session then an image: the image is
 * read last). Files asked for before the page can take them (command line, macOS open-file at
 * launch) wait until it has loaded.
 */
export class OpenQueue {
  private waiting: string[] = []
  private ready = false
  private chain: Promise<void> = Promise.resolve()

  constructor(private readonly open: (path: string) => Promise<void> | void) {}

  add(paths: readonly string[]): void {
    if (this.ready) for (const path of paths) this.enqueue(path)
    else this.waiting.push(...paths.filter((path) => !this.waiting.includes(path)))
  }

  /** The page has loaded and listens: open what waited. */
  pageReady(): void {
    this.ready = true
    const waiting = this.waiting
    this.waiting = []
    for (const path of waiting) this.enqueue(path)
  }

  /** Resolves when every file asked for so far has been handled. */
  settled(): Promise<void> {
    return this.chain
  }

  private enqueue(path: string): void {
    // A failure is the opener's to report; the next file still opens.
    this.chain = this.chain.then(() => this.open(path)).catch(() => {})
  }
}
