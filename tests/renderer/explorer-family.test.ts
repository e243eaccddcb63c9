// The explorer's state with a layer of the family: the weight's layout follows the layer (and
// the input's channels, the groups and the filter count through the editor's view), an
// impossible setting is kept as it is with core's reason, and Conv2d comes back as it was.

import { describe, expect, it } from 'vitest'
import { flushSync } from 'svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { convToTransposed } from '../../src-renderer/src/lib/kernels/layout'
import { reshapeWeight } from '../../src-renderer/src/lib/kernels/weights'

function rgbExplorer(filters: number): Explorer {
  const app = new Explorer(fakeTransport())
  app.resizeDrawing([1, 3, 7, 7])
  app.setWeight(reshapeWeight(app.weight, [filters, 3, 3, 3]))
  app.weight.data.forEach((_, k) => (app.weight.data[k] = k))
  return app
}

describe('the explorer with a layer of the family', () => {
  it('reads the weight as (C_in, C_out/groups, KH, KW) for ConvTranspose2d, shows it as filters, and gives it back on the way to Conv2d', () => {
    const app = rgbExplorer(2)
    const conv = app.weight
    app.setLayer('conv-transpose2d')
    flushSync()
    expect(app.weight.shape).toEqual([3, 2, 3, 3])
    expect(app.weight).toEqual(convToTransposed(conv, 1))
    expect(app.kernelView).toEqual(conv)
    expect(app.layerCheck?.ok && app.layerCheck.plan.outputShape).toEqual([1, 2, 9, 9])
    expect(app.outputShape).toEqual([1, 2, 9, 9])
    expect(app.bias.length).toBe(2)
    app.setLayer('conv2d')
    expect(app.weight).toEqual(conv)
    expect(app.layerCheck).toBeNull()
    expect(app.check.ok).toBe(true)
  })

  it('fits the transposed weight to a new input, to new groups and to a new filter count', () => {
    const app = rgbExplorer(2)
    app.setLayer('conv-transpose2d')
    app.setGroups(3)
    // C_out rounds up to whole groups: 2 → 3, one filter per group
    expect(app.layer).toMatchObject({ type: 'conv-transpose2d', options: { groups: 3 } })
    expect(app.weight.shape).toEqual([3, 1, 3, 3])
    expect(app.bias.length).toBe(3)
    flushSync()
    expect(app.layerCheck?.ok).toBe(true)
    app.setKernelView(reshapeWeight(app.kernelView, [4, 1, 3, 3]))
    expect(app.weight.shape).toEqual([3, 2, 3, 3])
    expect(app.bias.length).toBe(6)
    app.resizeDrawing([1, 1, 7, 7])
    expect(app.layer).toMatchObject({ options: { groups: 1 } })
    expect(app.weight.shape).toEqual([1, 6, 3, 3])
    expect(app.bias.length).toBe(6)
    flushSync()
    expect(app.layerCheck?.ok).toBe(true)
  })

  it("keeps an impossible setting as it is, with core's reason, and computes nothing", () => {
    const app = rgbExplorer(1)
    app.setLayer('conv-transpose2d')
    const layer = app.layer
    if (layer.type !== 'conv-transpose2d') throw new Error('not transposed')
    app.setLayerOptions(layer, { ...layer.options, outputPadding: [4, 0] })
    flushSync()
    expect(app.layer).not.toBe(layer)
    expect(app.layer).toMatchObject({ options: { outputPadding: [4, 0] } })
    expect(app.layerCheck?.ok).toBe(false)
    expect(app.layerCheck && !app.layerCheck.ok && app.layerCheck.error.code).toBe('output-padding-too-large')
    expect(app.computable).toBe(false)
    expect(app.outputShape).toBeNull()
  })

  it('gives a pool its window from the kernel, no weight of its own, and the Conv2d kernel back afterwards', () => {
    const app = rgbExplorer(2)
    const conv = app.weight
    app.setLayer('max-pool2d')
    flushSync()
    expect(app.layer).toMatchObject({ type: 'max-pool2d', options: { kernelSize: [3, 3] } })
    expect(app.outputShape).toEqual([1, 3, 2, 2])
    expect(app.fieldMap?.geometry).toMatchObject({ kernelH: 3, strideH: 3, groups: 3 })
    app.setLayer('avg-pool2d')
    app.setLayer('conv2d')
    expect(app.weight).toBe(conv)
  })
})
