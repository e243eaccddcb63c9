// Writes a set of files into a folder all at once or not at all; a compute run's files replace
// those of the earlier run in the same folder, so the folder holds exactly one run.

import { readdirSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, rmdir, writeFile } from 'node:fs/promises'
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

/** The files any compute run writes (compute, --layer, --session, --stack), by name; other files are the user's. */
const RUN_FILE = /^(output|indices|grad_input|grad_weight|grad_bias)\.npy$/
const LAYERS = 'layers'
const LAYER_FILE = /^\d+_(output|grad_output|grad_weight|grad_bias)\.npy$/

function list(folder: string): string[] {
  try {
    return readdirSync(folder)
  } catch {
    return []
  }
}

/** Files of an earlier run in `dir` that this run's `files` do not replace. */
function staleFiles(dir: string, files: Map<string, Uint8Array>): string[] {
  const top = list(dir).filter((name) => RUN_FILE.test(name))
  const layers = list(join(dir, LAYERS))
    .filter((name) => LAYER_FILE.test(name))
    .map((name) => `${LAYERS}/${name}`)
  return [...top, ...layers].filter((name) => !files.has(name))
}

/**
 * Writes a compute run's files all at once or not at all, then removes what an earlier run left
 * that this one does not write (grad_weight.npy of a Conv2d beside a max-pool's files,
 * layers/5_output.npy of a longer stack, the layers/ of a stack beside one layer's files).
 */
export async function writeRunFiles(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  const stale = staleFiles(dir, files)
  await writeAllOrNothing(dir, files)
  for (const name of stale) await rm(join(dir, name), { force: true })
  // a layers/ folder this run left empty goes too (one holding the user's files stays)
  if (stale.some((name) => name.startsWith(`${LAYERS}/`)) && list(join(dir, LAYERS)).length === 0) {
    await rmdir(join(dir, LAYERS)).catch(() => undefined)
  }
}
