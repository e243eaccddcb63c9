// Seeded random tensors, so that checks and "random" kernels can be replayed.

import { randomLcg, randomNormal, randomUniform } from 'd3-random'
import type { Tensor } from './tensor'
import { sizeOf } from './tensor'

export type RandomSource = () => number

export function seededSource(seed: number): RandomSource {
  return randomLcg(seed)
}

export function normalTensor(shape: readonly number[], source: RandomSource, mean = 0, deviation = 1): Tensor {
  const draw = randomNormal.source(source)(mean, deviation)
  const data = new Float64Array(sizeOf(shape))
  for (let i = 0; i < data.length; i++) data[i] = draw()
  return { shape: [...shape], data }
}

export function uniformTensor(shape: readonly number[], source: RandomSource, low = 0, high = 1): Tensor {
  const draw = randomUniform.source(source)(low, high)
  const data = new Float64Array(sizeOf(shape))
  for (let i = 0; i < data.length; i++) data[i] = draw()
  return { shape: [...shape], data }
}

/** Kaiming-uniform as PyTorch initialises Conv2d weights: bound = 1 / sqrt(fan_in). */
export function kaimingTensor(shape: readonly number[], source: RandomSource): Tensor {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1)
  const bound = 1 / Math.sqrt(fanIn)
  return uniformTensor(shape, source, -bound, bound)
}
