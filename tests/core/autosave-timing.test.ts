// The page's periodic autosave (src-renderer/src/lib/state/autosave-timing.ts): due every few
// seconds, but not while the document keeps changing; due once the edits have paused.

import { describe, expect, it } from 'vitest'
import { autosaveDue } from '../../src-renderer/src/lib/state/autosave-timing'

describe('autosave timing', () => {
  it('waits for the period, then for a pause in the edits', () => {
    const clock = { stepId: 1, changedAt: 0, savedAt: 0 }
    expect(autosaveDue(clock, 1, 5000, 10_000, 1500)).toBe(false)
    // edits keep coming every 500 ms past the period: not due
    for (let t = 9500, id = 2; t <= 14_000; t += 500, id++) expect(autosaveDue(clock, id, t, 10_000, 1500)).toBe(false)
    // the edits stopped at 14 000 ms: due 1.5 s later, once
    expect(autosaveDue(clock, 11, 15_000, 10_000, 1500)).toBe(false)
    expect(autosaveDue(clock, 11, 15_500, 10_000, 1500)).toBe(true)
    expect(autosaveDue(clock, 11, 16_000, 10_000, 1500)).toBe(false)
    // the next one a period later
    expect(autosaveDue(clock, 11, 25_000, 10_000, 1500)).toBe(false)
    expect(autosaveDue(clock, 11, 25_500, 10_000, 1500)).toBe(true)
  })
})
