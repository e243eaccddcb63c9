// The Matrix view's logic without a page: which matrix each layer shows (and when it cannot), what
// a hovered row, column or entry lights up, the arrow keys, the picture's hit test and labels.
import { describe, expect, it } from 'vitest'
import { conv2dMatrix, transposeMatrix } from '../../core/conv-matrix'
import type { Tensor } from '../../core/tensor'
import { fitCellPx, hitTest, matrixLayout } from '../../src-renderer/src/lib/matrix/draw-matrix'
import { cellName, entryAt, entryLabel, entryWeights, layerMatrices } from '../../src-renderer/src/lib/matrix/layer-matrix'
import { linkedCells, moveFocus } from '../../src-renderer/src/lib/matrix/links'
import type { LayerResultValues } from '../../src-renderer/src/lib/matrix/values'
import { matrixValues, poolIndices } from '../../src-renderer/src/lib/matrix/values'
import type { Shown } from '../../src-renderer/src/lib/state/explorer.svelte'
import type { SessionLayer } from '../../core/session'

const sobel: Tensor = { shape: [1, 1, 3, 3], data: Float64Array.of(-1, 0, 1, -2, 0, 2, -1, 0, 1) }
const sevenBySeven = [1, 1, 7, 7]

describe('the matrices of each layer', () => {
  it('Conv2d: C forward (25 × 49 on a 7×7 input) and Cᵀ backward, with the vectors’ names', () => {
    const made = layerMatrices({ layer: { type: 'conv2d' }, inputShape: sevenBySeven, weight: sobel, convOptions: {}, indices: null })
    if (made.kind !== 'ok') throw new Error(made.kind)
    expect([made.forward.symbol, made.forward.rows.name, made.forward.cols.name, made.forward.matrix.rows, made.forward.matrix.cols]).toEqual([
      'C',
      'y',
      'x',
      25,
      49,
    ])
    expect([made.backward.symbol, made.backward.rows.name, made.backward.cols.name, made.backward.matrix.rows]).toEqual(['Cᵀ', 'dE/dx', 'dE/dy', 49])
    expect(made.weightShape).toEqual([1, 1, 3, 3])
  })

  it('ConvTranspose2d: its forward is Cᵀ and its backward C', () => {
    const made = layerMatrices({
      layer: { type: 'conv-transpose2d', options: { stride: 2 } },
      inputShape: [1, 1, 3, 3],
      weight: sobel,
      convOptions: {},
      indices: null,
    })
    if (made.kind !== 'ok') throw new Error(made.kind)
    expect([made.forward.symbol, made.backward.symbol]).toEqual(['Cᵀ', 'C'])
    // (3 − 1)·2 + 3 = 7: a 3×3 input goes up to 7×7
    expect([made.forward.matrix.rows, made.forward.matrix.cols]).toEqual([49, 9])
  })

  it('AvgPool2d has entries 1/divisor and no weights; MaxPool2d waits for the engine’s indices', () => {
    const avg = layerMatrices({
      layer: { type: 'avg-pool2d', options: { kernelSize: 2 } },
      inputShape: [1, 1, 4, 4],
      weight: sobel,
      convOptions: {},
      indices: null,
    })
    if (avg.kind !== 'ok') throw new Error(avg.kind)
    expect([...avg.forward.matrix.value].every((v) => v === 0.25)).toBe(true)
    expect(avg.weightShape).toBeNull()
    expect(entryWeights(avg.forward.matrix, 0, avg.weightShape)).toEqual([])
    const max = layerMatrices({
      layer: { type: 'max-pool2d', options: { kernelSize: 2 } },
      inputShape: [1, 1, 4, 4],
      weight: sobel,
      convOptions: {},
      indices: null,
    })
    expect(max.kind).toBe('needs-indices')
    const selected = layerMatrices({
      layer: { type: 'max-pool2d', options: { kernelSize: 2 } },
      inputShape: [1, 1, 4, 4],
      weight: sobel,
      convOptions: {},
      indices: [5, 2, 8, 15],
    })
    if (selected.kind !== 'ok') throw new Error(selected.kind)
    expect([...selected.forward.matrix.column]).toEqual([5, 2, 8, 15])
    expect(selected.forward.symbol).toBe('S')
  })

  it('is off above 16×16, and says why settings cannot be computed', () => {
    expect(layerMatrices({ layer: { type: 'conv2d' }, inputShape: [1, 1, 17, 8], weight: sobel, convOptions: {}, indices: null })).toEqual({
      kind: 'too-large',
      height: 17,
      width: 8,
    })
    const refused = layerMatrices({ layer: { type: 'conv2d' }, inputShape: sevenBySeven, weight: sobel, convOptions: { dilation: 5 }, indices: null })
    expect(refused.kind === 'error' && refused.code).toBe('kernel-too-large')
  })
})

describe('hover links and names', () => {
  const matrix = conv2dMatrix(sevenBySeven, sobel)
  const byColumn = transposeMatrix(matrix)

  it('a row lights its 3×3 window of inputs; a column every output reading it; an entry its row and column', () => {
    const row = linkedCells(matrix, byColumn, { kind: 'row', row: 7 })
    expect([...row.rows]).toEqual([7])
    expect([...row.cols].sort((a, b) => a - b)).toEqual([9, 10, 11, 16, 17, 18, 23, 24, 25])
    const centre = linkedCells(matrix, byColumn, { kind: 'col', col: 24 })
    expect(centre.rows.size).toBe(9)
    expect(linkedCells(matrix, byColumn, { kind: 'entry', row: 7, col: 17 })).toEqual({ rows: new Set([7]), cols: new Set([17]) })
    expect(linkedCells(matrix, byColumn, null)).toEqual({ rows: new Set(), cols: new Set() })
  })

  it('names cells and entries: y[n, c, h, w] and w[o, i, p, q], the kernel position as the label', () => {
    const made = layerMatrices({ layer: { type: 'conv2d' }, inputShape: sevenBySeven, weight: sobel, convOptions: {}, indices: null })
    if (made.kind !== 'ok') throw new Error(made.kind)
    expect(cellName(made.forward.rows, 7, 0)).toBe('y[0, 0, 1, 2]')
    const e = entryAt(matrix, 7, 17)
    expect(entryWeights(matrix, e, [1, 1, 3, 3])).toEqual(['w[0, 0, 1, 1]'])
    expect(entryLabel(matrix, e, [1, 1, 3, 3])).toBe('1,1')
    expect(entryLabel(matrix, e, [2, 1, 3, 3])).toBe('0,0,1,1')
    expect(entryAt(matrix, 7, 0)).toBe(-1)
  })

  it('moves with the arrow keys, clamped at the edges; Escape clears', () => {
    expect(moveFocus(null, 'ArrowDown', 25, 49)).toEqual({ kind: 'row', row: 0 })
    expect(moveFocus({ kind: 'row', row: 24 }, 'ArrowDown', 25, 49)).toEqual({ kind: 'row', row: 24 })
    expect(moveFocus({ kind: 'entry', row: 3, col: 9 }, 'ArrowRight', 25, 49)).toEqual({ kind: 'col', col: 10 })
    expect(moveFocus({ kind: 'col', col: 5 }, 'End', 25, 49)).toEqual({ kind: 'col', col: 48 })
    expect(moveFocus({ kind: 'row', row: 5 }, 'Escape', 25, 49)).toBeNull()
    const same = { kind: 'row', row: 2 } as const
    expect(moveFocus(same, 'a', 25, 49)).toBe(same)
  })

  it('finds the entry, row or column under a point of the picture, and fits the cells to the width', () => {
    const cell = fitCellPx(49, 700)
    const layout = matrixLayout(25, 49, cell)
    expect(layout.width).toBeLessThanOrEqual(700)
    expect(matrixLayout(25, 49, cell + 1).width).toBeGreaterThan(700)
    const y = layout.top + 7.5 * cell
    expect(hitTest(layout, layout.matrixX + 17.5 * cell, y)).toEqual({ kind: 'entry', row: 7, col: 17 })
    expect(hitTest(layout, 2, y)).toEqual({ kind: 'row', row: 7 })
    expect(hitTest(layout, layout.colsX + 2, layout.top + 40.5 * cell)).toEqual({ kind: 'col', col: 40 })
    // below the matrix's last row only the taller x column answers
    expect(hitTest(layout, layout.matrixX + 2, layout.top + 40.5 * cell)).toBeNull()
    expect(hitTest(layout, 2, 1)).toBeNull()
  })
})

describe('the values beside the matrix', () => {
  const input = Float64Array.from({ length: 2 * 49 }, (_, k) => k)
  const sizes = { inputs: 49, outputs: 25 }
  const shown = (outH: number) =>
    ({
      result: { requestId: 7, geometry: { outChannels: 1, outH, outW: 5, inChannels: 1, inH: 7, inW: 7 } },
      input: { shape: [2, 1, 7, 7], data: input },
      exact: { output: Float64Array.from({ length: 2 * outH * 5 }, (_, k) => 100 + k), gradOutput: null, gradInput: null },
    }) as unknown as Shown

  it('reads batch item n of the engine’s Conv2d result, and nothing from a result of other settings', () => {
    const values = matrixValues({ type: 'conv2d' }, shown(5), null, input, 1, sizes)
    expect([values.x?.[0], values.y?.[0], values.y?.length, values.gradInput, values.requestId]).toEqual([49, 125, 25, null, 7])
    // a 4×5 output (computed before the last edit) is not this 25-row matrix's: x alone
    const stale = matrixValues({ type: 'conv2d' }, shown(4), null, input, 1, sizes)
    expect([stale.x?.[0], stale.y, stale.requestId]).toEqual([49, null, null])
  })

  it('reads another layer’s stack-of-one result only while it is the current layer, with MaxPool2d’s indices per item', () => {
    const layer: SessionLayer = { type: 'max-pool2d', options: { kernelSize: 2 } }
    const layerShown: LayerResultValues = {
      layer,
      input: { shape: [2, 1, 4, 4], data: new Float64Array(32) },
      exact: { output: new Float64Array(8), gradOutput: null, gradInput: null },
      result: { requestId: 3, layers: [{ indices: { shape: [2, 1, 2, 2], data: Float64Array.of(0, 2, 8, 10, 5, 7, 13, 15) } }] },
    }
    expect([...poolIndices(layer, layerShown, [2, 1, 4, 4], 1)!]).toEqual([5, 7, 13, 15])
    // another layer object (options edited since) or another input shape: no indices
    expect(poolIndices({ ...layer }, layerShown, [2, 1, 4, 4], 1)).toBeNull()
    expect(poolIndices(layer, layerShown, [2, 1, 6, 6], 1)).toBeNull()
    const values = matrixValues(layer, null, layerShown, new Float64Array(32), 0, { inputs: 16, outputs: 4 })
    expect([values.requestId, Array.from(values.indices!)]).toEqual([3, [0, 2, 8, 10]])
    expect(matrixValues({ type: 'avg-pool2d', options: { kernelSize: 2 } }, null, layerShown, new Float64Array(32), 0, { inputs: 16, outputs: 4 }).y).toBeNull()
  })
})
