// The learning setup travels in the session file as `learning`: saved once a run has started,
// opened back into the Learn tab's run, absent (and the file as before) when there is none.

import { describe, expect, it } from 'vitest'
import { parseSession, serializeSession } from '../../core/session'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { Backward } from '../../src-renderer/src/lib/state/backward.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { Learning } from '../../src-renderer/src/lib/state/learning.svelte'
import { LEARNING_PART, applySession, sessionOf } from '../../src-renderer/src/lib/state/session-document'
import { registerDocumentPart } from '../../src-renderer/src/lib/state/session-parts'

function workbench() {
  const app = new Explorer(fakeTransport())
  const backward = new Backward(app)
  const learning = new Learning(app, backward)
  // As the workbench registers it.
  registerDocumentPart(app, LEARNING_PART, { capture: () => learning.sessionLearning, restore: (saved) => learning.restoreSession(saved) })
  return { app, backward, learning }
}

describe('the learning setup in the session', () => {
  it('is left out before any run, so the file is as before', () => {
    const { app } = workbench()
    expect(sessionOf(app).learning).toBeUndefined()
    expect(serializeSession(sessionOf(app))).not.toContain('"learning"')
  })

  it('opens into the Learn tab (rate, steps, start, seed, preset) and is saved again the same', () => {
    const source = workbench()
    const session = { ...sessionOf(source.app), learning: { target: { kind: 'preset' as const, preset: 'sobel-y' as const }, learningRate: 0.05, steps: 42, start: 'current' as const, seed: 3 } }
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
