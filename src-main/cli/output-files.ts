// Writes a set of files into a folder all at once or not at all.

import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * Writes every file into a temporary folder inside `dir`, then renames each into place, so
 * that a failure before the renames leaves `dir` as it was.
 */
export async function writeAllOrNothing(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  await mkdir(dir, { recursive: true })
  const staging = await mkdtemp(join(dir, '.convolab-tmp-'))
  try {
    // names may hold a subfolder (layers/0_output.npy)
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(staging, name)), { recursive: true })
      await writeFile(join(staging, name), bytes)
    }
    for (const name of files.keys()) {
      await mkdir(dirname(join(dir, name)), { recursive: true })
      await rename(join(staging, name), join(dir, name))
    }
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}
