// "Learn the kernel": plain gradient descent on w (and b) toward the MSE target chosen under
// Backward. The engine runs the steps (learnStep, off the page, with its fast kernel), a few per
// call so that the page stays live on photos; an engine without learnStep (the in-page one of
// tests and development) leaves them to core's learnStep here, in slices of at most SLICE_MS.

import type { LearnStepResult } from '../../../../contract'
import type { LearningState } from '../../../../core/loss'
import { learnStep } from '../../../../core/loss'
import { randomStart } from '../../../../core/learning'
import type { SessionLearning } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { Backward } from './backward.svelte'
import type { Explorer } from './explorer.svelte'

const SLICE_MS = 30
/** Also bounds a slice by steps, so a stopped clock cannot hold the page. */
const SLICE_STEPS = 1000
/** Steps per engine call are doubled or halved to keep a call near this. */
const CALL_MS = 60
const MAX_STEPS_PER_CALL = 500

export type LearnStart = 'random' | 'current'

export class Learning {
  rate = $state(0.1)
  start = $state<LearnStart>('random')
  seed = $state(7)
  playing = $state(false)
  state = $state.raw<LearningState | null>(null)
  /** The target of the run, fixed when it starts (so editing the input does not move the goal). */
  target = $state.raw<Tensor | null>(null)
  input = $state.raw<Tensor | null>(null)

  private engine: 'unknown' | 'yes' | 'no' = 'unknown'
  private stored: { inputId: string; targetId: string } | null = null
  private stepsPerCall = 1
  private running: Promise<void> | null = null
  private run = 0

  constructor(
    private readonly app: Explorer,
    private readonly backward: Backward,
  ) {}

  /** Steps of the learning animation that is exported and saved with the session. */
  steps = $state(50)
  /** A setup opened with a session is kept (and saved again) even before a run. */
  private kept = $state(false)
  /** Whether a run was started or a setup opened: only then is the setup saved with the session. */
  private readonly started = $derived(this.state !== null || this.kept)

  /**
   * The setup the session saves (and `convolab export --animation learning` replays): the preset
   * target by name, any other target as the MSE tensor dE/dy was chosen with; null before a run
   * or for a target the session cannot carry. A new object only when one of these changes.
   */
  readonly sessionLearning: SessionLearning | null = $derived.by(() => {
    if (!this.started) return null
    const setup = { learningRate: this.rate, steps: this.steps, start: this.start, seed: this.seed }
    if (this.backward.targetChoice === 'preset') return { target: { kind: 'preset' as const, preset: this.backward.targetPreset }, ...setup }
    const saved = this.backward.sessionGradOutput
    return saved.kind === 'mse' ? { target: { kind: 'tensor' as const, tensor: saved.target }, ...setup } : null
  })

  /** Takes a session's saved setup (the target itself travels as the backward view's choice). */
  restoreSession(saved: SessionLearning | null): void {
    this.kept = saved !== null
    if (!saved) return
    this.rate = saved.learningRate
    this.steps = saved.steps
    this.start = saved.start
    this.seed = saved.seed
    if (saved.target.kind === 'preset') this.backward.targetPreset = saved.target.preset
  }

  readonly lastLoss = $derived(this.state?.losses.at(-1) ?? null)
  readonly diverged = $derived(this.lastLoss !== null && !Number.isFinite(this.lastLoss))

  /** Fixes input and target and draws the starting kernel. Returns false when there is no target. */
  reset(): boolean {
    this.pause()
    const forward = this.backward.forward
    if (!forward) return false
    this.run++
    this.input = forward.input
    this.target = this.backward.target(forward)
    this.stored = null
    this.stepsPerCall = 1
    const { weight, bias } = this.startingPoint(forward)
    this.state = { weight, bias, step: 0, losses: [] }
    return true
  }

  /** Where a run starts (the exported animation starts there too): core's seeded random start or a copy of the current kernel; the bias at zero. */
  startingPoint(forward: { weight: Tensor; bias: Tensor | null }): { weight: Tensor; bias: Tensor | null } {
    if (this.start === 'random') return randomStart(forward.weight, forward.bias, this.seed)
    const bias = forward.bias ? { shape: [...forward.bias.shape], data: new Float64Array(forward.bias.data.length) } : null
    return { weight: { shape: [...forward.weight.shape], data: Float64Array.from(forward.weight.data) }, bias }
  }

  /** One gradient-descent step (starting a run first if none is going). */
  step(): Promise<void> {
    if (!this.state && !this.reset()) return Promise.resolve()
    return this.advance(1)
  }

  play(): void {
    if (!this.state && !this.reset()) return
    this.playing = true
    void this.loop()
  }

  pause(): void {
    this.playing = false
  }

  private async loop(): Promise<void> {
    while (this.playing && !this.diverged) {
      // In the page, a slice takes as many steps as fit in SLICE_MS.
      await this.advance(this.engine === 'no' ? SLICE_STEPS : this.stepsPerCall)
      // Lets clicks and painting in between calls.
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    this.playing = false
  }

  /** Up to `steps` steps, one call at a time (a call already going is waited for, not doubled). */
  private async advance(steps: number): Promise<void> {
    if (this.running) return this.running
    this.running = this.take(steps).finally(() => (this.running = null))
    return this.running
  }

  private async take(steps: number): Promise<void> {
    const { input, target, state } = this
    if (!input || !target || !state || this.diverged || !(this.rate > 0)) return
    const run = this.run
    if (this.engine !== 'no') {
      const started = performance.now()
      const answer = await this.engineSteps(input, target, state, steps)
      if (run !== this.run) return
      if (answer) {
        this.apply(state, answer)
        const took = performance.now() - started
        if (steps === this.stepsPerCall) {
          if (took < CALL_MS / 2) this.stepsPerCall = Math.min(MAX_STEPS_PER_CALL, this.stepsPerCall * 2)
          else if (took > CALL_MS * 2) this.stepsPerCall = Math.max(1, Math.floor(this.stepsPerCall / 2))
        }
        return
      }
      // An engine error stops here; only an engine without learnStep goes on in the page.
      if (!this.inPage()) return
    }
    const started = performance.now()
    let next = state
    let taken = 0
    do next = learnStep(next, input, target, this.app.options, this.rate)
    while (++taken < Math.min(steps, SLICE_STEPS) && performance.now() - started < SLICE_MS && Number.isFinite(next.losses.at(-1)))
    this.state = next
  }

  private inPage(): boolean {
    return this.engine === 'no'
  }

  /** The engine's answer, or null after an error (reported) or when the engine has no learnStep. */
  private async engineSteps(input: Tensor, target: Tensor, state: LearningState, steps: number): Promise<LearnStepResult | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const ids = this.stored ?? (await this.store(input, target))
      if (!ids) return null
      const answer = await this.app.transport.invoke('learnStep', {
        ...ids,
        weight: { shape: [...state.weight.shape], data: state.weight.data },
        bias: state.bias ? { shape: [...state.bias.shape], data: state.bias.data } : null,
        options: this.app.options,
        learningRate: this.rate,
        steps,
      })
      if (answer.ok) {
        this.engine = 'yes'
        return answer.value
      }
      // The engine keeps a few inputs only: store them again once.
      if (answer.code === 'unknown-input') {
        this.stored = null
        continue
      }
      if (this.engine === 'unknown' && answer.code === 'bad-request' && String(answer.params.detail ?? '').includes('learnStep')) {
        this.engine = 'no'
        return null
      }
      this.pause()
      this.app.report(answer)
      return null
    }
    return null
  }

  private async store(input: Tensor, target: Tensor): Promise<{ inputId: string; targetId: string } | null> {
    const ids: string[] = []
    for (const tensor of [input, target]) {
      // A copy: the engine may take the buffer, and a drawn input is edited in place.
      const stored = await this.app.transport.invoke('setInput', { shape: [...tensor.shape], data: Float64Array.from(tensor.data) })
      if (!stored.ok) {
        this.app.report(stored)
        return null
      }
      ids.push(stored.value.inputId)
    }
    this.stored = { inputId: ids[0], targetId: ids[1] }
    return this.stored
  }

  private apply(state: LearningState, answer: LearnStepResult): void {
    this.state = {
      weight: { shape: [...answer.weight.shape], data: answer.weight.data },
      bias: answer.bias ? { shape: [...answer.bias.shape], data: answer.bias.data } : null,
      step: state.step + answer.losses.length,
      losses: [...state.losses, ...answer.losses],
    }
  }

  /** Puts the learned kernel (and bias) into the explorer. */
  use(): void {
    const state = this.state
    if (!state) return
    this.app.setWeight({ shape: [...state.weight.shape], data: Float64Array.from(state.weight.data) })
    if (state.bias) this.app.bias = Float64Array.from(state.bias.data)
  }

  dispose(): void {
    this.pause()
    this.run++
  }
}
