// A dense float64 tensor in row-major (C) order, the NCHW layout PyTorch uses.

import { ConvolabError } from './errors'

export interface Tensor {
  readonly shape: readonly number[]
  readonly data: Float64Array
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1)
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const size = sizeOf(shape)
  if (data === undefined) return { shape: [...shape], data: new Float64Array(size) }
  if (data.length !== size) {
    throw new ConvolabError('data-size', {
      name: 'tensor',
      got: data.length,
      expected: size,
      shape: formatShape(shape),
    })
  }
  return { shape: [...shape], data: Float64Array.from(data) }
}

export function zeros(shape: readonly number[]): Tensor {
  return tensor(shape)
}

export function filled(shape: readonly number[], value: number): Tensor {
  const result = tensor(shape)
  result.data.fill(value)
  return result
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i])
}

/** Rotates every (KH, KW) slice of a 4-D weight by 180°: true convolution as cross-correlation. */
export function rotate180(weight: Tensor): Tensor {
  const [outChannels, inChannels, kernelH, kernelW] = weight.shape
  const result = tensor(weight.shape)
  const slice = kernelH * kernelW
  for (let f = 0; f < outChannels * inChannels; f++) {
    for (let k = 0; k < slice; k++) result.data[f * slice + k] = weight.data[f * slice + slice - 1 - k]
  }
  return result
}

export function countNonFinite(values: ArrayLike<number>): number {
  let count = 0
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) count++
  return count
}
