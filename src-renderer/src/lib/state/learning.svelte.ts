// "Learn the kernel": plain gradient descent on w (and b) toward the MSE target chosen under
// Backward, every step run by the engine (learnStep) at any input size. A run belongs to the
// input, settings and target it started with: when any of them changes the run is reset, and
// says so, instead of going on with a kernel learned for something else.

import type { FamilyLayerSpec, LearnStepResult } from '../../../../contract'
import { randomStart } from '../../../../core/learning'
import type { LearningState } from '../../../../core/loss'
import type { SessionLearning } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { Backward } from './backward.svelte'
import { tensorId } from './backward.svelte'
import type { Explorer } from './explorer.svelte'
import { isPool } from '../settings/layer-options'

/** Steps per engine call while playing as fast as it goes are doubled or halved to keep a call near this. */
const CALL_MS = 60
const MAX_STEPS_PER_CALL = 500
/** Steps a second offered for Play; Infinity is "as fast as the engine goes". */
export const LEARN_SPEEDS: readonly number[] = [0.5, 1, 2, 5, 10, 30, Infinity]

export type LearnStart = 'random' | 'current'

/** What the document keeps of learning (undone, saved and reopened with it). */
export interface LearningSetup {
  rate: number
  steps: number
  start: LearnStart
  seed: number
  /** A setup opened with a session is saved again even before a run. */
  kept: boolean
}

export class Learning {
  rate = $state(0.1)
  start = $state<LearnStart>('random')
  seed = $state(7)
  /** Steps of the learning animation that is exported and saved with the session. */
  steps = $state(50)
  /** Play's pace in steps a second (Infinity: as fast as the engine goes). */
  speed = $state(Infinity)
  playing = $state(false)
  /** An engine call is running. */
  busy = $state(false)
  state = $state.raw<LearningState | null>(null)
  /** The last run was reset because its input, settings or target changed. */
  wasReset = $state(false)

  private kept = $state(false)
  private runKey: string | null = null
  private ids: { inputId: string; targetId: string } | null = null
  private stepsPerCall = 1
  private running: Promise<void> | null = null
  private run = 0

  constructor(
    private readonly app: Explorer,
    private readonly backward: Backward,
  ) {}

  /** What a run depends on: the input, the settings and kernel shape, the bias, and the target. */
  readonly settingKey: string = $derived.by(() => {
    const b = this.backward
    const target =
      b.targetChoice === 'preset'
        ? b.presetKey
        : b.targetChoice === 'drawn'
          ? `drawn ${b.drawnTarget ? tensorId(b.drawnTarget) : 0}`
          : `loaded ${b.loadedTarget ? tensorId(b.loadedTarget) : 0}`
    const origin = this.app.origin
    const input = origin.kind === 'image' ? origin.inputId : `drawn ${tensorId(this.app.input)}`
    return JSON.stringify([input, this.app.options, this.app.layer, this.app.weight.shape, this.app.useBias, b.targetChoice, target])
  })

  readonly lastLoss = $derived(this.state?.losses.at(-1) ?? null)
  readonly diverged = $derived(this.lastLoss !== null && !Number.isFinite(this.lastLoss))

  private readonly started = $derived(this.state !== null || this.kept)

  /**
   * The setup the session saves (and `convolab export --animation learning` replays): the preset
   * target by name, any other target as the tensor the page holds; null before a run.
   */
  readonly sessionLearning: SessionLearning | null = $derived.by(() => {
    if (!this.started) return null
    const setup = { learningRate: this.rate, steps: this.steps, start: this.start, seed: this.seed }
    if (this.backward.targetChoice === 'preset') return { target: { kind: 'preset' as const, preset: this.backward.targetPreset }, ...setup }
    const target = this.backward.target
    return target ? { target: { kind: 'tensor' as const, tensor: target }, ...setup } : null
  })

  setup(): LearningSetup {
    return { rate: this.rate, steps: this.steps, start: this.start, seed: this.seed, kept: this.kept }
  }

  restore(setup: LearningSetup): void {
    Object.assign(this, { rate: setup.rate, steps: setup.steps, start: setup.start, seed: setup.seed, kept: setup.kept })
  }

  /** Takes a session's saved setup (the target itself travels as the backward view's choice). */
  restoreSession(saved: SessionLearning | null): void {
    this.kept = saved !== null
    if (!saved) return
    this.rate = saved.learningRate
    this.steps = saved.steps
    this.start = saved.start
    this.seed = saved.seed
    if (saved.target.kind === 'preset') {
      this.backward.targetChoice = 'preset'
      this.backward.targetPreset = saved.target.preset
    }
  }

  /** Where a run starts (the exported animation starts there too): core's seeded random start or a copy of the current kernel; the bias at zero. */
  startingPoint(weight: Tensor, bias: Tensor | null): { weight: Tensor; bias: Tensor | null } {
    if (this.start === 'random') return randomStart(weight, bias, this.seed)
    const zeroBias = bias ? { shape: [...bias.shape], data: new Float64Array(bias.data.length) } : null
    return { weight: { shape: [...weight.shape], data: Float64Array.from(weight.data) }, bias: zeroBias }
  }

  /**
   * Resets a run whose input, settings or target changed since it started (call from an effect;
   * it reads what a run depends on). The reset is said on the Learn tab.
   */
  follow(): void {
    const key = this.settingKey
    if (this.state && this.runKey !== null && key !== this.runKey) {
      this.stop()
      this.wasReset = true
    }
  }

  /** Starts over from the starting kernel. */
  reset(): void {
    this.stop()
    this.wasReset = false
  }

  private stop(): void {
    this.pause()
    this.run++
    this.state = null
    this.runKey = null
    this.ids = null
    this.stepsPerCall = 1
  }

  /** Fixes input and target in the engine and draws the starting kernel. False when there is no target yet. */
  private async begin(): Promise<boolean> {
    // A pool has no weights to learn (the Learn tab says so)
    if (!this.app.computable || isPool(this.app.layer)) return false
    const run = ++this.run
    const key = this.settingKey
    const ids = await this.engineIds()
    if (!ids || run !== this.run || key !== this.settingKey) return false
    const bias = this.app.useBias ? { shape: [this.app.bias.length], data: this.app.bias } : null
    const { weight, bias: startBias } = this.startingPoint(this.app.weight, bias)
    this.ids = ids
    this.runKey = key
    this.wasReset = false
    this.state = { weight, bias: startBias, step: 0, losses: [] }
    return true
  }

  /** The engine's ids of the input and of the target (the preset one is the engine's own). */
  private async engineIds(): Promise<{ inputId: string; targetId: string } | null> {
    const input = await this.app.engineInput()
    if (!input) return null
    const b = this.backward
    if (b.targetChoice === 'preset') {
      await b.refreshPresetTarget()
      const preset = b.presetTarget
      return preset && preset.key === b.presetKey ? { inputId: input.inputId, targetId: preset.targetId } : null
    }
    const target = b.target
    if (!target) return null
    // A copy: the engine may take the buffer.
    const stored = await this.app.transport.invoke('setInput', { shape: [...target.shape], data: Float64Array.from(target.data) })
    if (!stored.ok) {
      this.app.report(stored)
      return null
    }
    return { inputId: input.inputId, targetId: stored.value.inputId }
  }

  /** One gradient-descent step (starting a run first if none is going). */
  async step(): Promise<void> {
    if (!this.state || this.runKey !== this.settingKey) {
      if (this.state) this.wasReset = true
      if (!(await this.begin())) return
    }
    return this.advance(1)
  }

  async play(): Promise<void> {
    if (this.playing) return
    this.playing = true
    if ((!this.state || this.runKey !== this.settingKey) && !(await this.begin())) {
      this.playing = false
      return
    }
    void this.loop()
  }

  pause(): void {
    this.playing = false
  }

  private async loop(): Promise<void> {
    const run = this.run
    while (this.playing && !this.diverged && run === this.run) {
      const started = performance.now()
      const paced = Number.isFinite(this.speed)
      await this.advance(paced ? 1 : this.stepsPerCall)
      // At a set pace, wait out the rest of the step's time; otherwise let clicks and painting in.
      const wait = paced ? Math.max(0, 1000 / this.speed - (performance.now() - started)) : 0
      await new Promise((resolve) => setTimeout(resolve, wait))
    }
    if (run === this.run) this.playing = false
  }

  /** Up to `steps` steps in one call (a call already going is waited for, not doubled). */
  private async advance(steps: number): Promise<void> {
    if (this.running) return this.running
    this.running = this.take(steps).finally(() => (this.running = null))
    return this.running
  }

  /** The learnStep `layer` of a transposed layer (absent: the Conv2d of `options`). */
  private layerSpec(): { layer?: FamilyLayerSpec } {
    const layer = this.app.layer
    return layer.type === 'conv2d' ? {} : { layer }
  }

  private async take(steps: number): Promise<void> {
    const { state, ids } = this
    if (!state || !ids || this.diverged || !(this.rate > 0)) return
    const run = this.run
    const started = performance.now()
    this.busy = true
    const answer = await this.app.transport
      .invoke('learnStep', {
        ...ids,
        weight: { shape: [...state.weight.shape], data: state.weight.data },
        bias: state.bias ? { shape: [...state.bias.shape], data: state.bias.data } : null,
        options: this.app.options,
        ...this.layerSpec(),
        learningRate: this.rate,
        steps,
      })
      .finally(() => (this.busy = false))
    if (run !== this.run) return
    if (!answer.ok) {
      this.pause()
      // The engine keeps a few tensors only: the next step stores input and target again.
      if (answer.code === 'unknown-input') {
        this.app.forgetEngineInput()
        this.ids = await this.engineIds()
        return
      }
      return this.app.report(answer)
    }
    this.apply(state, answer.value)
    const took = performance.now() - started
    if (steps === this.stepsPerCall) {
      if (took < CALL_MS / 2) this.stepsPerCall = Math.min(MAX_STEPS_PER_CALL, this.stepsPerCall * 2)
      else if (took > CALL_MS * 2) this.stepsPerCall = Math.max(1, Math.floor(this.stepsPerCall / 2))
    }
  }

  private apply(state: LearningState, answer: LearnStepResult): void {
    this.state = {
      weight: { shape: [...answer.weight.shape], data: answer.weight.data },
      bias: answer.bias ? { shape: [...answer.bias.shape], data: answer.bias.data } : null,
      step: state.step + answer.losses.length,
      losses: [...state.losses, ...answer.losses],
    }
  }

  /**
   * The points of a whole run from its starting point, each step taken by the engine (the export
   * draws them as frames): steps + 1 kernels with their losses. Stops when `signal` aborts.
   */
  async trajectory(
    steps: number,
    onProgress: (done: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<{ weight: Tensor; bias: Tensor | null; loss: number; step: number }[] | null> {
    const ids = await this.engineIds()
    if (!ids) return null
    const bias = this.app.useBias ? { shape: [this.app.bias.length], data: this.app.bias } : null
    let point = this.startingPoint(this.app.weight, bias)
    const points: { weight: Tensor; bias: Tensor | null; loss: number; step: number }[] = []
    // One more call than steps: the last gives the loss of the final kernel.
    for (let k = 0; k <= steps; k++) {
      if (signal.aborted) return null
      const answer = await this.app.transport.invoke('learnStep', {
        ...ids,
        weight: { shape: [...point.weight.shape], data: point.weight.data },
        bias: point.bias ? { shape: [...point.bias.shape], data: point.bias.data } : null,
        options: this.app.options,
        ...this.layerSpec(),
        learningRate: this.rate,
        steps: 1,
      })
      if (!answer.ok) {
        this.app.report(answer)
        return null
      }
      points.push({ step: k, weight: point.weight, bias: point.bias, loss: answer.value.losses[0] })
      point = {
        weight: { shape: [...answer.value.weight.shape], data: answer.value.weight.data },
        bias: answer.value.bias ? { shape: [...answer.value.bias.shape], data: answer.value.bias.data } : null,
      }
      onProgress(k + 1, steps + 1)
    }
    return points
  }

  /** Puts the learned kernel (and bias) into the explorer. */
  use(): void {
    const state = this.state
    if (!state) return
    this.app.setWeight({ shape: [...state.weight.shape], data: Float64Array.from(state.weight.data) })
    if (state.bias) this.app.bias = Float64Array.from(state.bias.data)
  }

  dispose(): void {
    this.stop()
  }
}
