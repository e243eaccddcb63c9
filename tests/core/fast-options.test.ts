// The fast kernels against core's scalar kernels over random settings (every option, channel
// counts around the 4-channel register block, widths around the vector and block lengths):
// float64 within 1e-12 per element, float32 within 1e-5 of the largest float64 value.
// Also: core's scalar kernels behind the fast interface pass the PyTorch reference cases.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Conv2dOptions, Padding, PaddingMode } from '../../core'
import { PADDING_MODES, conv2d, conv2dBackward, convGeometry, normalTensor, outputShape, seededSource } from '../../core'
import type { Dtype, FastKernels } from '../../core/fast'
import { createFastKernels, scalarKernels } from '../../core/fast'
import { referenceSuite } from '../reference/suite'
import { fastImplementation, worstError as worst } from './fast-helpers'

const simd = await createFastKernels({ prefer: 'simd' })

interface Setting {
  input: number[]
  weight: number[]
  bias: boolean
  options: Conv2dOptions
  seed: number
}

const setting: fc.Arbitrary<Setting> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    inPerGroup: fc.integer({ min: 1, max: 5 }),
    outPerGroup: fc.integer({ min: 1, max: 9 }),
    kernelH: fc.integer({ min: 1, max: 5 }),
    kernelW: fc.integer({ min: 1, max: 5 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    dilationH: fc.integer({ min: 1, max: 2 }),
    dilationW: fc.integer({ min: 1, max: 3 }),
    pad: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant('same' as const)),
    mode: fc.constantFrom<PaddingMode>(...PADDING_MODES),
    height: fc.integer({ min: 4, max: 20 }),
    width: fc.integer({ min: 4, max: 29 }),
    bias: fc.boolean(),
    seed: fc.nat(),
  })
  .map((s) => {
    const same = s.pad === 'same'
    const spanH = s.dilationH * (s.kernelH - 1) + 1
    const spanW = s.dilationW * (s.kernelW - 1) + 1
    return {
      input: [s.batch, s.groups * s.inPerGroup, Math.max(s.height, spanH + 1), Math.max(s.width, spanW + 1)],
      weight: [s.groups * s.outPerGroup, s.inPerGroup, s.kernelH, s.kernelW],
      bias: s.bias,
      options: {
        stride: same ? 1 : ([s.strideH, s.strideW] as [number, number]),
        padding: s.pad as Padding,
        dilation: [s.dilationH, s.dilationW] as [number, number],
        groups: s.groups,
        paddingMode: s.mode,
      },
      seed: s.seed,
    }
  })
  .filter((s) => {
    try {
      convGeometry(s.input, s.weight, s.options)
      return true
    } catch {
      return false
    }
  })

function check(kernels: FastKernels, dtype: Dtype, s: Setting): void {
  const source = seededSource(s.seed)
  const x = normalTensor(s.input, source)
  const weight = normalTensor(s.weight, source)
  const bias = s.bias ? normalTensor([s.weight[0]], source) : null
  const geometry = convGeometry(s.input, s.weight, s.options, bias?.data.length)
  const gradOutput = normalTensor(outputShape(geometry), source)
  const expected = conv2d(x, weight, bias, s.options).output
  const grads = conv2dBackward(x, weight, bias, gradOutput, s.options)
  const scale = dtype === 'f64' ? 'element' : 'tensor'
  const tolerance = dtype === 'f64' ? 1e-12 : 1e-5
  const y = kernels.forward(x.data, weight.data, bias?.data ?? null, geometry, dtype)
  expect(y).toBeInstanceOf(dtype === 'f64' ? Float64Array : Float32Array)
  expect(worst(y, expected.data, scale), 'output').toBeLessThanOrEqual(tolerance)
  const fast = kernels.backward(x.data, weight.data, gradOutput.data, geometry, dtype)
  expect(worst(fast.gradInput!, grads.gradInput.data, scale), 'grad input').toBeLessThanOrEqual(tolerance)
  expect(worst(fast.gradWeight!, grads.gradWeight.data, scale), 'grad weight').toBeLessThanOrEqual(tolerance)
  if (bias) expect(worst(fast.gradBias!, grads.gradBias!.data, scale), 'grad bias').toBeLessThanOrEqual(tolerance)
  else expect(fast.gradBias).toBeNull()
}

describe('wasm simd kernels over random settings', () => {
  it('float64 equals the scalar core within 1e-12', () => {
    fc.assert(
      fc.property(setting, (s) => check(simd, 'f64', s)),
      { numRuns: 150, seed: 20261126 },
    )
  })

  it('float32 is within 1e-5 of float64', () => {
    fc.assert(
      fc.property(setting, (s) => check(simd, 'f32', s)),
      { numRuns: 150, seed: 7 },
    )
  })

  it('computes only the gradients asked for', () => {
    const geometry = convGeometry([1, 2, 6, 6], [3, 2, 3, 3], {}, 3)
    const x = new Float64Array(72).fill(1)
    const w = new Float64Array(54).fill(1)
    const gy = new Float64Array(48).fill(1)
    const onlyWeight = simd.backward(x, w, gy, geometry, 'f64', { input: false, bias: false })
    expect(onlyWeight.gradInput).toBeNull()
    expect(onlyWeight.gradBias).toBeNull()
    expect(Array.from(onlyWeight.gradWeight!)).toEqual(new Array(54).fill(16))
  })
})

describe("results into the caller's arrays", () => {
  it('reuses arrays of the right type and length, and ignores others', () => {
    const source = seededSource(3)
    const x = normalTensor([1, 3, 9, 11], source)
    const weight = normalTensor([5, 3, 3, 3], source)
    const options = { padding: 1, paddingMode: 'circular' as const }
    const geometry = convGeometry(x.shape, weight.shape, options)
    const gradOutput = normalTensor(outputShape(geometry), source)
    const expected = conv2d(x, weight, null, options).output.data
    const grads = conv2dBackward(x, weight, null, gradOutput, options)
    const output = new Float64Array(expected.length).fill(NaN)
    expect(simd.forward(x.data, weight.data, null, geometry, 'f64', { output })).toBe(output)
    expect(worst(output, expected, 'element')).toBeLessThanOrEqual(1e-12)
    const wrongType = new Float32Array(expected.length)
    expect(simd.forward(x.data, weight.data, null, geometry, 'f64', { output: wrongType })).not.toBe(wrongType)
    // run twice into the same arrays: the folded grad-input must not accumulate over runs
    const gradInput = new Float64Array(x.data.length).fill(NaN)
    const gradWeight = new Float64Array(weight.data.length).fill(NaN)
    for (let run = 0; run < 2; run++) {
      const result = simd.backward(x.data, weight.data, gradOutput.data, geometry, 'f64', {}, { gradInput, gradWeight })
      expect(result.gradInput).toBe(gradInput)
      expect(result.gradWeight).toBe(gradWeight)
      expect(worst(gradInput, grads.gradInput.data, 'element')).toBeLessThanOrEqual(1e-12)
      expect(worst(gradWeight, grads.gradWeight.data, 'element')).toBeLessThanOrEqual(1e-12)
    }
  })
})

describe('limits', () => {
  it('a run larger than the 4 GiB kernel memory is a ConvolabError, before any allocation', () => {
    const geometry = convGeometry([1, 1, 40000, 40000], [1, 1, 1, 1])
    let error: unknown
    try {
      simd.forward(new Float64Array(0), new Float64Array(1), null, geometry, 'f64')
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ code: 'too-large' })
    expect((error as Error).message).toMatch(/working memory/)
  })
})

describe('scalar fallback behind the fast interface', () => {
  it('is named scalar', () => expect(scalarKernels().kind).toBe('scalar'))
})

referenceSuite('scalar fallback (float64)', fastImplementation(scalarKernels()))
