// Picking the family region on the input thumbnail: a click on an input cell animates a region
// whose crop holds that cell, for a pool and for ConvTranspose2d; the crop is outlined on the thumbnail;
// a transposed window holds every cell whose stamps reach its region and crops its output to it.
import { describe, expect, it } from 'vitest'
import type { Layer } from '../../core'
import { planLayer } from '../../core'
import type { FamilyPlan } from '../../frames/family-region'
import { familyCrop, transposedAxis } from '../../frames/family-region'
import { cropOnThumbnail, regionAtInput } from '../../src-renderer/src/lib/animation/family-region-view'
import { random } from './family-helpers'

const LAYERS: Array<[string, Layer]> = [
  ['max-pool', { type: 'max-pool2d', kernelSize: 3, stride: 2, padding: 1 }],
  ['avg-pool', { type: 'avg-pool2d', kernelSize: 2 }],
  ['ConvTranspose2d', { type: 'conv-transpose2d', weight: random([3, 2, 3, 3], 1), bias: null, stride: 2, padding: 1 }],
]

describe('the family region picked on the input', () => {
  it.each(LAYERS)('%s: the crop of the region picked at an input cell holds that cell (near it at the border)', (_, layer) => {
    const plan = planLayer(layer, [1, 3, 120, 90]) as FamilyPlan
    for (const [r, c] of [
      [60, 45],
      [20, 70],
      [0, 0],
      [119, 89],
    ]) {
      const crop = familyCrop(layer, plan, regionAtInput(plan, r, c))
      // A pool's region stays where no window reads padding: a border cell may be a stride away.
      const slack = r === 0 || r === 119 ? 2 : 0
      expect(r >= crop.top - slack && r < crop.top + crop.height + slack, `row ${r} in ${crop.top}+${crop.height}`).toBe(true)
      expect(c >= crop.left - slack && c < crop.left + crop.width + slack, `column ${c} in ${crop.left}+${crop.width}`).toBe(true)
    }
  })

  it('outlines the crop on a thumbnail', () => {
    expect(cropOnThumbnail({ top: 10, left: 0, height: 20, width: 40 }, 100, 200, 50, 100)).toEqual({
      rows: Array.from({ length: 10 }, (_, k) => 5 + k),
      cols: Array.from({ length: 20 }, (_, k) => k),
    })
  })
})

describe("a transposed layer's window on a region", () => {
  it('holds every input cell whose stamps reach the region, and crops its own output to exactly the region', () => {
    let cases = 0
    for (const stride of [1, 2, 3, 4])
      for (const kernel of [1, 2, 3, 5])
        for (const dilation of [1, 2])
          for (const padding of [0, 1, 3])
            for (const start of [0, 1, 7, 30])
              for (const count of [1, 4, 8]) {
                const size = 12
                const axis = transposedAxis(start, count, size, kernel, stride, padding, dilation)
                const reach = dilation * (kernel - 1)
                // Every real input cell with a stamp i·S + a·D − P inside start..start+count−1 is in the window.
                for (let i = 0; i < size; i++)
                  for (let a = 0; a < kernel; a++) {
                    const o = i * stride + a * dilation - padding
                    if (o >= start && o < start + count) expect(i >= axis.from && i < axis.from + axis.length).toBe(true)
                  }
                // PyTorch's rules for the window's own layer, and its output is count long.
                expect(axis.padding).toBeGreaterThanOrEqual(0)
                expect(axis.outputPadding).toBeGreaterThanOrEqual(0)
                expect(axis.outputPadding).toBeLessThan(Math.max(stride, dilation))
                expect((axis.length - 1) * stride - 2 * axis.padding + reach + axis.outputPadding + 1).toBe(count)
                // Window cell k is input cell from + k: its output o′ = o − start.
                expect(axis.padding).toBe(padding + start - axis.from * stride)
                cases++
              }
    expect(cases).toBe(4 * 4 * 2 * 3 * 4 * 3)
  })
})
