// The single-layer explorer for the whole family, in browser mode with the real engine: on the
// drawn 7×7 grid, pick ConvTranspose2d, MaxPool2d and AvgPool2d, see their maps and formulas,
// read a hovered value equal to core's layer for that cell (1e-12), see the gradient maps, then
// switch back to Conv2d and undo the switch.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { avgPool2d } from '../../core/avg-pool2d'
import { convTranspose2d } from '../../core/conv-transpose2d'
import { maxPool2d } from '../../core/max-pool2d'
import type { Tensor } from '../../core/tensor'
import { presetById } from '../../src-renderer/src/lib/kernels/presets'
import { sampleImage } from '../../src-renderer/src/lib/input/samples'
import { openBrowserMode, type BrowserMode } from './browser-mode'

const TOLERANCE = 1e-12

let mode: BrowserMode
let page: Page

/** The app's start: the 7×7 drawn digit, Sobel x, bias 0. */
const x: Tensor = { shape: [1, 1, 7, 7], data: sampleImage('digit', 7, 7) }
const sobel: Tensor = { shape: [1, 1, 3, 3], data: Float64Array.from(presetById('sobel-x').values) }
const zeroBias: Tensor = { shape: [1], data: new Float64Array(1) }

beforeAll(async () => {
  mode = await openBrowserMode('en-US')
  page = mode.page
})

afterAll(async () => {
  await mode?.close()
})

async function hoverCell(side: number, r: number, c: number): Promise<void> {
  const canvas = page.getByRole('grid', { name: new RegExp(`^Feature map y\\[0, 0\\], ${side}×${side}`) }).locator('canvas')
  await canvas.scrollIntoViewIfNeeded()
  const box = (await canvas.boundingBox())!
  await page.mouse.move(box.x + ((c + 0.5) * box.width) / side, box.y + ((r + 0.5) * box.height) / side)
}

/** The engine's value of the hovered cell, shown by the hover arithmetic. */
async function hoveredValue(i: number, j: number): Promise<number> {
  await expect.poll(() => page.getByTestId('cell-formula').textContent()).toContain(`y[0, 0, ${i}, ${j}]`)
  const value = page.getByTestId('cell-value')
  await value.waitFor()
  return Number(await value.getAttribute('data-value'))
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(expected)))
}

describe('the layer family on the drawn grid', () => {
  it('computes a ConvTranspose2d with its own formula and code, and a hovered value is core’s', async () => {
    await page.getByTestId('layer-type').selectOption('conv-transpose2d')
    // its maps come at once, before any other edit: (7 − 1)·1 + 3 = 9
    await page.getByRole('grid', { name: /^Feature map y\[0, 0\], 9×9/ }).waitFor()
    for (const axis of ['rows (H)', 'columns (W)']) await page.getByLabel(`Stride (paso), ${axis}`).fill('2')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 15, 15)')
    expect(await page.getByTestId('output-formula').first().textContent()).toBe('H_out = (7 − 1)·2 − 2·0 + 1·(3−1) + 0 + 1 = 15')
    expect(await page.getByTestId('kernel-layout').textContent()).toContain('(C_in, C_out/groups, KH, KW) = (1, 1, 3, 3)')
    await expect.poll(() => page.getByTestId('pytorch-code').textContent()).toContain('torch.nn.ConvTranspose2d(1, 1, 3, stride=2, dtype=torch.float64)')
    await expect.poll(() => page.getByTestId('feature-maps').locator('.maps').getAttribute('data-layer')).toBe('conv-transpose2d')

    const expected = convTranspose2d(x, sobel, zeroBias, { stride: 2 }).output
    // (3, 2) gets the stamps of x[1, 1] (tap (1, 0)) and x[1, 0] (tap (1, 2)): −2·1 + 2·0
    await hoverCell(15, 3, 2)
    const value = await hoveredValue(3, 2)
    expect(value).toBe(-2)
    expectClose(value, expected.data[3 * 15 + 2])
    expect(Number(await page.getByTestId('stamps').getAttribute('data-count'))).toBe(2)
  })

  it('computes a MaxPool2d in ceil mode: the hovered maximum is core’s, with where it is', async () => {
    await page.getByTestId('layer-type').selectOption('max-pool2d')
    await page.getByRole('grid', { name: /^Feature map y\[0, 0\], 2×2/ }).waitFor()
    await expect(page.getByTestId('kernel-pool').isVisible()).resolves.toBe(true)
    await page.getByLabel(/Ceil mode/).check()
    // window 3 (the kernel's size), stride 3 by default: ⌈(7 − 3)/3⌉ + 1 = 3
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 3, 3)')
    await expect.poll(() => page.getByTestId('pytorch-code').textContent()).toContain('torch.nn.MaxPool2d(3, ceil_mode=True)')
    const { output, indices } = maxPool2d(x, { kernelSize: 3, ceilMode: true })
    for (const [i, j] of [
      [0, 0],
      [1, 1],
      [2, 2],
    ]) {
      await hoverCell(3, i, j)
      const value = await hoveredValue(i, j)
      expect(value).toBe(output.data[i * 3 + j])
      const r = Math.floor(indices[i * 3 + j] / 7)
      const c = indices[i * 3 + j] % 7
      await expect.poll(() => page.getByTestId('layer-arith').textContent()).toContain(`at x[0, 0, ${r}, ${c}] (flat index ${indices[i * 3 + j]}`)
    }
  })

  it('computes an AvgPool2d whose edge window divides by its real cells only, as core does', async () => {
    await page.getByTestId('layer-type').selectOption('avg-pool2d')
    await page.getByLabel(/Padding cells count in the divisor/).uncheck()
    await expect.poll(() => page.getByTestId('pytorch-code').textContent()).toContain('torch.nn.AvgPool2d(3, ceil_mode=True, count_include_pad=False)')
    const expected = avgPool2d(x, { kernelSize: 3, ceilMode: true, countIncludePad: false }).output
    // the last window starts at row 6, column 6: one real cell
    await hoverCell(3, 2, 2)
    expectClose(await hoveredValue(2, 2), expected.data[8])
    expect(await page.getByTestId('avg-divisor').getAttribute('data-divisor')).toBe('1')
    await hoverCell(3, 1, 0)
    expectClose(await hoveredValue(1, 0), expected.data[3])
    expect(await page.getByTestId('avg-divisor').getAttribute('data-divisor')).toBe('9')
  })

  it('shows the pool’s gradient maps without dE/dw, and the Learn tab says a pool has no weights', async () => {
    await page.getByRole('tab', { name: 'Backward: gradient maps' }).click()
    await page.getByRole('grid', { name: /^dE\/dx\[0, 0\], 7×7/ }).waitFor()
    await page.getByRole('grid', { name: /^dE\/dy\[0, 0\], 3×3/ }).waitFor()
    await expect(page.getByTestId('no-weight-grads').isVisible()).resolves.toBe(true)
    expect(await page.getByRole('grid', { name: /^dE\/dw/ }).count()).toBe(0)
    await page.getByRole('tab', { name: 'Learn the kernel' }).click()
    expect(await page.getByTestId('learn-pool').textContent()).toContain('AvgPool2d has no weights')
    await page.getByRole('tab', { name: 'Animation' }).click()
  })

  it('switches back to Conv2d with the same kernel, and undo brings the AvgPool2d back', async () => {
    await page.getByTestId('layer-type').selectOption('conv2d')
    // the stride 2 set on the transposed layer carried over to the Conv2d
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 3, 3)')
    await expect.poll(() => page.getByTestId('feature-maps').locator('.maps').getAttribute('data-layer')).toBe('conv2d')
    await page.getByRole('grid', { name: /^Feature map y\[0, 0\], 3×3/ }).waitFor()
    expect(await page.getByLabel('Preset').inputValue()).toBe('sobel-x')
    await page.getByRole('button', { name: 'Undo', exact: true }).click()
    await expect.poll(() => page.getByTestId('layer-type').inputValue()).toBe('avg-pool2d')
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (1, 1, 3, 3)')
    expect(await page.getByLabel(/Padding cells count in the divisor/).isChecked()).toBe(false)
    expect(mode.pageErrors).toEqual([])
  })
})
