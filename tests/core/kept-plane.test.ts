// The page's map planes and highlighted cells (src-renderer/src/lib/maps/kept-plane.ts, lib/grid/kept-cells.ts): a plane of a new result with
// the same numbers as the one shown is the one shown (its map is not painted again); any changed
// number, NaN against a number, 0 against −0, another size, make it the new one.

import { describe, expect, it } from 'vitest'
import { cellsKeeper, sameCells } from '../../src-renderer/src/lib/grid/kept-cells'
import { planeKeeper, samePlane } from '../../src-renderer/src/lib/maps/kept-plane'

const plane = (values: number[], offset = 0, count = values.length - offset) => ({ values: Float32Array.from(values), offset, count })

describe('kept planes', () => {
  it('compares the numbers of two planes bit for bit', () => {
    expect(samePlane(plane([1, 2, 3]), plane([1, 2, 3]))).toBe(true)
    expect(samePlane(plane([9, 1, 2, 3], 1), plane([1, 2, 3, 7], 0, 3))).toBe(true)
    expect(samePlane(plane([1, 2, 3]), plane([1, 2, 4]))).toBe(false)
    expect(samePlane(plane([1, 2, 3]), plane([1, 2]))).toBe(false)
    expect(samePlane(plane([NaN, 1]), plane([NaN, 1]))).toBe(true)
    expect(samePlane(plane([NaN, 1]), plane([0, 1]))).toBe(false)
    expect(samePlane(plane([0, 1]), plane([NaN, 1]))).toBe(false)
    expect(samePlane(plane([0, 1]), plane([-0, 1]))).toBe(false)
    expect(samePlane(plane([Infinity]), plane([Infinity]))).toBe(true)
    expect(samePlane(plane([Infinity]), plane([-Infinity]))).toBe(false)
  })

  it('keeps the plane shown while a new result holds the same numbers', () => {
    const keep = planeKeeper()
    const first = plane([1, 2, 3, 4])
    expect(keep(first)).toBe(first)
    expect(keep(plane([1, 2, 3, 4]))).toBe(first)
    const changed = plane([1, 2, 3, 5])
    expect(keep(changed)).toBe(changed)
    expect(keep(plane([1, 2, 3, 5]))).toBe(changed)
    const shorter = plane([1, 2, 3])
    expect(keep(shorter)).toBe(shorter)
  })
})

describe('kept highlighted cells', () => {
  it('keeps the cells while the same rows and columns come again', () => {
    const keep = cellsKeeper()
    const first = { rows: [1, 2], cols: [3, 4] }
    expect(keep(first)).toBe(first)
    expect(keep({ rows: [1, 2], cols: [3, 4] })).toBe(first)
    const moved = { rows: [1, 2], cols: [4, 5] }
    expect(keep(moved)).toBe(moved)
    expect(keep(null)).toBe(null)
    expect(sameCells({ rows: [1], cols: [2] }, { rows: [1], cols: [2, 3] })).toBe(false)
    expect(sameCells(null, { rows: [], cols: [] })).toBe(false)
  })
})

describe('kept planes of plain arrays and of two kinds', () => {
  it('compares numbers across array kinds', () => {
    expect(samePlane({ values: [1, 2, 0.5], offset: 0, count: 3 }, { values: Float32Array.of(1, 2, 0.5), offset: 0, count: 3 })).toBe(true)
    expect(samePlane({ values: Float64Array.of(1, 2, 0.1), offset: 0, count: 3 }, { values: Float32Array.of(1, 2, 0.1), offset: 0, count: 3 })).toBe(false)
    expect(samePlane({ values: Float64Array.of(5, 1, 2), offset: 1, count: 2 }, { values: Float64Array.of(1, 2, 9), offset: 0, count: 2 })).toBe(true)
    expect(samePlane({ values: Float64Array.of(5, 1, 2), offset: 1, count: 2 }, { values: Float64Array.of(1, 3, 9), offset: 0, count: 2 })).toBe(false)
  })
})
