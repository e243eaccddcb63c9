// The comparison behind the unsaved mark: documents are the same work when every value is, bit
// for bit as a saved float64 file would hold them; an undo step's id is not part of the work.

import { describe, expect, it } from 'vitest'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { readDocument } from '../../src-renderer/src/lib/state/document'
import { sameDocument, sameValue } from '../../src-renderer/src/lib/state/same-document'

describe('sameValue', () => {
  it('compares numbers as stored: -0 is not 0, NaN is NaN', () => {
    expect(sameValue(Float64Array.from([1, NaN]), Float64Array.from([1, NaN]))).toBe(true)
    expect(sameValue(Float64Array.from([0]), Float64Array.from([-0]))).toBe(false)
    expect(sameValue(Float64Array.from([1, 2]), Float64Array.from([1, 2, 3]))).toBe(false)
    expect(sameValue(Float64Array.from([1]), Float32Array.from([1]))).toBe(false)
    expect(sameValue(-0, 0)).toBe(false)
  })

  it('goes into arrays and objects; an undefined field is one left out', () => {
    const tensor = () => ({ shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) })
    expect(sameValue({ kind: 'drawn', t: tensor(), list: [1, 'a', null] }, { kind: 'drawn', t: tensor(), list: [1, 'a', null] })).toBe(true)
    expect(sameValue({ kind: 'drawn', name: undefined }, { kind: 'drawn' })).toBe(true)
    expect(sameValue({ kind: 'drawn', name: 'a' }, { kind: 'drawn' })).toBe(false)
    expect(sameValue({ shape: [1, 2] }, { shape: [1, 2, 1] })).toBe(false)
    expect(sameValue([1], { 0: 1 })).toBe(false)
    expect(sameValue(null, {})).toBe(false)
  })
})

describe('sameDocument', () => {
  it('ignores the undo step id and notices any change of the work', () => {
    const state = new AppState(fakeTransport())
    const { history, explorer } = state
    const start = history.present
    expect(sameDocument(start, { ...start, id: start.id + 1 } as typeof start)).toBe(true)
    expect(sameDocument(start, readDocument(state))).toBe(true)
    explorer.settings.dilationH = 2
    expect(sameDocument(start, readDocument(state))).toBe(false)
    explorer.settings.dilationH = 1
    explorer.useBias = !explorer.useBias
    expect(sameDocument(start, readDocument(state))).toBe(false)
    explorer.useBias = !explorer.useBias
    const input = { shape: [...explorer.input.shape], data: Float64Array.from(explorer.input.data) }
    input.data[3] += 1
    explorer.setInput(input, { kind: 'drawn' })
    expect(sameDocument(start, readDocument(state))).toBe(false)
    input.data[3] -= 1
    expect(sameDocument(start, readDocument(state))).toBe(true)
  })
})
