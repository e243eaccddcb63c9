// The upstream gradient dE/dy the backward pass starts from, built from the request's spec.

import type { Tensor } from '../../core'
import { ConvolabError, filled, formatShape, normalTensor, sameShape, seededSource } from '../../core'
import type { GradOutputSpec } from '../../contract'

export interface UpstreamGradient {
  gradOutput: Tensor
  /** E for the 'mse' spec. */
  loss?: number
}

/**
 * The last ones / N(0,1) tensor, by shape and seed: the interactive path asks for the same one
 * on every change, and a 1024×1024×8 one is 64 MB to fill (and to fault in) again. Kernels only
 * read it.
 */
let remembered: { key: string; tensor: Tensor } | null = null

function rememberedTensor(key: string, make: () => Tensor): Tensor {
  if (remembered?.key !== key) {
    // over a SharedArrayBuffer, so that a stack's kernel threads can pack it themselves
    const made = make()
    const data = new Float64Array(new SharedArrayBuffer(made.data.length * 8))
    data.set(made.data)
    remembered = { key, tensor: { shape: made.shape, data } }
  }
  return remembered.tensor
}

export function upstreamGradient(spec: GradOutputSpec, output: Tensor): UpstreamGradient {
  const shape = output.shape
  const mustMatch = (got: readonly number[]): void => {
    if (!sameShape(got, shape)) {
      throw new ConvolabError('grad-output-shape', { got: formatShape(got), expected: formatShape(shape) })
    }
  }
  switch (spec.kind) {
    case 'ones':
      return { gradOutput: rememberedTensor(`ones ${shape.join(',')}`, () => filled(shape, 1)) }
    case 'random':
      return { gradOutput: rememberedTensor(`random ${spec.seed} ${shape.join(',')}`, () => normalTensor(shape, seededSource(spec.seed))) }
    case 'tensor':
      mustMatch(spec.tensor.shape)
      return { gradOutput: { shape: [...spec.tensor.shape], data: spec.tensor.data } }
    case 'mse': {
      // E = mean((y - t)²), so dE/dy = 2 (y - t) / size.
      mustMatch(spec.target.shape)
      const size = output.data.length
      const data = new Float64Array(size)
      let sum = 0
      for (let k = 0; k < size; k++) {
        const difference = output.data[k] - spec.target.data[k]
        sum += difference * difference
        data[k] = (2 * difference) / size
      }
      return { gradOutput: { shape: [...shape], data }, loss: sum / size }
    }
    case 'mse-stored':
      // The compute host puts the stored target in its place before the compute runs.
      throw new ConvolabError('unknown-input')
  }
}
