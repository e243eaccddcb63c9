// The family layer's animation stage: the chosen view, the region on a large input, and the
// engine's tensors for them (loaded while the animation tab shows a layer other than Conv2d).
// One instance, read by the player and by the export dialog, so both draw the same frames.

import type { ErrorEnvelope, Transport } from '../../../../contract'
import type { Region } from '../../../../core/animation-region'
import type { FamilyView, TransposedForward } from '../../../../frames/family-choice'
import type { FamilyRequest, FamilySource } from './family-source'
import { loadFamilySource } from './family-source'

const RETRIES = 5
const RETRY_MS = 300

/** A failure that asking again can cure: superseded by a later compute, or its result replaced before it was read. */
function isTransient(error: ErrorEnvelope): boolean {
  return error.code === 'cancelled' || (error.code === 'bad-request' && String(error.params.detail ?? '').startsWith('probeStack: no result'))
}

export class FamilyStage {
  view = $state<FamilyView>('forward')
  transposedForward = $state<TransposedForward>('scatter')
  /** The output region wanted on a large input (null: the centre). */
  region = $state.raw<Region | null>(null)
  source = $state.raw<FamilySource | null>(null)
  error = $state.raw<ErrorEnvelope | null>(null)
  loading = $state(false)
  private asked = 0
  private lastKey = ''

  /** Loads the tensors for `request` unless they are loaded already (call from an effect). */
  async refresh(transport: Transport, request: FamilyRequest, key: string, retries = RETRIES): Promise<void> {
    if (key === this.lastKey && (this.source || this.error || this.loading)) return
    this.lastKey = key
    const ask = ++this.asked
    this.loading = true
    const answer = await loadFamilySource(transport, request)
    // A newer request was made meanwhile: its answer is the one to show.
    if (ask !== this.asked) return
    if (!answer.ok && isTransient(answer) && retries > 0) {
      // The engine's compute and this one share its one worker: a compute that came later
      // superseded it (or its result was replaced before it was read). Ask again shortly.
      this.lastKey = ''
      this.loading = false
      setTimeout(() => {
        if (ask === this.asked) void this.refresh(transport, request, key, retries - 1)
      }, RETRY_MS)
      return
    }
    this.loading = false
    if (answer.ok) {
      this.source = answer.value
      this.error = null
    } else {
      this.source = null
      this.error = answer
    }
  }

  /** Forgets the loaded tensors (the next refresh asks the engine again). */
  clear(): void {
    this.asked++
    this.lastKey = ''
    this.source = null
    this.error = null
    this.loading = false
  }
}

export const familyStage = new FamilyStage()
