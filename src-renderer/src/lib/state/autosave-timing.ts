// When the periodic autosave runs: every few seconds, but only once the edits have paused, so
// writing a photo's session (a long task on the page) never lands in the middle of typing a value
// or dragging a kernel, where it would hold the next maps back.

/** How long the document must stay unchanged before an autosave may run, ms. */
export const AUTOSAVE_QUIET_MS = 1500

export interface AutosaveClock {
  /** Undo step id last seen, and when it was first seen (ms). */
  stepId: number
  changedAt: number
  /** When the last periodic autosave was started (ms). */
  savedAt: number
}

/**
 * Notes the present step at `now` and says whether an autosave is due: `everyMs` since the last
 * one and `quietMs` since the last change.
 */
export function autosaveDue(clock: AutosaveClock, stepId: number, now: number, everyMs: number, quietMs = AUTOSAVE_QUIET_MS): boolean {
  if (stepId !== clock.stepId) {
    clock.stepId = stepId
    clock.changedAt = now
  }
  if (now - clock.savedAt < everyMs || now - clock.changedAt < quietMs) return false
  clock.savedAt = now
  return true
}
