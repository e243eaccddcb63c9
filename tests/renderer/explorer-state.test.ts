import { describe, expect, it } from 'vitest'
import { flushSync } from 'svelte'
import { displaySide, Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { messageOf } from '../../messages'

describe('explorer state', () => {
  it("follows the input's channels with the kernel, keeping each filter's values", () => {
    const app = new Explorer(fakeTransport())
    const sobel = Array.from(app.weight.data)
    app.setInput({ shape: [1, 3, 8, 8], data: new Float64Array(192) }, { kind: 'image', name: 'a.png', inputId: 'x', originalWidth: 8, originalHeight: 8 })
    expect(app.weight.shape).toEqual([1, 3, 3, 3])
    expect(Array.from(app.weight.data.subarray(18, 27))).toEqual(sobel)
    flushSync()
    expect(app.check.ok).toBe(true)
  })

  it('makes the kernel depthwise when groups equal the channels, and says why groups cannot be 2', () => {
    const app = new Explorer(fakeTransport())
    app.resizeDrawing([1, 3, 7, 7])
    app.setWeight({ shape: [3, 3, 3, 3], data: new Float64Array(81) })
    app.setGroups(3)
    expect(app.weight.shape).toEqual([3, 1, 3, 3])
    expect(app.check.ok).toBe(true)
    app.setGroups(2)
    expect(app.check.ok).toBe(false)
    if (!app.check.ok) expect(messageOf(app.check.error, 'es')).toBe('grupos 2 debe dividir a in_channels 3')
  })

  it('keeps one bias per filter and reports a kernel file of the wrong shape', () => {
    const app = new Explorer(fakeTransport())
    app.setWeight({ shape: [4, 1, 3, 3], data: new Float64Array(36) })
    expect(app.bias).toHaveLength(4)
    app.setBias(2, 0.5)
    app.setWeight({ shape: [3, 1, 3, 3], data: new Float64Array(27) })
    expect(Array.from(app.bias)).toEqual([0, 0, 0.5])
    app.placeKernel({ shape: [7], data: new Float64Array(7) })
    expect(app.notices.map((n) => [n.code, n.params.shape])).toEqual([['kernel-shape', '(7)']])
    expect(app.weight.shape).toEqual([3, 1, 3, 3])
  })

  it('asks for maps as large as they are shown, and full resolution while one is zoomed in', () => {
    // 1024 cells on 160 device pixels: boxes of 6, 171 ≥ 160 per side; 320 pixels: boxes of 3
    expect(displaySide(1024, 160)).toBe(171)
    expect(displaySide(1024, 320)).toBe(342)
    // fewer than two cells per pixel: no box, full size
    expect(displaySide(300, 160)).toBe(0)
    expect(displaySide(7, 360)).toBe(0)
    const app = new Explorer(fakeTransport())
    expect(app.fullResolution).toBe(false)
    app.setZoom('a', 3)
    flushSync()
    expect(app.fullResolution).toBe(true)
    app.setZoom('a', 1)
    flushSync()
    expect(app.fullResolution).toBe(false)
  })
})
