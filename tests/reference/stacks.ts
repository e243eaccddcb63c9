// The PyTorch stack fixtures written by generate_stacks.py, loaded as core Layers and tensors.

import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Layer, Tensor } from '../../core'
import { layersFromEntries, parseNpy, parseStackFile } from '../../core'

export const STACKS_FOLDER = fileURLToPath(new URL('./stacks/', import.meta.url))

export interface StackCase {
  name: string
  folder: string
  layers: Layer[]
  x: Tensor
  gradOutput: Tensor
  output: Tensor
  gradInput: Tensor
  /** Per layer: PyTorch's output, dE/dy, and dE/dw, dE/db where the layer has them. */
  perLayer: Array<{ output: Tensor; gradOutput: Tensor; gradWeight: Tensor | null; gradBias: Tensor | null }>
  unit: { layer: number; unit: [number, number, number, number] }
  unitGradInput: Tensor
}

function npy(path: string): Tensor {
  return parseNpy(new Uint8Array(readFileSync(path)))
}

function optionalNpy(path: string): Tensor | null {
  return existsSync(path) ? npy(path) : null
}

export function stackCaseNames(): string[] {
  const manifest = JSON.parse(readFileSync(STACKS_FOLDER + 'manifest.json', 'utf8')) as { cases: Array<{ name: string }> }
  return manifest.cases.map((c) => c.name)
}

export function loadStackCase(name: string): StackCase {
  const folder = `${STACKS_FOLDER}${name}/`
  const entries = parseStackFile(readFileSync(folder + 'stack.json', 'utf8'), 'stack.json')
  const layers = layersFromEntries('stack.json', entries, (path) => npy(folder + path))
  return {
    name,
    folder,
    layers,
    x: npy(folder + 'x.npy'),
    gradOutput: npy(folder + 'grad_output.npy'),
    output: npy(folder + 'output.npy'),
    gradInput: npy(folder + 'grad_input.npy'),
    perLayer: layers.map((_, i) => ({
      output: npy(`${folder}layers/${i}_output.npy`),
      gradOutput: npy(`${folder}layers/${i}_grad_output.npy`),
      gradWeight: optionalNpy(`${folder}layers/${i}_grad_weight.npy`),
      gradBias: optionalNpy(`${folder}layers/${i}_grad_bias.npy`),
    })),
    unit: JSON.parse(readFileSync(folder + 'unit.json', 'utf8')),
    unitGradInput: npy(folder + 'unit_grad_input.npy'),
  }
}
