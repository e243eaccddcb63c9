// The learning setup travels in the session file as `learning`: saved once a run has started,
// opened back into the Learn tab's run, absent (and the file as before) when there is none.

import { describe, expect, it } from 'vitest'
import { parseSession, serializeSession } from '../../core/session'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { applySession, sessionOf } from '../../src-renderer/src/lib/state/session-document'

function workbench() {
  const state = new AppState(fakeTransport())
  return { app: state, backward: state.backward, learning: state.learning }
}

describe('the learning setup in the session', () => {
  it('is left out before any run, so the file is as before', () => {
    const { app } = workbench()
    expect(sessionOf(app).learning).toBeUndefined()
    expect(serializeSession(sessionOf(app))).not.toContain('"learning"')
  })

  it('opens into the Learn tab (rate, steps, start, seed, preset) and is saved again the same', () => {
    const source = workbench()
    const session = {
      ...sessionOf(source.app),
      learning: { target: { kind: 'preset' as const, preset: 'sobel-y' as const }, learningRate: 0.05, steps: 42, start: 'current' as const, seed: 3 },
    }
    const opened = workbench()
    applySession(opened.app, parseSession(serializeSession(session)))
    expect([opened.learning.rate, opened.learning.steps, opened.learning.start, opened.learning.seed]).toEqual([0.05, 42, 'current', 3])
    expect(opened.backward.targetPreset).toBe('sobel-y')
    expect(parseSession(serializeSession(sessionOf(opened.app))).learning).toEqual(session.learning)
    // Opening a session without one forgets it.
    applySession(opened.app, parseSession(serializeSession(sessionOf(source.app))))
    expect(sessionOf(opened.app).learning).toBeUndefined()
  })
})
