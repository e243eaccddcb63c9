// MaxPool2d (output, int64 indices, grad_input) and AvgPool2d (output, grad_input) against
// PyTorch's fixtures at 1e-12, including ties, plateaus, NaN, −∞ and ceil-mode edge windows;
// the settings PyTorch accepts and refuses; the geometry's formula and messages. The reference
// cases run on every kernel path: core's loops, core/fast's scalar kernels, WebAssembly SIMD and
// relaxed SIMD (core/wasm/pool.as).
import { setFlagsFromString } from 'node:v8'
import { afterAll, describe, expect, it } from 'vitest'
import { avgPool2d, avgPool2dBackward, avgPoolDivisors, describePoolOutputSize, maxPool2d, maxPool2dBackward, poolGeometry } from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, scalarKernels, supportsKind } from '../../core/fast'
import { REFERENCE_TOLERANCE, familyError, familyManifest, poolCases } from '../reference/family'
import { messageOf } from '../../messages'
import { refusalOf } from '../support/refusal'

// Node 20 hides relaxed SIMD behind a V8 flag (Electron and Node 22+ have it)
if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')

const paths: Array<[string, FastKernels | undefined]> = [
  ['core loops', undefined],
  ['core/fast scalar kernels', scalarKernels()],
  ['wasm simd', await createFastKernels({ prefer: 'simd' })],
  ['wasm relaxed-simd', await createFastKernels({ prefer: 'relaxed-simd' })],
]

it('runs every kernel path (both WebAssembly kinds here)', () => {
  expect(paths.map(([, kernels]) => kernels?.kind)).toEqual([undefined, 'scalar', 'simd', 'relaxed-simd'])
})

const worst = new Map<string, { error: number; where: string }>()

function report(layer: string, cases: number): void {
  const { error, where } = worst.get(layer) ?? { error: 0, where: 'none' }
  console.log(`${layer}: ${cases} PyTorch cases, largest relative error ${error.toExponential(3)} (${where})`)
}

function record(layer: string, where: string, error: number): void {
  const current = worst.get(layer) ?? { error: 0, where: 'none' }
  if (error > current.error) worst.set(layer, { error, where })
  expect(error, `${where}: worst |a-b|/max(1,|b|)`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
}

describe.each(paths)('MaxPool2d on %s: PyTorch reference cases', (path, kernels) => {
  const cases = poolCases('max-pool2d')
  const layer = `MaxPool2d (${path})`
  afterAll(() => report(layer, cases.length))
  it('cover ties, plateaus, NaN, −∞, ceil mode, dilation and padding', () => {
    expect(new Set(cases.map((c) => c.values))).toEqual(new Set(['normal', 'integers', 'constant', 'nan', 'minus-infinity']))
    const used = new Set(cases.flatMap((c) => Object.keys(c.options)))
    expect([...used].sort()).toEqual(['ceilMode', 'dilation', 'kernelSize', 'padding', 'stride'])
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const { output, indices, geometry } = maxPool2d(c.x, c.options, kernels)
    record(layer, `${name} output`, familyError(output, c.expected.output))
    // indices are exact integers: no tolerance at all
    expect([...indices], `${name} indices`).toEqual([...c.expected.indices!.data])
    const gradInput = maxPool2dBackward(c.gradOutput, indices, geometry, kernels)
    record(layer, `${name} grad_input`, familyError(gradInput, c.expected.gradInput))
  })

  it('keeps the first of equal maxima (row-major) and the last NaN, as PyTorch', () => {
    const ties = maxPool2d({ shape: [1, 1, 2, 2], data: Float64Array.of(1, 3, 3, 2) }, { kernelSize: 2 }, kernels)
    expect(ties.indices[0]).toBe(1)
    const nans = maxPool2d({ shape: [1, 1, 2, 2], data: Float64Array.of(1, NaN, NaN, 9) }, { kernelSize: 2 }, kernels)
    expect(Number.isNaN(nans.output.data[0])).toBe(true)
    expect(nans.indices[0]).toBe(2)
    // −0 and +0 are equal maxima: the first stays, sign and all
    const zeros = maxPool2d({ shape: [1, 1, 1, 3], data: Float64Array.of(-1, -0, 0) }, { kernelSize: [1, 3] }, kernels)
    expect(Object.is(zeros.output.data[0], -0)).toBe(true)
    expect(zeros.indices[0]).toBe(1)
  })
})

describe.each(paths)('AvgPool2d on %s: PyTorch reference cases', (path, kernels) => {
  const cases = poolCases('avg-pool2d')
  const layer = `AvgPool2d (${path})`
  afterAll(() => report(layer, cases.length))
  it('cover ceil mode, count_include_pad both ways and divisor_override', () => {
    const used = new Set(cases.flatMap((c) => Object.keys(c.options)))
    expect([...used].sort()).toEqual(['ceilMode', 'countIncludePad', 'divisorOverride', 'kernelSize', 'padding', 'stride'])
    expect(cases.some((c) => c.options.countIncludePad === false)).toBe(true)
    expect(cases.some((c) => c.options.padding && c.options.countIncludePad !== false)).toBe(true)
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const { output, geometry } = avgPool2d(c.x, c.options, kernels)
    record(layer, `${name} output`, familyError(output, c.expected.output))
    record(layer, `${name} grad_input`, familyError(avgPool2dBackward(c.gradOutput, geometry, kernels), c.expected.gradInput))
  })

  it('divides a ceil-mode window hanging past input + padding by the cells inside it', () => {
    // 6 rows, kernel 3, stride 2, padding 1, ceil: the last window spans rows 5..7, row 7 is past 6 + 1
    const g = poolGeometry([1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true })
    expect(g.outH).toBe(4)
    const divisors = avgPoolDivisors(g)
    expect(divisors[0]).toBe(9)
    expect(divisors[3 * 4 + 3]).toBe(4)
    const real = avgPoolDivisors({ ...g, countIncludePad: false })
    expect([real[0], real[3 * 4 + 3]]).toEqual([4, 1])
  })
})

describe('geometry', () => {
  it('defaults the stride to the kernel size', () => {
    const g = poolGeometry([1, 1, 7, 9], { kernelSize: [2, 3] })
    expect([g.strideH, g.strideW, g.outH, g.outW]).toEqual([2, 3, 3, 3])
  })

  it('prints the output-size formula, naming a dropped ceil-mode window', () => {
    const g = poolGeometry([1, 1, 5, 5], { kernelSize: 2, stride: 2, padding: 1, ceilMode: true })
    expect(describePoolOutputSize(g, 'H')).toBe('H_out = ⌈(5 + 2·1 − 1·(2−1) − 1) / 2⌉ + 1 − 1 (last window would start in the padding) = 3')
    const plain = poolGeometry([1, 1, 5, 5], { kernelSize: 3 })
    expect(describePoolOutputSize(plain, 'W')).toBe('W_out = ⌊(5 + 2·0 − 1·(3−1) − 1) / 3⌋ + 1 = 1')
  })

  it('refuses dilation for AvgPool2d, which has none', () => {
    expect(refusalOf(() => avgPool2d({ shape: [1, 1, 5, 5], data: new Float64Array(25) }, { kernelSize: 2, dilation: 2 }))).toMatch(/no dilation/)
  })

  it('speaks Spanish', () => {
    try {
      poolGeometry([1, 1, 5, 5], { kernelSize: 3, padding: 2 })
      expect.unreachable()
    } catch (error) {
      expect(messageOf(error, 'es')).toBe('el relleno del pooling 2 debe ser como mucho la mitad del tamaño de ventana 3 (como mucho 1)')
    }
  })
})

describe('settings PyTorch accepts and refuses', () => {
  const settings = familyManifest().refusals.filter((s) => s.layer !== 'conv-transpose2d')
  it('include both verdicts for both pools', () => {
    for (const layer of ['max-pool2d', 'avg-pool2d']) {
      expect(settings.some((s) => s.layer === layer && s.torchError)).toBe(true)
      expect(settings.some((s) => s.layer === layer && s.output)).toBe(true)
    }
  })
  it.each(settings.map((s) => [`${s.layer} ${s.name}`, s] as const))('%s', (_name, s) => {
    const x = { shape: s.input, data: new Float64Array(s.input.reduce((a, b) => a * b, 1)) }
    const verdict = () => (s.layer === 'max-pool2d' ? maxPool2d(x, s.options) : avgPool2d(x, s.options)).output.shape
    if (s.torchError) expect(verdict, s.torchError).toThrow(/./)
    else expect(verdict()).toEqual(s.output)
  })
})
