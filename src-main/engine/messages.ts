// Messages between the engine (main thread) and its compute worker: each job by its op, with
// what the job carries and the value the worker answers it with.

import type {
  ComputeRequest,
  ComputeResult,
  EngineEvent,
  FilteredTarget,
  FilteredTargetRequest,
  GradcheckRequest,
  GradientCheckReport,
  GradientCheckRequest,
  LearnStepRequest,
  LearnStepResult,
  ProbeRequest,
  RegionValues,
  RegionValuesRequest,
  Result,
  StackComputeRequest,
  StackComputeResult,
  StackProbeRequest,
  TensorPayload,
} from '../../contract'
import type { GradcheckReport } from '../../core'

export interface WorkerJobs {
  setInput: { job: { inputId: string; tensor: TensorPayload }; answer: { inputId: string } }
  compute: { job: { seq: number; request: ComputeRequest }; answer: ComputeResult }
  probe: { job: { request: ProbeRequest }; answer: Float64Array }
  gradcheck: { job: { generation: number; request: GradcheckRequest }; answer: GradcheckReport }
  about: { job: object; answer: { kernel: string } }
  learn: { job: { request: LearnStepRequest }; answer: LearnStepResult }
  region: { job: { request: RegionValuesRequest }; answer: RegionValues }
  filteredTarget: { job: { targetId: string; request: FilteredTargetRequest }; answer: FilteredTarget }
  /** A copy of a stored input (for the checks worker). */
  inputCopy: { job: { inputId: string }; answer: TensorPayload }
  checkGradients: { job: { generation: number; input: TensorPayload; request: GradientCheckRequest }; answer: GradientCheckReport }
  /** A stack, superseded like compute (same arrival counter). */
  computeStack: { job: { seq: number; request: StackComputeRequest }; answer: StackComputeResult }
  probeStack: { job: { request: StackProbeRequest }; answer: Float64Array }
}

export type Op = keyof WorkerJobs
export type JobOf<O extends Op> = { op: O } & WorkerJobs[O]['job']
/** Any one job, before its id is given. */
export type Job = { [O in Op]: JobOf<O> }[Op]
export type ToWorker = Job & { id: number }
export type AnswerOf<O extends Op> = WorkerJobs[O]['answer']

export type FromWorker = { id: number; result: Result<unknown> } | { id?: undefined; event: EngineEvent }

/** Shared between the threads, so a running job sees a newer request without a message. */
export const CONTROL = {
  /** Arrival number of the newest compute request. */
  latestCompute: 0,
  /** Bumped by every gradcheck cancel. */
  gradcheckGeneration: 1,
  /** Arrival number of the newest computeStack in the 'animation' lane. */
  latestAnimation: 2,
} as const

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT))
}
