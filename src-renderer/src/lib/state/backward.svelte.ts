// The upstream gradient dE/dy the backward views start from (ones, N(0,1), drawn on the output
// grid, or the MSE loss against a target) as the engine's GradOutputSpec. The engine computes
// the backward pass with the maps (any size); the page keeps only the choice and what the user
// drew or loaded. The preset target "x filtered by a preset" is computed and kept by the engine.

import type { GradOutputSpec } from '../../../../contract'
import { ConvolabError } from '../../../../core/errors'
import { presetWeightLike } from '../../../../core/learning'
import type { SessionGradOutput } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import { filled, formatShape, sameShape } from '../../../../core/tensor'
import type { PresetId } from '../kernels/presets'
import type { CellBox } from '../maps/stack'
import { presetById } from '../kernels/presets'
import type { Explorer } from './explorer.svelte'
import { isPool } from '../settings/layer-options'

export type UpstreamChoice = 'ones' | 'random' | 'drawn' | 'mse'
export const UPSTREAM_CHOICES: readonly UpstreamChoice[] = ['ones', 'random', 'drawn', 'mse']
export type TargetChoice = 'preset' | 'drawn' | 'loaded'
export const TARGET_CHOICES: readonly TargetChoice[] = ['preset', 'drawn', 'loaded']

/** What the document keeps of the upstream gradient (undone, saved and reopened with it). */
export interface UpstreamSetup {
  choice: UpstreamChoice
  seed: number
  targetChoice: TargetChoice
  targetPreset: PresetId
  drawnGradient: Tensor | null
  drawnTarget: Tensor | null
  loadedTarget: Tensor | null
}

/** The preset target as the engine holds it: its id there and, for a small one, its exact values. */
export interface PresetTarget {
  key: string
  targetId: string
  values: Tensor | null
}

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
  /** The engine's preset target for the current input, settings and preset (see refreshPresetTarget). */
  presetTarget = $state.raw<PresetTarget | null>(null)

  constructor(private readonly app: Explorer) {}

  /** (N, M, outH, outW) of the current setting; null while it cannot be computed. */
  readonly outputShape: number[] | null = $derived.by(() => this.app.outputShape)

  /** What the preset target depends on: the input, the kernel's shape, the settings and the preset. */
  readonly presetKey: string | null = $derived.by(() => {
    if (this.targetChoice !== 'preset' || !this.outputShape) return null
    const origin = this.app.origin
    return JSON.stringify([
      origin.kind === 'image' ? origin.inputId : `drawn ${tensorId(this.app.input)}`,
      this.app.weight.shape,
      this.app.options,
      this.app.layer,
      this.targetPreset,
    ])
  })

  /** Why the target cannot be used (a loaded one of another shape), or null. */
  readonly failure: { code: string; params: Record<string, string | number> } | null = $derived.by(() => {
    const shape = this.outputShape
    const loaded = this.loadedTarget
    if (!shape || this.targetChoice !== 'loaded' || !loaded || sameShape(loaded.shape, shape)) return null
    const error = new ConvolabError('grad-output-shape', { got: formatShape(loaded.shape), expected: formatShape(shape) })
    return { code: error.code, params: error.params }
  })

  /** The MSE target of the target choice the page holds (drawn or loaded), or the preset one's exact values when small. */
  readonly target: Tensor | null = $derived.by(() => {
    const shape = this.outputShape
    if (!shape) return null
    if (this.targetChoice === 'drawn') return fitted(this.drawnTarget, shape)
    if (this.targetChoice === 'loaded') return this.loadedTarget && !sameShape(this.loadedTarget.shape, shape) ? null : (this.loadedTarget ?? filled(shape, 0))
    return this.presetTarget?.key === this.presetKey ? this.presetTarget.values : null
  })

  /** The engine's upstream gradient for this choice; null until it can be formed (a preset target on its way). */
  readonly spec: GradOutputSpec | null = $derived.by(() => {
    const shape = this.outputShape
    if (!shape || (this.choice === 'mse' && this.failure)) return null
    switch (this.choice) {
      case 'ones':
        return { kind: 'ones' as const }
      case 'random':
        // The same draw as core's normalTensor(shape, seededSource(seed)) in the engine and the CLI.
        return { kind: 'random' as const, seed: this.seed }
      case 'drawn':
        return { kind: 'tensor' as const, tensor: payload(fitted(this.drawnGradient, shape)) }
      case 'mse': {
        if (this.targetChoice === 'preset') {
          const preset = this.presetTarget
          return preset && preset.key === this.presetKey ? { kind: 'mse-stored' as const, targetId: preset.targetId } : null
        }
        const target = this.target
        return target ? { kind: 'mse' as const, target: payload(target) } : null
      }
    }
  })

  /**
   * Asks the engine for the preset target when what it depends on changed (call from an effect;
   * it reads the key). The engine keeps it, so a photo's target never crosses to the page.
   */
  async refreshPresetTarget(): Promise<void> {
    const key = this.presetKey
    if (key === null || this.presetTarget?.key === key) return
    // A pool has no weights: "the input filtered by a preset" is not its output (the panel says so)
    if (isPool(this.app.layer)) return
    const engineInput = await this.app.engineInput()
    if (!engineInput || key !== this.presetKey) return
    const weight = presetWeightLike(this.app.weight, presetById(this.targetPreset))
    const layer = this.app.layer
    const answer = await this.app.transport.invoke('filteredTarget', {
      inputId: engineInput.inputId,
      weight: payload(weight),
      options: this.app.options,
      ...(layer.type === 'conv2d' ? {} : { layer }),
    })
    if (key !== this.presetKey) return
    if (!answer.ok) {
      if (answer.code === 'unknown-input') this.app.forgetEngineInput()
      return this.app.report(answer)
    }
    this.presetTarget = {
      key,
      targetId: answer.value.targetId,
      values: answer.value.values ? { shape: [...answer.value.shape], data: answer.value.values } : null,
    }
  }

  /** The document's part of this state. */
  setup(): UpstreamSetup {
    const { choice, seed, targetChoice, targetPreset, drawnGradient, drawnTarget, loadedTarget } = this
    return { choice, seed, targetChoice, targetPreset, drawnGradient, drawnTarget, loadedTarget }
  }

  restore(setup: UpstreamSetup): void {
    Object.assign(this, setup)
  }

  /**
   * The choice as a saved session's upstream gradient (what `convolab` commands read): ones and a
   * seed as they are, a drawing as its tensor, a loss as its target tensor when the page holds it.
   */
  sessionGradOutput(): SessionGradOutput {
    const shape = this.outputShape
    switch (this.choice) {
      case 'ones':
        return { kind: 'ones' }
      case 'random':
        return { kind: 'random', seed: this.seed }
      case 'drawn':
        return { kind: 'tensor', tensor: shape ? fitted(this.drawnGradient, shape) : (this.drawnGradient ?? filled([1, 1, 1, 1], 0)) }
      case 'mse': {
        const target = this.target
        return target ? { kind: 'mse', target } : { kind: 'ones' }
      }
    }
  }

  /** Takes the upstream gradient of a session that has no saved setup (older files, the CLI's). */
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

  /**
   * Paints cells of the drawn dE/dy or target: rows top..bottom−1 and columns left..right−1 of one
   * (n, m) plane (a box of cells when the map is downsampled).
   */
  paint(which: 'gradient' | 'target', plane: number, box: CellBox, value: number): void {
    const shape = this.outputShape
    if (!shape) return
    const current = fitted(which === 'gradient' ? this.drawnGradient : this.drawnTarget, shape)
    const [, , h, w] = shape
    let changed = false
    for (let r = box.top; r < box.bottom && !changed; r++)
      for (let c = box.left; c < box.right && !changed; c++) changed = current.data[(plane * h + r) * w + c] !== value
    if (!changed) return
    const data = Float64Array.from(current.data)
    for (let r = box.top; r < box.bottom; r++) data.fill(value, (plane * h + r) * w + box.left, (plane * h + r) * w + box.right)
    const next = { shape: [...current.shape], data }
    if (which === 'gradient') this.drawnGradient = next
    else this.drawnTarget = next
  }

  clearDrawing(which: 'gradient' | 'target'): void {
    if (which === 'gradient') this.drawnGradient = null
    else this.drawnTarget = null
  }
}

const ids = new WeakMap<Tensor, number>()
let nextId = 1
/** A number per tensor object: a drawn input is a new object after every edit. */
export function tensorId(tensor: Tensor): number {
  let id = ids.get(tensor)
  if (id === undefined) ids.set(tensor, (id = nextId++))
  return id
}

function payload(tensor: Tensor): { shape: number[]; data: Float64Array } {
  return { shape: [...tensor.shape], data: tensor.data }
}
