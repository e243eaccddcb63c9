// Writes that land whole or not at all: a temporary file in the same folder is written, flushed
// to disk (fsync) and renamed over the destination, so a crash or a kill mid-write leaves either
// the old file or the new one, never a mix. Same folder, because rename is only atomic within
// one file system.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'

/** The temporary name beside `path`; starts with a dot and ends in .tmp so folders can skip it. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
}

export function isTemporaryName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp')
}

/** Makes the rename itself durable where the platform allows syncing a folder (not Windows). */
function syncFolder(folder: string): void {
  if (process.platform === 'win32') return
  let fd: number | null = null
  try {
    fd = openSync(folder, 'r')
    fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(path)
  try {
    const file = await open(temporary, 'w', 0o600)
    try {
      await file.writeFile(data)
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  syncFolder(dirname(path))
}

/** The same, blocking: for small files and for the last writes before the process exits. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temporary = temporaryPath(path)
  try {
    const fd = openSync(temporary, 'w', 0o600)
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      let written = 0
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temporary, path)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
  syncFolder(dirname(path))
}
