// Picking the family region on the input thumbnail: a click on an input cell animates a region
// whose crop holds that cell, for a pool and for ConvTranspose2d; the crop is outlined on the thumbnail.
import { describe, expect, it } from 'vitest'
import type { Layer } from '../../core'
import { planLayer } from '../../core'
import type { FamilyPlan } from '../../frames/family-region'
import { familyCrop } from '../../frames/family-region'
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
