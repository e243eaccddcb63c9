import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { conv2d } from '../../core/conv2d'
import type { Conv2dOptions, PaddingMode } from '../../core/geometry'
import { convGeometry, sourceIndex } from '../../core/geometry'
import { normalTensor, seededSource } from '../../core/random'
import { cellArithmetic, influenceOf, receptiveFieldMap, windowOf } from '../../src-renderer/src/lib/geometry/receptive-field'

// Relative tolerance for sums done in a different order than core's kernel.
const TOLERANCE = 1e-12

const settings = fc.record({
  inH: fc.integer({ min: 1, max: 9 }),
  inW: fc.integer({ min: 1, max: 9 }),
  kernelH: fc.integer({ min: 1, max: 4 }),
  kernelW: fc.integer({ min: 1, max: 4 }),
  strideH: fc.integer({ min: 1, max: 3 }),
  strideW: fc.integer({ min: 1, max: 3 }),
  dilationH: fc.integer({ min: 1, max: 3 }),
  dilationW: fc.integer({ min: 1, max: 3 }),
  padH: fc.integer({ min: 0, max: 4 }),
  padW: fc.integer({ min: 0, max: 4 }),
  groups: fc.constantFrom(1, 2),
  mode: fc.constantFrom<PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
})

type Setting = typeof settings extends fc.Arbitrary<infer T> ? T : never

function build(s: Setting) {
  const options: Conv2dOptions = {
    stride: [s.strideH, s.strideW],
    padding: [s.padH, s.padW],
    dilation: [s.dilationH, s.dilationW],
    groups: s.groups,
    paddingMode: s.mode,
  }
  const inputShape = [2, 2 * s.groups, s.inH, s.inW]
  const weightShape = [2 * s.groups, 2, s.kernelH, s.kernelW]
  try {
    return { options, geometry: convGeometry(inputShape, weightShape, options, 2 * s.groups), inputShape, weightShape }
  } catch {
    return null
  }
}

describe('receptive-field map', () => {
  it('gives each output cell the padded cells of the formula i·S + a·D, j·S + b·D', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const built = build(s)
        if (!built) return
        const g = built.geometry
        const map = receptiveFieldMap(g)
        for (let i = 0; i < g.outH; i++) {
          for (let j = 0; j < g.outW; j++) {
            const window = windowOf(map, i, j)
            expect(window.rows).toEqual(Array.from({ length: g.kernelH }, (_, a) => i * g.strideH + a * g.dilationH))
            expect(window.cols).toEqual(Array.from({ length: g.kernelW }, (_, b) => j * g.strideW + b * g.dilationW))
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it('lists as influenced exactly the output cells whose window reads an input cell (padding copies included)', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const built = build(s)
        if (!built) return
        const g = built.geometry
        const map = receptiveFieldMap(g)
        for (let r = 0; r < g.inH; r++) {
          for (let c = 0; c < g.inW; c++) {
            const expected: string[] = []
            for (let i = 0; i < g.outH; i++) {
              for (let j = 0; j < g.outW; j++) {
                let reads = false
                for (let a = 0; a < g.kernelH && !reads; a++) {
                  for (let b = 0; b < g.kernelW && !reads; b++) {
                    const row = sourceIndex(i * g.strideH + a * g.dilationH, g.padTop, g.inH, g.paddingMode)
                    const col = sourceIndex(j * g.strideW + b * g.dilationW, g.padLeft, g.inW, g.paddingMode)
                    reads = row === r && col === c
                  }
                }
                if (reads) expected.push(`${i},${j}`)
              }
            }
            const influence = influenceOf(map, r, c)
            const got = influence.rows.flatMap((i) => influence.cols.map((j) => `${i},${j}`))
            expect(got.sort()).toEqual(expected.sort())
          }
        }
      }),
      { numRuns: 100 },
    )
  })

  it("adds up, cell by cell, to core's conv2d output (per-channel partial sums plus the bias)", () => {
    fc.assert(
      fc.property(settings, (s) => {
        const built = build(s)
        if (!built) return
        const source = seededSource(s.seed)
        const x = normalTensor(built.inputShape, source)
        const w = normalTensor(built.weightShape, source)
        const b = normalTensor([built.weightShape[0]], source)
        const { output, geometry: g } = conv2d(x, w, b, built.options)
        const map = receptiveFieldMap(g)
        for (let n = 0; n < g.batch; n++) {
          for (let m = 0; m < g.outChannels; m++) {
            for (let i = 0; i < g.outH; i++) {
              for (let j = 0; j < g.outW; j++) {
                const cell = cellArithmetic(map, x.data, w.data, b.data, n, m, i, j)
                const expected = output.data[((n * g.outChannels + m) * g.outH + i) * g.outW + j]
                expect(Math.abs(cell.value - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)))
                expect(cell.channels.length).toBe(g.inChannelsPerGroup)
                expect(cell.channels.map((ch) => ch.inputChannel)).toEqual(
                  Array.from({ length: g.inChannelsPerGroup }, (_, c) => Math.floor(m / g.outChannelsPerGroup) * g.inChannelsPerGroup + c),
                )
              }
            }
          }
        }
      }),
      { numRuns: 60 },
    )
  })

  it('marks the zeros of zero padding as padding terms, on the seed-like 7×7 with padding 1', () => {
    const g = convGeometry([1, 1, 7, 7], [1, 1, 3, 3], { padding: 1, stride: 2 })
    const x = new Float64Array(49).fill(1)
    const w = new Float64Array(9).fill(1)
    const corner = cellArithmetic(receptiveFieldMap(g), x, w, null, 0, 0, 0, 0)
    expect(corner.channels[0].terms.filter((t) => t.padding)).toHaveLength(5)
    expect(corner.value).toBe(4)
    expect([g.outH, g.outW]).toEqual([4, 4])
  })
})
