// ConvTranspose2d against PyTorch's fixtures at 1e-12, on core's scalar loops and through every
// fast kernel kind (relaxed SIMD, SIMD, core/fast's scalar kernels); the seed identity; refusals.
import { setFlagsFromString } from 'node:v8'
import { afterAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import {
  ConvolabError,
  conv2d,
  conv2dBackward,
  convTranspose2d,
  convTranspose2dBackward,
  convTranspose2dGeometry,
  describeTransposedOutputSize,
  normalTensor,
  parseNpy,
  seededSource,
} from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, scalarKernels, supportsKind } from '../../core/fast'
import { referenceFile } from '../reference/cases'
import { REFERENCE_TOLERANCE, familyError, familyManifest, transposedCases } from '../reference/family'
import { messageOf } from '../../messages'
import { refusalOf } from '../support/refusal'

if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')

const paths: Array<[string, FastKernels | undefined]> = [
  ['core scalar', undefined],
  ['core/fast scalar kernels', scalarKernels()],
  ['wasm simd', await createFastKernels({ prefer: 'simd' })],
  ['wasm relaxed-simd', await createFastKernels({ prefer: 'relaxed-simd' })],
]

describe('the fast kinds under test', () => {
  it('are the ones named', () => {
    expect(paths[2][1]?.kind).toBe('simd')
    expect(paths[3][1]?.kind).toBe('relaxed-simd')
  })
})

const cases = transposedCases()
const worst = new Map<string, { error: number; where: string }>()

for (const [label, kernels] of paths) {
  describe(`ConvTranspose2d, ${label}: PyTorch reference cases`, () => {
    const record = (where: string, error: number) => {
      const current = worst.get(label) ?? { error: 0, where: 'none' }
      if (error > current.error) worst.set(label, { error, where })
      expect(error, `${where}: worst |a-b|/max(1,|b|)`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    }

    it('covers every option', () => {
      const used = new Set(cases.flatMap((c) => Object.keys(c.options)))
      expect([...used].sort()).toEqual(['dilation', 'groups', 'outputPadding', 'outputSize', 'padding', 'stride'])
      expect(cases.some((c) => c.bias)).toBe(true)
    })

    it.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
      const { output, geometry } = convTranspose2d(c.x, c.weight, c.bias, c.options, kernels)
      record(`${name} output`, familyError(output, c.expected.output))
      const grads = convTranspose2dBackward(c.x, c.weight, c.gradOutput, geometry, c.bias !== null, kernels)
      record(`${name} grad_input`, familyError(grads.gradInput, c.expected.gradInput))
      record(`${name} grad_weight`, familyError(grads.gradWeight, c.expected.gradWeight))
      if (c.expected.gradBias) record(`${name} grad_bias`, familyError(grads.gradBias!, c.expected.gradBias))
      else expect(grads.gradBias).toBeNull()
    })
  })
}

afterAll(() => {
  for (const [label, { error, where }] of worst) {
    console.log(`ConvTranspose2d ${label}: ${cases.length} PyTorch cases, largest relative error ${error.toExponential(3)} (${where})`)
  }
})

function npy(path: string): Tensor {
  const { shape, data } = parseNpy(referenceFile(path))
  return { shape, data }
}

describe("the seed's identity: conv_transpose2d(g, w) is the Conv2d's dE/dx", () => {
  const seed = 'cases/seed-stride2-padding1'
  const g = npy(`${seed}/grad_output.npy`)
  const w = npy(`${seed}/weight.npy`)
  const dx = npy(`${seed}/grad_input.npy`)

  for (const [label, kernels] of paths) {
    it(`${label}: equals PyTorch's conv2d grad_input within 1e-12`, () => {
      const { output } = convTranspose2d(g, w, null, { stride: 2, padding: 1 }, kernels)
      expect(output.shape).toEqual([2, 3, 7, 7])
      expect(familyError(output, dx)).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    })
  }

  it("and its dE/dx is the Conv2d's forward, its dE/dw the Conv2d's dE/dw with x and dE/dy swapped", () => {
    const source = seededSource(7)
    const upstream = normalTensor([2, 4, 3, 3], source) // the transposed layer's input: the Conv2d's dE/dy
    const x = normalTensor([2, 3, 7, 7], source) // the transposed layer's dE/dy: the Conv2d's input
    const { geometry } = convTranspose2d(upstream, w, null, { stride: 2, padding: 1 })
    const transposed = convTranspose2dBackward(upstream, w, x, geometry, false)
    const conv = conv2dBackward(x, w, null, upstream, { stride: 2, padding: 1 })
    expect(familyError(transposed.gradInput, conv2d(x, w, null, { stride: 2, padding: 1 }).output)).toBeLessThanOrEqual(1e-13)
    expect(familyError(transposed.gradWeight, conv.gradWeight)).toBeLessThanOrEqual(1e-13)
  })
})

describe('geometry', () => {
  it('prints the output-size formula with its numbers', () => {
    const g = convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2, padding: 1, outputPadding: 1 })
    expect(describeTransposedOutputSize(g, 'H')).toBe('H_out = (4 − 1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 8')
    expect([g.outH, g.outW, g.outChannels]).toEqual([8, 8, 3])
  })

  it('picks the output padding from a wanted size', () => {
    const g = convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 3, outputSize: [12, 14] })
    expect([g.outputPaddingH, g.outputPaddingW, g.outH, g.outW]).toEqual([0, 2, 12, 14])
  })

  it('refuses output size and output padding that disagree, accepts them when they agree', () => {
    expect(refusalOf(() => convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2, outputPadding: 1, outputSize: [9, 9] }))).toMatch(
      /output size 9 needs output padding 0, not the 1 given/,
    )
    expect(convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2, outputPadding: 1, outputSize: [10, 10] }).outH).toBe(10)
  })

  it('speaks Spanish', () => {
    try {
      convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2, outputPadding: 2 })
      expect.unreachable()
    } catch (error) {
      expect(messageOf(error, 'es')).toBe('el relleno de salida 2 en el eje alto debe ser menor que el paso 2 o la dilatación 1')
    }
  })
})

describe('settings PyTorch accepts and refuses', () => {
  const settings = familyManifest().refusals.filter((s) => s.layer === 'conv-transpose2d')
  it('include both verdicts', () => {
    expect(settings.some((s) => s.torchError)).toBe(true)
    expect(settings.some((s) => s.output)).toBe(true)
  })
  it.each(settings.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    const verdict = () => convTranspose2dGeometry(s.input, s.weight!, s.options)
    if (s.torchError) {
      expect(verdict, s.torchError).toThrow(ConvolabError)
    } else {
      const g = verdict()
      expect([g.batch, g.outChannels, g.outH, g.outW]).toEqual(s.output)
    }
  })
})

describe("the fast kernels' forward (the Conv2d grad-input) equals the scatter loop", () => {
  it('on 200 random settings of stride, padding, output padding, dilation, groups and kernel', () => {
    const source = seededSource(99)
    const pick = (n: number) => Math.floor(source() * n)
    const kernels = paths[3][1]!
    let checked = 0
    for (let trial = 0; trial < 200; trial++) {
      const groups = 1 + pick(2)
      const stride: [number, number] = [1 + pick(3), 1 + pick(3)]
      const dilation: [number, number] = [1 + pick(3), 1 + pick(2)]
      const kernel: [number, number] = [1 + pick(4), 1 + pick(4)]
      const padding: [number, number] = [pick(3), pick(3)]
      const outputPadding: [number, number] = [pick(Math.max(stride[0], dilation[0])), pick(Math.max(stride[1], dilation[1]))]
      const inputShape = [1 + pick(2), groups * (1 + pick(2)), 1 + pick(5), 1 + pick(5)]
      const weightShape = [inputShape[1], 1 + pick(2), ...kernel]
      let geometry
      try {
        geometry = convTranspose2dGeometry(inputShape, weightShape, { stride, dilation, padding, outputPadding, groups }, weightShape[1] * groups)
      } catch {
        continue // an output smaller than 1×1: refused, nothing to compare
      }
      const x = normalTensor(inputShape, source)
      const w = normalTensor(weightShape, source)
      const b = normalTensor([weightShape[1] * groups], source)
      const fast = convTranspose2d(x, w, b, geometry, kernels).output
      const scalar = convTranspose2d(x, w, b, geometry).output
      expect(familyError(fast, scalar), JSON.stringify({ inputShape, weightShape, stride, dilation, padding, outputPadding, groups })).toBeLessThanOrEqual(
        1e-12,
      )
      checked++
    }
    expect(checked).toBeGreaterThan(120)
  })
})

describe('a geometry reused with other tensors', () => {
  it('is refused with the shapes named, in both languages', () => {
    const g = convTranspose2dGeometry([1, 2, 4, 4], [2, 3, 3, 3], { stride: 2 })
    const x = normalTensor([1, 2, 5, 4], seededSource(1))
    const w = normalTensor([2, 3, 3, 3], seededSource(2))
    try {
      convTranspose2d(x, w, null, g)
      expect.unreachable()
    } catch (error) {
      expect(messageOf(error)).toBe('the input has shape (1, 2, 5, 4) but (1, 2, 4, 4) was expected')
      expect(messageOf(error, 'es')).toBe('la entrada tiene shape (1, 2, 5, 4) pero se esperaba (1, 2, 4, 4)')
    }
  })
})
