// The relaxed-SIMD (fused multiply-add) kernels against every PyTorch reference case at 1e-12.
// Node 20 hides relaxed SIMD behind a V8 flag (Electron and Node 22+ have it), so this test
// file turns the flag on for its own worker before compiling.
import { setFlagsFromString } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { createFastKernels, supportsKind } from '../../core/fast'
import { referenceSuite } from '../reference/suite'
import { fastImplementation } from './fast-helpers'

if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')

describe('relaxed-simd kernels', () => {
  it('validate once the runtime allows relaxed SIMD', () => {
    expect(supportsKind('relaxed-simd')).toBe(true)
  })
})

const kernels = await createFastKernels({ prefer: 'relaxed-simd' })

describe('relaxed-simd kernels are the ones under test', () => {
  it('kind', () => expect(kernels.kind).toBe('relaxed-simd'))
})

referenceSuite('wasm relaxed-simd float64', fastImplementation(kernels))
