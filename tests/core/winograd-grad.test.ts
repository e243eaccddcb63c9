// The Winograd F(2×2, 3×3) grad-weight (core/wasm/winograd-grad.as, core/fast/winograd-grad.ts)
// against core's scalar conv2dBackward: within 1e-12 of the largest |dE/dw| in float64, for odd
// and even output sizes, every padding mode, groups, batch 2 and channel counts around the
// 4 × 2 register block, on the plain and the relaxed (fused multiply-add) SIMD kernels; and
// non-finite values where the reference has them.
import { setFlagsFromString } from 'node:v8'
import { describe, expect, it } from 'vitest'
import type { Conv2dOptions } from '../../core'
import { conv2dBackward, convGeometry, normalTensor, seededSource } from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, supportsKind } from '../../core/fast'
import { winogradFits } from '../../core/fast/winograd'
import { transformGradient, winogradWeightFits } from '../../core/fast/winograd-grad'
import { worstError } from './fast-helpers'
import type { CaseTensors, WinogradCase } from './winograd-cases'
import { caseTensors, winogradCases } from './winograd-cases'

if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')
const kernelSets: [string, FastKernels][] = [
  ['simd', await createFastKernels({ prefer: 'simd' })],
  ['relaxed-simd', await createFastKernels({ prefer: 'relaxed-simd' })],
]

/** max |a − b| / max |b|, Infinity when a has a NaN where b has a number. */
function tensorError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return worstError(actual, expected, 'tensor')
}

describe('Winograd grad-weight cases', () => {
  it('run the Winograd grad-weight (all but 3 input channels) and cover odd, even and 1 × 1 outputs', () => {
    const cases = winogradCases()
    const sizes = new Set<string>()
    let direct = 0
    for (const c of cases) {
      const { x, weight } = caseTensors(c, 1)
      const g = convGeometry(x.shape, weight.shape, c.options)
      expect(winogradFits(g, 'f64')).toBe(true)
      expect(winogradWeightFits(g, 'f64')).toBe(g.inChannelsPerGroup >= 4)
      if (!winogradWeightFits(g, 'f64')) direct++
      else sizes.add(`${g.outH % 2}${g.outW % 2}${g.outH === 1 && g.outW === 1 ? '1' : ''}`)
    }
    expect([...sizes].sort()).toEqual(['00', '01', '10', '11', '111'])
    expect(cases.length).toBeGreaterThan(40)
    expect(direct).toBeLessThan(cases.length / 4)
    expect(winogradWeightFits(convGeometry([1, 16, 8, 8], [16, 16, 3, 3]), 'f32')).toBe(false)
  })
})

for (const [kind, kernels] of kernelSets) {
  describe(`Winograd grad-weight, ${kind}`, () => {
    it('runs the kind asked for', () => expect(kernels.kind).toBe(kind))

    it('matches conv2dBackward within 1e-12 of the largest |dE/dw| on every case, with and without dE/dx', () => {
      let seed = 10
      for (const c of winogradCases()) {
        const { x, weight, gradOutput } = caseTensors(c, seed++)
        const g = convGeometry(x.shape, weight.shape, c.options)
        const expected = conv2dBackward(x, weight, null, gradOutput, c.options).gradWeight.data
        // dE/dy read from the dense copy (weight alone) and from grad-input's zero-bordered one
        for (const input of [false, true]) {
          const result = kernels.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input, weight: true, bias: false })
          const error = tensorError(result.gradWeight!, expected)
          expect(error, `${c.name}, dE/dx ${input}`).toBeLessThanOrEqual(1e-12)
        }
      }
    })

    it('writes into a reused array and does not add up over runs', () => {
      const c = winogradCases()[3]
      const { x, weight, gradOutput } = caseTensors(c, 99)
      const g = convGeometry(x.shape, weight.shape, c.options)
      const expected = conv2dBackward(x, weight, null, gradOutput, c.options).gradWeight.data
      const gradWeight = new Float64Array(expected.length).fill(NaN)
      for (let run = 0; run < 2; run++) {
        const result = kernels.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input: false, weight: true }, { gradWeight })
        expect(result.gradWeight).toBe(gradWeight)
        expect(tensorError(gradWeight, expected)).toBeLessThanOrEqual(1e-12)
      }
    })

    it('gives the reference NaN and ±∞ where it has them, and its numbers elsewhere (a NaN or ±∞ in x or dE/dy)', () => {
      const c: WinogradCase = { name: 'specials', batch: 2, inChannels: 4, outChannels: 5, height: 7, width: 9, options: { padding: [1, 1] } }
      const specials: [keyof CaseTensors, number, number, Conv2dOptions][] = [
        ['x', NaN, 0, { padding: [1, 1] }],
        ['x', Infinity, 17, { padding: [1, 1] }],
        ['x', -Infinity, 200, { padding: [1, 1], paddingMode: 'reflect' }],
        ['gradOutput', NaN, 40, { padding: [1, 1] }],
        ['gradOutput', Infinity, 3, { padding: [1, 1] }],
        ['gradOutput', -Infinity, 0, { padding: [1, 1], paddingMode: 'circular' }],
        ['x', NaN, 7 * 9 - 1, { padding: [0, 0] }], // the last pixel of a plane: read by one tap only
      ]
      for (const [tensor, value, at, options] of specials) {
        const tensors = caseTensors({ ...c, options }, 5)
        tensors[tensor].data[at] = value
        if (tensor === 'x') tensors.x.data[at + 3 * 7 * 9] = -value // the same place in batch item 1: ∞ − ∞
        const { x, weight, gradOutput } = tensors
        const g = convGeometry(x.shape, weight.shape, options)
        expect(winogradWeightFits(g, 'f64')).toBe(true)
        const expected = conv2dBackward(x, weight, null, gradOutput, options).gradWeight.data
        for (const input of [false, true]) {
          const actual = kernels.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input, weight: true }).gradWeight!
          let nonFinite = 0
          const largest = Math.max(...Array.from(expected).filter(Number.isFinite).map(Math.abs))
          for (let k = 0; k < expected.length; k++) {
            const where = `${tensor}[${at}] = ${value}, dE/dx ${input}: dE/dw[${k}]`
            if (Number.isFinite(expected[k])) expect(Math.abs(actual[k] - expected[k]), where).toBeLessThanOrEqual(1e-12 * largest)
            else {
              nonFinite++
              expect(actual[k], where).toBe(expected[k]) // toBe: Object.is, NaN equals NaN
            }
          }
          expect(nonFinite).toBeGreaterThan(0)
        }
      }
    })

    it('a NaN beyond the padded image or the output is never read: finite dE/dw when the data are finite', () => {
      // odd output sizes: the last tile row and column reach past the padded image, which the
      // kernel must read as zeros (a NaN-filled result array in memory before must not leak in)
      const c: WinogradCase = { name: 'odd', batch: 1, inChannels: 4, outChannels: 4, height: 5, width: 5, options: { padding: [0, 0] } }
      const { x, weight, gradOutput } = caseTensors(c, 8)
      const g = convGeometry(x.shape, weight.shape, c.options)
      // fill the kernel memory with NaN by a forward of NaN input first
      const nan = new Float64Array(2 * 4 * 64 * 64).fill(NaN)
      kernels.forward(nan, new Float64Array(4 * 4 * 9), null, convGeometry([2, 4, 64, 64], [4, 4, 3, 3], {}), 'f64')
      const expected = conv2dBackward(x, weight, null, gradOutput, c.options).gradWeight.data
      const actual = kernels.backward(x.data, weight.data, gradOutput.data, g, 'f64', { input: false, weight: true }).gradWeight!
      expect(tensorError(actual, expected)).toBeLessThanOrEqual(1e-12)
    })
  })
}

describe('Gᵀ·dU·G', () => {
  it('is the transpose of G·g·Gᵀ: ⟨Gᵀ dU G, g⟩ = ⟨dU, G g Gᵀ⟩', () => {
    const source = seededSource(3)
    const du = normalTensor([16], source).data
    const g = normalTensor([9], source).data
    const G = [
      [1, 0, 0],
      [0.5, 0.5, 0.5],
      [0.5, -0.5, 0.5],
      [0, 0, 1],
    ]
    let right = 0
    for (let p = 0; p < 4; p++) {
      for (let q = 0; q < 4; q++) {
        let u = 0
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) u += G[p][a] * g[a * 3 + b] * G[q][b]
        right += du[p * 4 + q] * u
      }
    }
    const dw = new Float64Array(9)
    transformGradient(du, dw, 0)
    let left = 0
    for (let k = 0; k < 9; k++) left += dw[k] * g[k]
    expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(right)))
  })
})
