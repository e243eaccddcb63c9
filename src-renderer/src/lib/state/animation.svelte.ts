// The animation player: which animation, how fine its steps are, where it is, and whether it
// plays. Time lives here (one interval, stopped by dispose); the canvas only draws `step`.

import type { AnimationKind, Granularity } from '../../../../core/animation'
import { GRANULARITIES } from '../../../../core/animation'
import type { Region } from '../animation/region'
import type { PlayerAction } from '../animation/shortcuts'

/** Speed multipliers offered (within the settings' 0.1-10); 1 is BASE_RATE steps a second. */
export const SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4, 10]
export const BASE_RATE = 3
/** Browsers clamp faster timers; at high speeds several steps go by per tick. */
const TICK_MS = 40

export class AnimationPlayer {
  kind = $state<AnimationKind>('forward')
  granularity = $state<Granularity>('cell')
  /** −1 is the empty start; steps − 1 the last. */
  step = $state(-1)
  /** Number of steps of the current plan; the view sets it when its scene changes. */
  steps = $state(0)
  playing = $state(false)
  loop = $state(false)
  trueConvolution = $state(false)
  /** The output region stepped through on large outputs (null: the default one at the centre). */
  region = $state.raw<Region | null>(null)

  private timer: ReturnType<typeof setInterval> | null = null
  private carry = 0
  private readonly preference: { animationSpeed: number }

  /** `preference`: where the speed is remembered (the explorer's preferences); a local one by default. */
  constructor(preference?: { animationSpeed: number }) {
    this.preference = preference ?? new LocalSpeed()
  }

  get speed(): number {
    return this.preference.animationSpeed
  }

  set speed(value: number) {
    this.preference.animationSpeed = value
  }

  /** Keeps the step inside a (possibly new) plan; a new plan starts from the beginning. */
  setSteps(steps: number): void {
    if (steps !== this.steps) {
      this.steps = steps
      this.step = Math.min(this.step, steps - 1)
    }
  }

  seek(step: number): void {
    this.step = Math.max(-1, Math.min(this.steps - 1, Math.round(step)))
  }

  play(): void {
    if (this.steps === 0) return
    if (this.step >= this.steps - 1) this.step = -1
    this.playing = true
    this.carry = 0
    this.timer ??= setInterval(() => this.tick(), TICK_MS)
  }

  pause(): void {
    this.playing = false
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  toggle(): void {
    if (this.playing) this.pause()
    else this.play()
  }

  /** One timer tick: BASE_RATE·speed steps a second, with the fraction carried over. */
  tick(ms = TICK_MS): void {
    this.carry += (ms / 1000) * BASE_RATE * this.speed
    // The epsilon keeps sums like 25 × 0.12 from landing just under a whole step.
    const advance = Math.floor(this.carry + 1e-9)
    if (advance === 0) return
    this.carry -= advance
    const next = this.step + advance
    if (next < this.steps) this.step = next
    else if (this.loop) this.step = ((next + 1) % (this.steps + 1)) - 1
    else {
      this.step = this.steps - 1
      this.pause()
    }
  }

  changeSpeed(direction: 1 | -1): void {
    // From a remembered speed that is not on the list, go to the next one listed that way.
    const next = direction > 0 ? SPEEDS.find((s) => s > this.speed) : [...SPEEDS].reverse().find((s) => s < this.speed)
    if (next !== undefined) this.speed = next
  }

  setGranularity(granularity: Granularity): void {
    if (granularity === this.granularity) return
    this.granularity = granularity
    this.step = -1
  }

  setKind(kind: AnimationKind): void {
    if (kind === this.kind) return
    this.kind = kind
    this.step = -1
  }

  act(action: PlayerAction): void {
    switch (action) {
      case 'toggle':
        return this.toggle()
      case 'back':
        this.pause()
        return this.seek(this.step - 1)
      case 'forward':
        this.pause()
        return this.seek(this.step + 1)
      case 'start':
        this.pause()
        return this.seek(-1)
      case 'end':
        this.pause()
        return this.seek(this.steps - 1)
      case 'slower':
        return this.changeSpeed(-1)
      case 'faster':
        return this.changeSpeed(1)
      case 'loop':
        this.loop = !this.loop
        return
      case 'granularity':
        return this.setGranularity(GRANULARITIES[(GRANULARITIES.indexOf(this.granularity) + 1) % GRANULARITIES.length])
    }
  }

  dispose(): void {
    this.pause()
  }
}

class LocalSpeed {
  animationSpeed = $state(1)
}
