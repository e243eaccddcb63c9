// Learning a kernel as a whole run: the target "the input filtered by a preset" and the trajectory
// of plain gradient descent from a starting kernel, state by state. Pure and deterministic, so the
// app's learning animation and `convolab export --animation learning` draw the same frames.

import { conv2d } from './conv2d'
import type { Conv2dOptions } from './geometry'
import type { LearningState } from './loss'
import { learnStep, meanSquaredError } from './loss'
import type { KernelPreset } from './presets'
import { presetById } from './presets'
import { normalTensor, seededSource } from './random'
import type { Session } from './session'
import type { Tensor } from './tensor'

/** The preset centred in a kernel of `weight`'s shape (cropped if larger), in every (m, c) slice. */
export function presetWeightLike(weight: Tensor, preset: KernelPreset): Tensor {
  const [outC, inC, kh, kw] = weight.shape
  const data = new Float64Array(outC * inC * kh * kw)
  const top = Math.floor((kh - preset.height) / 2)
  const left = Math.floor((kw - preset.width) / 2)
  for (let slice = 0; slice < outC * inC; slice++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const pa = a - top
        const pb = b - left
        if (pa >= 0 && pa < preset.height && pb >= 0 && pb < preset.width) data[(slice * kh + a) * kw + b] = preset.values[pa * preset.width + pb]
      }
    }
  }
  return { shape: [outC, inC, kh, kw], data }
}

/** y_target = x ⋆ preset (no bias), with the current stride, padding, dilation and groups. */
export function filteredTarget(input: Tensor, weight: Tensor, preset: KernelPreset, options: Conv2dOptions): Tensor {
  return conv2d(input, presetWeightLike(weight, preset), null, options).output
}

/** Where a run starts: a seeded N(0,1) kernel with zero bias, as the app's "from random". */
export function randomStart(weight: Tensor, bias: Tensor | null, seed: number): { weight: Tensor; bias: Tensor | null } {
  return {
    weight: normalTensor(weight.shape, seededSource(seed)),
    bias: bias ? { shape: [...bias.shape], data: new Float64Array(bias.data.length) } : null,
  }
}

export interface LearningRun {
  input: Tensor
  target: Tensor
  initialWeight: Tensor
  initialBias: Tensor | null
  options: Conv2dOptions
  learningRate: number
  steps: number
}

/** The kernel and bias after k steps (k = 0 is the start) and the loss they give. */
export interface LearningPoint {
  step: number
  weight: Tensor
  bias: Tensor | null
  loss: number
}

/**
 * The points of a run one at a time (the start, then the state after each step), so that a caller
 * can show progress or stop in between; learningTrajectory collects them.
 */
export function* learningPoints(run: LearningRun): Generator<LearningPoint> {
  let state: LearningState = { weight: run.initialWeight, bias: run.initialBias, step: 0, losses: [] }
  for (let k = 0; k < run.steps; k++) {
    const next = learnStep(state, run.input, run.target, run.options, run.learningRate)
    yield { step: k, weight: state.weight, bias: state.bias, loss: next.losses[k] }
    state = next
  }
  const { output } = conv2d(run.input, state.weight, state.bias, run.options)
  yield { step: run.steps, weight: state.weight, bias: state.bias, loss: meanSquaredError(output, run.target).loss }
}

/**
 * steps + 1 points: the start and the state after each of `steps` steps of core's learnStep.
 * The loss of point k is that of its own kernel (the last one takes one more forward pass).
 */
export function learningTrajectory(run: LearningRun): LearningPoint[] {
  return [...learningPoints(run)]
}

/** The run a session's `learning` describes; null when the session has none. */
export function learningRunOf(session: Session): LearningRun | null {
  const learning = session.learning
  if (!learning) return null
  const bias = session.bias ? { shape: [session.bias.data.length], data: session.bias.data } : null
  const target =
    learning.target.kind === 'tensor'
      ? learning.target.tensor
      : filteredTarget(session.input, session.weight, presetById(learning.target.preset), session.options)
  const start =
    learning.start === 'random'
      ? randomStart(session.weight, bias, learning.seed)
      : { weight: session.weight, bias: bias && { shape: bias.shape, data: new Float64Array(bias.data.length) } }
  return {
    input: session.input,
    target,
    initialWeight: start.weight,
    initialBias: start.bias,
    options: session.options,
    learningRate: learning.learningRate,
    steps: learning.steps,
  }
}
