// Classic image kernels as plain data (no DOM), so the explorer, the learning target, tests and the
// headless export share them.

import { ConvolabError } from './errors'

export type PresetId =
  'identity' | 'box-blur' | 'gaussian' | 'sharpen' | 'laplacian' | 'sobel-x' | 'sobel-y' | 'prewitt-x' | 'prewitt-y' | 'emboss' | 'outline' | 'motion-blur'

export interface KernelPreset {
  id: PresetId
  height: number
  width: number
  /** Row-major values. */
  values: readonly number[]
}

function preset(id: PresetId, rows: number[][]): KernelPreset {
  return { id, height: rows.length, width: rows[0].length, values: rows.flat() }
}

const ninth = 1 / 9
const sixteenth = 1 / 16

export const PRESETS: readonly KernelPreset[] = [
  preset('identity', [
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ]),
  preset('box-blur', [
    [ninth, ninth, ninth],
    [ninth, ninth, ninth],
    [ninth, ninth, ninth],
  ]),
  preset('gaussian', [
    [1 * sixteenth, 2 * sixteenth, 1 * sixteenth],
    [2 * sixteenth, 4 * sixteenth, 2 * sixteenth],
    [1 * sixteenth, 2 * sixteenth, 1 * sixteenth],
  ]),
  preset('sharpen', [
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ]),
  preset('laplacian', [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ]),
  preset('sobel-x', [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]),
  preset('sobel-y', [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ]),
  preset('prewitt-x', [
    [-1, 0, 1],
    [-1, 0, 1],
    [-1, 0, 1],
  ]),
  preset('prewitt-y', [
    [-1, -1, -1],
    [0, 0, 0],
    [1, 1, 1],
  ]),
  preset('emboss', [
    [-2, -1, 0],
    [-1, 1, 1],
    [0, 1, 2],
  ]),
  preset('outline', [
    [-1, -1, -1],
    [-1, 8, -1],
    [-1, -1, -1],
  ]),
  preset('motion-blur', [
    [1 / 5, 0, 0, 0, 0],
    [0, 1 / 5, 0, 0, 0],
    [0, 0, 1 / 5, 0, 0],
    [0, 0, 0, 1 / 5, 0],
    [0, 0, 0, 0, 1 / 5],
  ]),
]

export function presetById(id: PresetId): KernelPreset {
  const found = PRESETS.find((p) => p.id === id)
  if (!found) throw new ConvolabError('bad-request', { detail: `unknown kernel preset ${id}` })
  return found
}

export const PRESET_IDS: readonly PresetId[] = PRESETS.map((p) => p.id)
