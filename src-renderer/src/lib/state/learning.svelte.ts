// "Learn the kernel": plain gradient descent on w (and b) toward the MSE target chosen under
// Backward, with core's learnStep. Steps run in the page in slices of at most SLICE_MS, so the
// controls answer between slices even on photos.

import type { LearningState } from '../../../../core/loss'
import { learnStep } from '../../../../core/loss'
import { normalTensor, seededSource } from '../../../../core/random'
import type { Tensor } from '../../../../core/tensor'
import type { Backward } from './backward.svelte'
import type { Explorer } from './explorer.svelte'

const SLICE_MS = 30
/** Also bounds a slice by steps, so a stopped clock cannot hold the page. */
const SLICE_STEPS = 1000

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

  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly app: Explorer,
    private readonly backward: Backward,
  ) {}

  readonly lastLoss = $derived(this.state?.losses.at(-1) ?? null)
  readonly diverged = $derived(this.lastLoss !== null && !Number.isFinite(this.lastLoss))

  /** Fixes input and target and draws the starting kernel. Returns false when there is no target. */
  reset(): boolean {
    this.pause()
    const forward = this.backward.forward
    if (!forward) return false
    this.input = forward.input
    this.target = this.backward.target(forward)
    const weight =
      this.start === 'random'
        ? normalTensor(forward.weight.shape, seededSource(this.seed))
        : { shape: [...forward.weight.shape], data: Float64Array.from(forward.weight.data) }
    const bias = forward.bias ? { shape: [...forward.bias.shape], data: new Float64Array(forward.bias.data.length) } : null
    this.state = { weight, bias, step: 0, losses: [] }
    return true
  }

  /** One gradient-descent step (starting a run first if none is going). */
  step(): void {
    if (!this.state && !this.reset()) return
    const { input, target, state } = this
    if (!input || !target || !state || this.diverged) return
    this.state = learnStep(state, input, target, this.app.options, this.rate)
  }

  play(): void {
    if (!this.state && !this.reset()) return
    this.playing = true
    this.schedule()
  }

  pause(): void {
    this.playing = false
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.playing) return
      const started = performance.now()
      let steps = 0
      do this.step()
      while (++steps < SLICE_STEPS && performance.now() - started < SLICE_MS && !this.diverged)
      if (this.diverged) this.pause()
      else this.schedule()
    }, 0)
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
  }
}
