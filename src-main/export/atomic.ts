// Writes that land all at once or not at all: a staging name beside the destination, renamed
// into place at the end; on cancel or failure the staging is removed and the destination is as it was.

import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ConvolabError } from '../../core/errors'

export interface Staging {
  /** Where to write: a folder (for a sequence) or a file path (for one file). */
  path: string
  /** Moves the staged result to the destination. */
  commit(): Promise<void>
  /** Removes what was staged (after a cancel or a failure). */
  discard(): Promise<void>
}

async function stagingFolder(destination: string): Promise<string> {
  const parent = dirname(destination)
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new ConvolabError('file-missing', { name: parent, detail: 'no such folder' })
  }
  return mkdtemp(join(parent, `.${basename(destination)}.convolab-tmp-`))
}

/** A folder of files: files already in the destination folder are kept; same names are replaced. */
export async function stageFolder(destination: string): Promise<Staging> {
  if (existsSync(destination) && !statSync(destination).isDirectory()) {
    throw new ConvolabError('file-type', { name: destination, expected: 'a folder' })
  }
  const path = await stagingFolder(destination)
  return {
    path,
    async commit() {
      if (!existsSync(destination)) {
        await rename(path, destination)
        return
      }
      for (const name of (await readdir(path)).sort()) await rename(join(path, name), join(destination, name))
      await rm(path, { recursive: true, force: true })
    },
    discard: () => rm(path, { recursive: true, force: true }),
  }
}

export async function stageFile(destination: string): Promise<Staging> {
  if (existsSync(destination) && statSync(destination).isDirectory()) {
    throw new ConvolabError('file-type', { name: destination, expected: 'a file' })
  }
  const folder = await stagingFolder(destination)
  const path = join(folder, basename(destination))
  return {
    path,
    async commit() {
      await rename(path, destination)
      await rm(folder, { recursive: true, force: true })
    },
    discard: () => rm(folder, { recursive: true, force: true }),
  }
}
