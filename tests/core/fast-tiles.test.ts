// The kernels' cache tiles (column strips of the forward and grad-input, row tiles of
// grad-weight) against core's scalar kernels on rows wide enough to cross several tiles: widths
// around the strip length, channel counts around the 4-channel register block, strides and
// dilations that move the taps between rows. float64 within 1e-12 per element; float32 within
// 1e-5 of the largest float64 value; on plain and relaxed SIMD.
import { setFlagsFromString } from 'node:v8'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createFastKernels, supportsKind } from '../../core/fast'
import { checkAgainstCore, type KernelCase } from './fast-helpers'

// Node 20 hides relaxed SIMD behind a V8 flag (see fast-relaxed.test.ts)
if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')
const kinds = [await createFastKernels({ prefer: 'simd' }), await createFastKernels({ prefer: 'relaxed-simd' })]

type Wide = KernelCase

const check = checkAgainstCore

const wide: fc.Arbitrary<Wide> = fc
  .record({
    inChannels: fc.integer({ min: 1, max: 6 }),
    outChannels: fc.integer({ min: 1, max: 9 }),
    kernel: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 2 }),
    height: fc.integer({ min: 5, max: 9 }),
    // one to three strips of output columns, and a few past
    width: fc.integer({ min: 60, max: 300 }),
    seed: fc.nat(),
  })
  .map((s) => ({
    input: [1, s.inChannels, s.height + s.dilation * s.kernel, s.width],
    weight: [s.outChannels, s.inChannels, s.kernel, s.kernel],
    options: { stride: s.stride, padding: s.padding, dilation: s.dilation },
    seed: s.seed,
  }))

describe('cache tiles on wide rows', () => {
  it('runs on both kinds of SIMD kernels', () => expect(kinds.map((k) => k.kind)).toEqual(['simd', 'relaxed-simd']))

  for (const kernels of kinds) {
    it(`${kernels.kind}: VGG-like 16 → 16 and 3 → 16 and 16 → 3, 3×3, padding 1, widths across strips`, () => {
      for (const [c, m, width] of [
        [16, 16, 257],
        [3, 16, 256],
        [16, 3, 131],
        [8, 5, 129],
      ]) {
        for (const dtype of ['f64', 'f32'] as const)
          check(kernels, dtype, { input: [1, c, 7, width], weight: [m, c, 3, 3], options: { padding: 1 }, seed: width })
      }
    })

    it(`${kernels.kind}: random wide settings`, () => {
      fc.assert(
        fc.property(wide, (s) => {
          check(kernels, 'f64', s)
          check(kernels, 'f32', s)
        }),
        { numRuns: 25, seed: 20261201 },
      )
    })
  }
})
