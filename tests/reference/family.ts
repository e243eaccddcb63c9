// The PyTorch fixtures of generate_family.py (ConvTranspose2d, MaxPool2d, AvgPool2d) loaded as
// core tensors, and the 1e-12 comparison extended to NaN and infinities (max-pool outputs them).

import type { ConvTranspose2dOptions, Pool2dOptions, Tensor } from '../../core'
import { parseNpy } from '../../core'
import { REFERENCE_TOLERANCE, referenceFile } from './cases'

export type FamilyLayer = 'conv-transpose2d' | 'max-pool2d' | 'avg-pool2d'

export interface TransposedCase {
  name: string
  options: ConvTranspose2dOptions
  x: Tensor
  weight: Tensor
  bias: Tensor | null
  gradOutput: Tensor
  expected: { output: Tensor; gradInput: Tensor; gradWeight: Tensor; gradBias: Tensor | null }
}

export interface PoolCase {
  name: string
  values: string
  options: Pool2dOptions
  x: Tensor
  gradOutput: Tensor
  expected: { output: Tensor; gradInput: Tensor; indices: Tensor | null }
}

export interface FamilySetting {
  layer: FamilyLayer
  name: string
  input: number[]
  weight: number[] | null
  options: ConvTranspose2dOptions & Pool2dOptions
  output?: number[]
  torchError?: string
}

interface Manifest {
  generator: string
  convTranspose2d: Array<{ name: string; bias: boolean; options: ConvTranspose2dOptions }>
  maxPool2d: Array<{ name: string; values: string; options: Pool2dOptions }>
  avgPool2d: Array<{ name: string; values: string; options: Pool2dOptions }>
  refusals: FamilySetting[]
}

export function familyManifest(): Manifest {
  return JSON.parse(new TextDecoder().decode(referenceFile('family/family.json')))
}

/** The folder of one case, relative to tests/reference. */
export function familyFolder(layer: FamilyLayer, name: string): string {
  return `family/${layer}/${name}`
}

function load(layer: FamilyLayer, name: string, file: string): Tensor {
  const { shape, data } = parseNpy(referenceFile(`${familyFolder(layer, name)}/${file}.npy`))
  return { shape, data }
}

export function transposedCases(): TransposedCase[] {
  return familyManifest().convTranspose2d.map(({ name, bias, options }) => {
    const file = (f: string) => load('conv-transpose2d', name, f)
    return {
      name,
      options,
      x: file('x'),
      weight: file('weight'),
      bias: bias ? file('bias') : null,
      gradOutput: file('grad_output'),
      expected: {
        output: file('output'),
        gradInput: file('grad_input'),
        gradWeight: file('grad_weight'),
        gradBias: bias ? file('grad_bias') : null,
      },
    }
  })
}

export function poolCases(layer: 'max-pool2d' | 'avg-pool2d'): PoolCase[] {
  const entries = layer === 'max-pool2d' ? familyManifest().maxPool2d : familyManifest().avgPool2d
  return entries.map(({ name, values, options }) => {
    const file = (f: string) => load(layer, name, f)
    return {
      name,
      values,
      options,
      x: file('x'),
      gradOutput: file('grad_output'),
      expected: {
        output: file('output'),
        gradInput: file('grad_input'),
        indices: layer === 'max-pool2d' ? file('indices') : null,
      },
    }
  })
}

/**
 * Largest |a − b| / max(1, |b|); NaN matches only NaN and an infinity only itself (errors 0),
 * anything else against them is Infinity. Shapes must agree.
 */
export function familyError(actual: { shape: readonly number[]; data: ArrayLike<number> }, expected: Tensor): number {
  const shapesAgree = actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i])
  if (!shapesAgree || actual.data.length !== expected.data.length) return Infinity
  let worst = 0
  for (let k = 0; k < expected.data.length; k++) {
    const a = actual.data[k]
    const b = expected.data[k]
    let error: number
    if (Number.isNaN(b) || !Number.isFinite(b)) error = Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Infinity
    else error = Number.isNaN(a) ? Infinity : Math.abs(a - b) / Math.max(1, Math.abs(b))
    if (error > worst) worst = error
  }
  return worst
}

export { REFERENCE_TOLERANCE }
