// Reads a STACK.json for the command line: the file, then every .npy it names (relative to
// the file's folder); a file that cannot be read is refused with the layer that names it.

import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import type { Layer, StackPresetId, Tensor } from '../../core'
import { ConvolabError, STACK_PRESET_IDS, causeParams, layersFromEntries, nestedParams, parseStackFile, stackPreset } from '../../core'
import { LIMITS } from '../../contract'
import { readTensorPath } from './inputs'

export async function readStackFile(path: string): Promise<Layer[]> {
  let text: string
  try {
    const bytes = await readFile(path)
    if (bytes.length > LIMITS.maxFileBytes) {
      throw new ConvolabError('file-too-large', { name: path, size: bytes.length, limit: LIMITS.maxFileBytes })
    }
    text = bytes.toString('utf8')
  } catch (error) {
    if (error instanceof ConvolabError) throw error
    throw new ConvolabError('file-missing', { name: path, detail: (error as NodeJS.ErrnoException).code ?? String(error) })
  }
  const entries = parseStackFile(text, path)
  // the most the app and a session hold
  if (entries.length > LIMITS.maxStackLayers) {
    const cause = nestedParams('stack-file-too-many-layers', { count: entries.length, limit: LIMITS.maxStackLayers })
    throw new ConvolabError('stack-file', { name: path, ...cause })
  }
  const folder = dirname(path)
  const tensors = new Map<string, Tensor>()
  for (const entry of entries) {
    for (const file of [entry.weightPath, entry.biasPath]) {
      if (file === null || tensors.has(file)) continue
      try {
        tensors.set(file, await readTensorPath(isAbsolute(file) ? file : join(folder, file)))
      } catch (error) {
        const inner = error instanceof ConvolabError ? error : new ConvolabError('file-missing', { name: file, detail: String(error) })
        throw new ConvolabError('stack-file-layer', { name: path, index: entry.index, kind: entry.type, ...causeParams(inner) })
      }
    }
  }
  return layersFromEntries(path, entries, (file) => tensors.get(file) as Tensor)
}

/** The layers of --stack FILE or of --preset NAME (seeded weights for `inChannels` input channels). */
export async function stackFromArgs(values: Record<string, string | boolean | undefined>, inChannels: number): Promise<Layer[]> {
  const preset = values.preset as string | undefined
  if (values.stack && preset) throw new ConvolabError('cli-option', { reason: 'one-of', flag: '--stack', other: '--preset' })
  if (preset !== undefined) {
    if (!STACK_PRESET_IDS.includes(preset as StackPresetId)) {
      throw new ConvolabError('flag-value', { flag: '--preset', allowed: STACK_PRESET_IDS.join(', '), value: preset })
    }
    return stackPreset(preset as StackPresetId, inChannels)
  }
  if (!values.stack) throw new ConvolabError('flag-required', { flag: '--stack' })
  return readStackFile(values.stack as string)
}
