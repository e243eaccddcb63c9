// The backward pass the views show: the chosen upstream gradient dE/dy (ones, N(0,1), drawn on the
// output grid, or the MSE loss against a target) and core's dE/dx, dE/dw, dE/db for it.

import { ConvolabError } from '../../../../core/errors'
import { meanSquaredError } from '../../../../core/loss'
import { normalTensor, seededSource } from '../../../../core/random'
import type { Tensor } from '../../../../core/tensor'
import { filled, formatShape, sameShape } from '../../../../core/tensor'
import type { Conv2dGradients } from '../../../../core/conv2d-backward'
import type { SessionGradOutput } from '../../../../core/session'
import type { PageForward } from '../animation/page-compute'
import { pageBackward, pageForward } from '../animation/page-compute'
import { filteredTarget } from '../animation/target'
import type { PresetId } from '../kernels/presets'
import { presetById } from '../kernels/presets'
import type { Explorer } from './explorer.svelte'

export type UpstreamChoice = 'ones' | 'random' | 'drawn' | 'mse'
export const UPSTREAM_CHOICES: readonly UpstreamChoice[] = ['ones', 'random', 'drawn', 'mse']
export type TargetChoice = 'preset' | 'drawn' | 'loaded'
export const TARGET_CHOICES: readonly TargetChoice[] = ['preset', 'drawn', 'loaded']

export interface BackwardResult {
  forward: PageForward
  gradOutput: Tensor
  gradients: Conv2dGradients
  /** E, for the MSE choice. */
  loss: number | null
  target: Tensor | null
}

export type BackwardState = { ok: true; value: BackwardResult } | { ok: false; code: string; params: Record<string, string | number> } | null

/** A drawn tensor kept only while its shape still fits; otherwise a fresh one of zeros. */
function fitted(tensor: Tensor | null, shape: readonly number[]): Tensor {
  return tensor && sameShape(tensor.shape, shape) ? tensor : filled(shape, 0)
}

export class Backward {
  choice = $state<UpstreamChoice>('ones')
  seed = $state(1)
  targetChoice = $state<TargetChoice>('preset')
  targetPreset = $state<PresetId>('sobel-x')
  /** Hand-drawn dE/dy and target (output-shaped); replaced (not edited) on each stroke. */
  drawnGradient = $state.raw<Tensor | null>(null)
  drawnTarget = $state.raw<Tensor | null>(null)
  loadedTarget = $state.raw<Tensor | null>(null)

  constructor(private readonly app: Explorer) {}

  readonly forward = $derived.by(() => pageForward(this.app))

  readonly state: BackwardState = $derived.by(() => {
    const forward = this.forward
    if (!forward) return null
    try {
      return { ok: true as const, value: this.compute(forward) }
    } catch (error) {
      if (error instanceof ConvolabError) return { ok: false as const, code: error.code, params: error.params }
      throw error
    }
  })

  private compute(forward: PageForward): BackwardResult {
    const shape = forward.output.shape
    let gradOutput: Tensor
    let loss: number | null = null
    let target: Tensor | null = null
    switch (this.choice) {
      case 'ones':
        gradOutput = filled(shape, 1)
        break
      case 'random':
        // The same draw as the engine's { kind: 'random', seed } and the saved session's.
        gradOutput = normalTensor(shape, seededSource(this.seed))
        break
      case 'drawn':
        gradOutput = fitted(this.drawnGradient, shape)
        break
      case 'mse': {
        target = this.target(forward)
        const mse = meanSquaredError(forward.output, target)
        gradOutput = mse.gradOutput
        loss = mse.loss
        break
      }
    }
    return { forward, gradOutput, gradients: pageBackward(forward, gradOutput, this.app.options), loss, target }
  }

  /**
   * The choice as a saved session holds it (its upstream gradient): ones and a seed as they are,
   * a drawing as its tensor, a loss as its target tensor. A new object after every change.
   */
  readonly sessionGradOutput: SessionGradOutput = $derived.by(() => {
    switch (this.choice) {
      case 'ones':
        return { kind: 'ones' as const }
      case 'random':
        return { kind: 'random' as const, seed: this.seed }
      case 'drawn': {
        const forward = this.forward
        return { kind: 'tensor' as const, tensor: forward ? fitted(this.drawnGradient, forward.output.shape) : (this.drawnGradient ?? filled([1, 1, 1, 1], 0)) }
      }
      case 'mse': {
        const result = this.state?.ok ? this.state.value.target : null
        return result ? { kind: 'mse' as const, target: result } : { kind: 'ones' as const }
      }
    }
  })

  /** Takes the upstream gradient of an opened session (or of an undo step). */
  restoreSession(saved: SessionGradOutput | null): void {
    if (!saved || saved.kind === 'ones') this.choice = 'ones'
    else if (saved.kind === 'random') {
      this.choice = 'random'
      this.seed = saved.seed
    } else if (saved.kind === 'tensor') {
      this.choice = 'drawn'
      this.drawnGradient = saved.tensor
    } else {
      this.choice = 'mse'
      this.targetChoice = 'loaded'
      this.loadedTarget = saved.target
    }
  }

  /** The MSE target for the current choice; a loaded one of another shape is refused. */
  target(forward: PageForward): Tensor {
    const shape = forward.output.shape
    if (this.targetChoice === 'preset') return filteredTarget(forward.input, forward.weight, presetById(this.targetPreset), this.app.options)
    if (this.targetChoice === 'drawn') return fitted(this.drawnTarget, shape)
    const loaded = this.loadedTarget
    if (!loaded) return filled(shape, 0)
    if (!sameShape(loaded.shape, shape)) throw new ConvolabError('grad-output-shape', { got: formatShape(loaded.shape), expected: formatShape(shape) })
    return loaded
  }

  /** Paints one cell of the drawn dE/dy or target (flat NCHW index). */
  paint(which: 'gradient' | 'target', index: number, value: number): void {
    const forward = this.forward
    if (!forward) return
    const current = fitted(which === 'gradient' ? this.drawnGradient : this.drawnTarget, forward.output.shape)
    if (current.data[index] === value) return
    const data = Float64Array.from(current.data)
    data[index] = value
    const next = { shape: [...current.shape], data }
    if (which === 'gradient') this.drawnGradient = next
    else this.drawnTarget = next
  }

  clearDrawing(which: 'gradient' | 'target'): void {
    if (which === 'gradient') this.drawnGradient = null
    else this.drawnTarget = null
  }
}
