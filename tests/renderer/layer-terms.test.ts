// The hover arithmetic's terms of a pool or transposed output cell against core's layers: the
// windows hold the maximum core picks, the divisors are core's, and the stamps reaching a cell
// add up to core's ConvTranspose2d output (1e-12) — so the page lists every term and no other.

import { describe, expect, it } from 'vitest'
import { avgPool2d, avgPoolDivisors, avgPoolGeometry } from '../../core/avg-pool2d'
import { convTranspose2d } from '../../core/conv-transpose2d'
import { maxPool2d } from '../../core/max-pool2d'
import { poolGeometry } from '../../core/pool-geometry'
import { normalTensor, seededSource } from '../../core/random'
import { avgDivisor, poolWindow, tiedCells, transposedReach, transposedStamps } from '../../src-renderer/src/lib/geometry/layer-terms'

describe('pool windows', () => {
  const x = normalTensor([2, 2, 7, 8], seededSource(11))
  const settings = [
    { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
    { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: true },
    { kernelSize: [2, 3] as [number, number], stride: [3, 2] as [number, number], padding: [1, 1] as [number, number], ceilMode: true },
    { kernelSize: 2, divisorOverride: 3 },
    { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false },
  ]

  it("give core's average-pool divisor at every cell, edge windows of ceil mode and count_include_pad included", () => {
    for (const options of settings) {
      const g = avgPoolGeometry(x.shape, options)
      const divisors = avgPoolDivisors(g)
      for (let i = 0; i < g.outH; i++) for (let j = 0; j < g.outW; j++) expect(avgDivisor(g, i, j).divisor).toBe(divisors[i * g.outW + j])
      // and the window's real cells over it are core's average
      const y = avgPool2d(x, options).output
      for (let i = 0; i < g.outH; i++) {
        for (let j = 0; j < g.outW; j++) {
          const sum = poolWindow(g, x.data, 1, 1, i, j).reduce((s, cell) => s + (cell.value ?? 0), 0)
          const expected = y.data[((1 * 2 + 1) * g.outH + i) * g.outW + j]
          expect(Math.abs(sum / avgDivisor(g, i, j).divisor - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))
        }
      }
    }
    const edge = avgDivisor(avgPoolGeometry([1, 1, 7, 7], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), 0, 3)
    expect(edge).toEqual({ divisor: 4, reason: 'real', h: 2, w: 2 })
  })

  it("hold core's max-pool maximum at core's index, dilation and padding included, and name ties", () => {
    const options = { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true }
    const g = poolGeometry(x.shape, options)
    const { output, indices } = maxPool2d(x, options)
    for (let k = 0; k < output.data.length; k++) {
      const [n, c, i, j] = [Math.floor(k / (2 * g.outH * g.outW)), Math.floor(k / (g.outH * g.outW)) % 2, Math.floor(k / g.outW) % g.outH, k % g.outW]
      const window = poolWindow(g, x.data, n, c, i, j)
      const winner = window.find((cell) => cell.value !== null && cell.r * g.inW + cell.c === indices[k])
      expect(winner?.value).toBe(output.data[k])
    }
    const plateau = { shape: [1, 1, 2, 2], data: new Float64Array([1, 5, 5, 0]) }
    const pg = poolGeometry(plateau.shape, { kernelSize: 2 })
    expect(tiedCells(poolWindow(pg, plateau.data, 0, 0, 0, 0), 5).map((cell) => [cell.r, cell.c])).toEqual([
      [0, 1],
      [1, 0],
    ])
    expect(maxPool2d(plateau, { kernelSize: 2 }).indices[0]).toBe(1)
  })
})

describe('transposed stamps', () => {
  it("add up to core's ConvTranspose2d (no bias) at every output cell (1e-12)", () => {
    const cases = [
      { x: [1, 2, 4, 5], w: [2, 3, 3, 3], options: { stride: 2, padding: 1, outputPadding: 1 } },
      { x: [2, 4, 3, 3], w: [4, 1, 2, 3], options: { stride: [2, 3] as [number, number], dilation: 2, groups: 2 } },
      { x: [1, 3, 5, 4], w: [3, 1, 3, 3], options: { padding: 2, groups: 3 } },
    ]
    for (const [k, { x: xs, w: ws, options }] of cases.entries()) {
      const x = normalTensor(xs, seededSource(20 + k))
      const w = normalTensor(ws, seededSource(30 + k))
      const { output, geometry: g } = convTranspose2d(x, w, null, options)
      for (let n = 0; n < g.batch; n++) {
        for (let m = 0; m < g.outChannels; m++) {
          for (let i = 0; i < g.outH; i++) {
            for (let j = 0; j < g.outW; j++) {
              const stamps = transposedStamps(g, x.data, w.data, n, m, i, j)
              const sum = stamps.reduce((s, t) => s + t.x * t.w, 0)
              const expected = output.data[((n * g.outChannels + m) * g.outH + i) * g.outW + j]
              expect(Math.abs(sum - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)))
              // the input view lights exactly the cells the stamps come from
              const reach = transposedReach(g, i, j)
              expect(reach.rows).toEqual([...new Set(stamps.map((t) => t.p))].sort((a, b) => a - b))
              expect(reach.cols).toEqual([...new Set(stamps.map((t) => t.q))].sort((a, b) => a - b))
              for (const t of stamps) {
                expect(t.p * g.strideH - g.padH + t.a * g.dilationH).toBe(i)
                expect(t.q * g.strideW - g.padW + t.b * g.dilationW).toBe(j)
              }
            }
          }
        }
      }
    }
  })
})
