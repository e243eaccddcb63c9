// The benchmark's problems (issue 5), PyTorch Conv2d notation: N, C, H×W, M filters, k×k kernel.

import type { Conv2dOptions } from '../core'

export interface BenchShape {
  name: string
  input: [number, number, number, number]
  weight: [number, number, number, number]
  options: Conv2dOptions
}

export const SHAPES: readonly BenchShape[] = [
  { name: 'S1', input: [1, 64, 56, 56], weight: [64, 64, 3, 3], options: { padding: 1 } },
  { name: 'S2', input: [1, 3, 224, 224], weight: [32, 3, 3, 3], options: { padding: 1 } },
  { name: 'S3', input: [8, 16, 64, 64], weight: [32, 16, 5, 5], options: { padding: 0 } },
  { name: 'S4', input: [1, 1, 1024, 1024], weight: [8, 1, 7, 7], options: { padding: 0 } },
  { name: 'S5', input: [1, 3, 1024, 1024], weight: [8, 3, 3, 3], options: { padding: 1 } },
]

export function describeShape(shape: BenchShape): string {
  const [n, c, h, w] = shape.input
  const [m, , kh] = shape.weight
  return `N${n} C${c} ${h}×${w} M${m} k${kh} p${shape.options.padding}`
}
