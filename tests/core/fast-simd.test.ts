// The plain WebAssembly SIMD kernels (float64) against every PyTorch reference case at 1e-12.
import { describe, expect, it } from 'vitest'
import { createFastKernels, supportsKind } from '../../core/fast'
import { referenceSuite } from '../reference/suite'
import { fastImplementation } from './fast-helpers'

describe('simd kernels', () => {
  it('validate on this runtime (Node 20+ has WebAssembly SIMD)', () => {
    expect(supportsKind('simd')).toBe(true)
  })
})

const kernels = await createFastKernels({ prefer: 'simd' })

describe('simd kernels are the ones under test', () => {
  it('kind', () => expect(kernels.kind).toBe('simd'))
})

referenceSuite('wasm simd float64', fastImplementation(kernels))
