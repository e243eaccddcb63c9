// Sends the latest edit to the engine, each request superseding the ones before it: at once when
// the engine is idle (a single change waits for nothing), debounced during a burst of edits.

import type { ComputeResult, ErrorEnvelope, GradOutputSpec, Result, StackComputeResult, Transport, WireLayer } from '../../../../contract'
import type { Conv2dOptions } from '../../../../core/geometry'
import type { LayerPlan } from '../../../../core/layer-compute'
import type { SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'

export interface ComputeJob {
  input: Tensor
  /** Set when the engine already holds this input (a decoded image). */
  inputId?: string
  weight: Tensor
  bias: Float64Array | null
  options: Conv2dOptions
  /** Longest side of the maps sent back (0 = full size). */
  maxSide: number
  /** Upstream gradient when the engine computes the backward pass too (large inputs). */
  gradOutput?: GradOutputSpec | null
  /** A layer other than Conv2d (then `options` is unused): computed as a stack of one. */
  layer?: { spec: Exclude<SessionLayer, { type: 'conv2d' }>; wire: WireLayer; plan: LayerPlan }
}

export type ComputeOutcome =
  | { kind: 'conv2d'; job: ComputeJob; result: ComputeResult }
  | { kind: 'layer'; job: ComputeJob; result: StackComputeResult; layer: Exclude<SessionLayer, { type: 'conv2d' }>; plan: LayerPlan }

export class ComputeScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null
  private latest = 0
  private stored: { input: Tensor; id: string } | null = null
  /** Requests sent and not yet answered. */
  private inFlight = 0

  constructor(
    private readonly transport: Transport,
    private readonly onResult: (outcome: ComputeOutcome) => void,
    private readonly onError: (error: ErrorEnvelope) => void,
    private readonly onBusy: (busy: boolean) => void = () => {},
    private readonly delayMs = 25,
  ) {}

  /** Schedules a job; a job scheduled later wins, even if this one is already running. */
  schedule(job: ComputeJob): void {
    const idle = this.timer === null && this.inFlight === 0
    if (this.timer !== null) clearTimeout(this.timer)
    this.onBusy(true)
    const requestId = ++this.latest
    if (idle) {
      this.timer = null
      void this.run(requestId, job)
      return
    }
    this.timer = setTimeout(() => {
      this.timer = null
      void this.run(requestId, job)
    }, this.delayMs)
  }

  /** Drops any scheduled or running job (e.g. when the settings became invalid). */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.latest++
    this.onBusy(false)
  }

  dispose(): void {
    this.cancel()
  }

  private async run(requestId: number, job: ComputeJob): Promise<void> {
    this.inFlight++
    try {
      await this.send(requestId, job)
    } finally {
      this.inFlight--
    }
  }

  /**
   * The engine's id of a page-held input, storing it first if it was not (learning and the preset
   * target use the same stored input as the maps). The input must not change afterwards.
   */
  async inputIdFor(input: Tensor): Promise<Result<string>> {
    if (this.stored?.input === input) return { ok: true, value: this.stored.id }
    const stored = await this.transport.invoke('setInput', { shape: [...input.shape], data: input.data })
    if (!stored.ok) return stored
    this.stored = { input, id: stored.value.inputId }
    return { ok: true, value: stored.value.inputId }
  }

  /** The engine forgot an input (it keeps a few): the next request stores it again. */
  forget(): void {
    this.stored = null
  }

  private async send(requestId: number, job: ComputeJob): Promise<void> {
    let inputId = job.inputId
    if (inputId === undefined) {
      const stored = await this.inputIdFor(job.input)
      if (!stored.ok) return this.fail(requestId, stored)
      inputId = stored.value
    }
    if (requestId !== this.latest) return
    if (job.layer) return this.sendLayer(requestId, inputId, job, job.layer)
    const response = await this.transport.invoke('compute', {
      requestId,
      inputId,
      weight: { shape: [...job.weight.shape], data: job.weight.data },
      bias: job.bias ? { shape: [job.bias.length], data: job.bias } : null,
      options: job.options,
      ...(job.gradOutput ? { gradOutput: job.gradOutput } : {}),
      display: { maxSide: job.maxSide },
    })
    if (requestId !== this.latest) return
    if (!response.ok) return this.fail(requestId, response)
    this.onBusy(false)
    this.onResult({ kind: 'conv2d', job, result: response.value })
  }

  /** A layer other than Conv2d as a stack of one, dE/dy at its output from the backward panel's choice. */
  private async sendLayer(requestId: number, inputId: string, job: ComputeJob, layer: NonNullable<ComputeJob['layer']>): Promise<void> {
    const response = await this.transport.invoke('computeStack', {
      requestId,
      inputId,
      layers: [layer.wire],
      ...(job.gradOutput ? { gradient: { kind: 'output' as const, gradOutput: job.gradOutput } } : {}),
      display: { maxSide: job.maxSide },
    })
    if (requestId !== this.latest) return
    if (!response.ok) return this.fail(requestId, response)
    const refused = response.value.refused
    if (refused) return this.fail(requestId, { ok: false, code: refused.code, params: refused.params, message: refused.message })
    this.onBusy(false)
    this.onResult({ kind: 'layer', job, result: response.value, layer: layer.spec, plan: layer.plan })
  }

  private fail(requestId: number, error: ErrorEnvelope): void {
    if (requestId !== this.latest) return
    // A stored input the engine forgot is sent again on the next try.
    if (error.code === 'unknown-input') this.stored = null
    this.onBusy(false)
    this.onError(error)
  }
}
