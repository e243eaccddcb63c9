// The PyTorch reference cases written by generate.py, loaded as core tensors, and the
// comparison rule every Conv2d implementation (scalar, WebAssembly, ...) must meet.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Conv2dOptions, Tensor } from '../../core'
import { parseNpy } from '../../core'

/** SEMANTICS.md: float64 results match PyTorch within |a-b| <= 1e-12 * max(1, |b|). */
export const REFERENCE_TOLERANCE = 1e-12

export interface ReferenceCase {
  name: string
  options: Conv2dOptions
  x: Tensor
  weight: Tensor
  bias: Tensor | null
  gradOutput: Tensor
  expected: {
    output: Tensor
    gradInput: Tensor
    gradWeight: Tensor
    gradBias: Tensor | null
  }
}

interface ManifestEntry {
  name: string
  input: number[]
  weight: number[]
  bias: boolean
  options: Conv2dOptions
  output: number[]
}

const folder = fileURLToPath(new URL('.', import.meta.url))

export function referenceFile(relativePath: string): Uint8Array {
  return readFileSync(folder + relativePath)
}

function load(name: string, file: string): Tensor {
  const { shape, data } = parseNpy(referenceFile(`cases/${name}/${file}.npy`))
  return { shape, data }
}

export function referenceManifest(): { generator: string; cases: ManifestEntry[] } {
  return JSON.parse(new TextDecoder().decode(referenceFile('cases.json')))
}

/** Every case of cases.json with its inputs and PyTorch's results. */
export function referenceCases(): ReferenceCase[] {
  return referenceManifest().cases.map((entry) => ({
    name: entry.name,
    options: entry.options,
    x: load(entry.name, 'x'),
    weight: load(entry.name, 'weight'),
    bias: entry.bias ? load(entry.name, 'bias') : null,
    gradOutput: load(entry.name, 'grad_output'),
    expected: {
      output: load(entry.name, 'output'),
      gradInput: load(entry.name, 'grad_input'),
      gradWeight: load(entry.name, 'grad_weight'),
      gradBias: entry.bias ? load(entry.name, 'grad_bias') : null,
    },
  }))
}

export interface Comparison {
  /** Largest |a-b| / max(1, |b|) over all values; Infinity when shapes differ or a value is NaN. */
  worstError: number
  /** Flat index of that value, -1 when the shapes differ. */
  worstIndex: number
  passed: boolean
}

export function compareWithReference(actual: Tensor, expected: Tensor, tolerance = REFERENCE_TOLERANCE): Comparison {
  const sameShape = actual.shape.length === expected.shape.length && actual.shape.every((dim, i) => dim === expected.shape[i])
  if (!sameShape || actual.data.length !== expected.data.length) {
    return { worstError: Infinity, worstIndex: -1, passed: false }
  }
  let worstError = 0
  let worstIndex = expected.data.length > 0 ? 0 : -1
  for (let k = 0; k < expected.data.length; k++) {
    const b = expected.data[k]
    const error = Math.abs(actual.data[k] - b) / Math.max(1, Math.abs(b))
    // `!(error <= worstError)` also catches NaN, which must never pass.
    if (!(error <= worstError)) {
      worstError = Number.isNaN(error) ? Infinity : error
      worstIndex = k
    }
  }
  return { worstError, worstIndex, passed: worstError <= tolerance }
}

export interface ValiditySetting {
  name: string
  input: number[]
  weight: number[]
  options: Conv2dOptions
  /** PyTorch's output shape when it accepts the setting. */
  output?: number[]
  /** The first line of PyTorch's error when it refuses it. */
  torchError?: string
}

/** Settings at the edge of what PyTorch accepts, with its verdict (validity.json). */
export function validitySettings(): ValiditySetting[] {
  return JSON.parse(new TextDecoder().decode(referenceFile('validity.json'))).settings
}
