// The Winograd F(2×2, 3×3) kernel (3 × 3, stride 1, dilation 1, float64, 8+ input channels)
// against core's scalar kernels: forward and grad-input within 1e-12 per element (relative to
// max(1, |value|)), on plain and relaxed SIMD, over odd and even sizes (partial tiles at the
// right and bottom), every padding mode and padding, groups and batches, and widths across the
// kernel's strips of 64 columns. NaN and ±∞ land where the direct sum puts them.
import { setFlagsFromString } from 'node:v8'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Conv2dOptions, PaddingMode } from '../../core'
import { PADDING_MODES, conv2d, conv2dBackward, convGeometry, normalTensor, seededSource } from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, supportsKind } from '../../core/fast'
import { tileRowRange, winogradPays } from '../../core/fast/winograd'
import { checkAgainstCore, worstError as worst, type KernelCase } from './fast-helpers'

if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')
const kinds = [await createFastKernels({ prefer: 'simd' }), await createFastKernels({ prefer: 'relaxed-simd' })]

type Case = KernelCase

const check = (kernels: FastKernels, s: Case): void => checkAgainstCore(kernels, 'f64', s)

const cases: fc.Arbitrary<Case> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
    inPerGroup: fc.integer({ min: 8, max: 12 }),
    outPerGroup: fc.integer({ min: 1, max: 13 }),
    pad: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant('same' as const)),
    mode: fc.constantFrom<PaddingMode>(...PADDING_MODES),
    height: fc.integer({ min: 3, max: 13 }),
    width: fc.integer({ min: 3, max: 150 }),
    seed: fc.nat(),
  })
  .map((s) => ({
    input: [s.batch, s.groups * s.inPerGroup, s.height, s.width],
    weight: [s.groups * s.outPerGroup, s.inPerGroup, 3, 3],
    options: { padding: s.pad, groups: s.groups, paddingMode: s.mode },
    seed: s.seed,
  }))

describe('the Winograd kernel', () => {
  it('runs for these settings (and not for others)', () => {
    const g = (input: number[], weight: number[], options: Conv2dOptions) => convGeometry(input, weight, options)
    expect(winogradPays(g([1, 16, 8, 8], [16, 16, 3, 3], { padding: 1 }), 'f64', 16)).toBe(true)
    expect(winogradPays(g([1, 16, 8, 8], [16, 16, 3, 3], { padding: 1 }), 'f32', 16)).toBe(false)
    expect(winogradPays(g([1, 16, 8, 8], [16, 16, 3, 3], { stride: 2 }), 'f64', 16)).toBe(false)
    expect(winogradPays(g([1, 16, 8, 8], [16, 16, 3, 3], { dilation: 2 }), 'f64', 16)).toBe(false)
    expect(winogradPays(g([1, 16, 8, 8], [16, 16, 5, 5], {}), 'f64', 16)).toBe(false)
    expect(winogradPays(g([1, 3, 8, 8], [16, 3, 3, 3], { padding: 1 }), 'f64', 3)).toBe(false)
    expect(winogradPays(g([1, 16, 8, 8], [1, 16, 3, 3], { padding: 1 }), 'f64', 16)).toBe(true)
  })

  it('splits rows between threads on whole tiles', () => {
    expect([0, 1, 2].map((part) => tileRowRange(7, part, 3))).toEqual([
      [0, 2],
      [2, 4],
      [4, 7],
    ])
    expect([0, 1].map((part) => tileRowRange(1, part, 2))).toEqual([
      [0, 0],
      [0, 1],
    ])
  })

  for (const kernels of kinds) {
    it(`gives core's numbers on ${kernels.kind}`, () => {
      fc.assert(
        fc.property(cases, (s) => check(kernels, s)),
        { numRuns: 60, seed: 20261202 },
      )
    })

    it(`gives core's numbers on ${kernels.kind} for single rows and columns and the VGG shape`, () => {
      for (const [height, width] of [
        [1, 1],
        [1, 2],
        [2, 1],
        [2, 2],
        [3, 5],
        [64, 65],
      ]) {
        check(kernels, { input: [1, 8, height, width], weight: [9, 8, 3, 3], options: { padding: 1 }, seed: height * 100 + width })
      }
      check(kernels, { input: [1, 16, 40, 130], weight: [16, 16, 3, 3], options: { padding: 1 }, seed: 7 })
    })

    it(`gives some output channels alone the bits they have in the whole convolution on ${kernels.kind}`, () => {
      // the engine recomputes only the channels whose kernels changed (src-main/engine/compute.ts)
      const source = seededSource(21)
      const x = normalTensor([1, 10, 11, 13], source)
      const weight = normalTensor([9, 10, 3, 3], source)
      const bias = normalTensor([9], source)
      const whole = kernels.forward(x.data, weight.data, bias.data, convGeometry(x.shape, weight.shape, { padding: 1 }, 9), 'f64')
      const plane = 11 * 13
      for (const m of [0, 4, 8]) {
        const one = weight.data.slice(m * 90, (m + 1) * 90)
        const alone = kernels.forward(x.data, one, bias.data.slice(m, m + 1), convGeometry(x.shape, [1, 10, 3, 3], { padding: 1 }, 1), 'f64')
        expect([...alone], `channel ${m}`).toEqual([...whole.subarray(m * plane, (m + 1) * plane)])
      }
    })

    it(`gives core's numbers on ${kernels.kind} for a photo's range of values`, () => {
      // pixels k/255 as the app loads them: the transforms' rounding stays far below 1e-12 (about 6e-15)
      const source = seededSource(11)
      const x = normalTensor([1, 16, 20, 30], source)
      x.data.forEach((v, k) => (x.data[k] = (Math.round(Math.abs(v) * 90) % 256) / 255))
      const weight = normalTensor([16, 16, 3, 3], source)
      const options = { padding: 1 }
      const geometry = convGeometry(x.shape, weight.shape, options)
      const gradOutput = normalTensor([1, 16, 20, 30], source)
      const fast = kernels.forward(x.data, weight.data, null, geometry, 'f64')
      expect(worst(fast, conv2d(x, weight, null, options).output.data, 'element')).toBeLessThanOrEqual(1e-12)
      const gradInput = kernels.backward(x.data, weight.data, gradOutput.data, geometry, 'f64').gradInput!
      expect(worst(gradInput, conv2dBackward(x, weight, null, gradOutput, options).gradInput.data, 'element')).toBeLessThanOrEqual(1e-12)
    })

    it(`puts NaN and ±∞ where the direct sum puts them on ${kernels.kind}`, () => {
      const source = seededSource(5)
      const x = normalTensor([1, 8, 9, 11], source)
      const weight = normalTensor([9, 8, 3, 3], source)
      x.data[20] = Infinity
      x.data[99 + 30] = -Infinity
      x.data[2 * 99 + 50] = NaN
      x.data[3 * 99 + 98] = Infinity
      const options = { padding: 1 }
      const geometry = convGeometry(x.shape, weight.shape, options)
      const same = (got: ArrayLike<number>, expected: ArrayLike<number>, label: string): number => {
        let special = 0
        for (let k = 0; k < expected.length; k++) {
          if (Number.isFinite(expected[k]))
            expect(Math.abs(got[k] - expected[k]), `${label} ${k}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[k])))
          else {
            special++
            expect(got[k], `${label} ${k}`).toBe(expected[k])
          }
        }
        return special
      }
      expect(same(kernels.forward(x.data, weight.data, null, geometry, 'f64'), conv2d(x, weight, null, options).output.data, 'output')).toBeGreaterThan(20)
      // grad-input runs the same kernel over dE/dy
      const clean = normalTensor([1, 8, 9, 11], source)
      const gradOutput = normalTensor([1, 9, 9, 11], source)
      gradOutput.data[40] = Infinity
      gradOutput.data[99 * 4 + 12] = -Infinity
      gradOutput.data[99 * 8 + 98] = NaN
      const expected = conv2dBackward(clean, weight, null, gradOutput, options).gradInput.data
      const got = kernels.backward(clean.data, weight.data, gradOutput.data, geometry, 'f64', { input: true, weight: false, bias: false }).gradInput!
      expect(same(got, expected, 'grad input')).toBeGreaterThan(20)
    })
  }
})
