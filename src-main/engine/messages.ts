// Messages between the engine (main thread) and its compute worker.

import type { ComputeRequest, EngineEvent, FilteredTargetRequest, GradcheckRequest, LearnStepRequest, ProbeRequest, Result, TensorPayload } from '../../contract'

export type ToWorker =
  | { id: number; op: 'setInput'; inputId: string; tensor: TensorPayload }
  | { id: number; op: 'compute'; seq: number; request: ComputeRequest }
  | { id: number; op: 'probe'; request: ProbeRequest }
  | { id: number; op: 'gradcheck'; generation: number; request: GradcheckRequest }
  | { id: number; op: 'about' }
  | { id: number; op: 'learn'; request: LearnStepRequest }
  | { id: number; op: 'filteredTarget'; targetId: string; request: FilteredTargetRequest }

export type FromWorker = { id: number; result: Result<unknown> } | { id?: undefined; event: EngineEvent }

/** Shared between the threads, so a running job sees a newer request without a message. */
export const CONTROL = {
  /** Arrival number of the newest compute request. */
  latestCompute: 0,
  /** Bumped by every gradcheck cancel. */
  gradcheckGeneration: 1,
} as const

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT))
}
