// What the animation stage steps through: the whole tensors of a small setting, or on larger
// ones the region of the output the user picked (default: 8×8 at the centre) with its exact
// values read from the engine. The player, the export dialog and the region outlines read it.

import type { ConvGeometry } from '../../../../core/geometry'
import type { Region } from '../animation/region'
import { animatesWhole, fitRegion, regionGeometry } from '../animation/region'
import type { AnimationPlayer } from './animation.svelte'
import type { Explorer } from './explorer.svelte'

/** The tensors of one animation scene, with where they sit in the whole output. */
export interface StageSource {
  /** The geometry the frames are drawn with: the whole one, or the region's small convolution. */
  geometry: ConvGeometry
  /** The whole setting's geometry. */
  full: ConvGeometry
  /** null: the whole tensors; else the region (of batch item n). */
  region: Region | null
  n: number
  input: Float64Array
  weight: Float64Array
  bias: Float64Array | null
  /** Exact forward output of `geometry` (the region's cells, from the engine). */
  output: Float64Array
  /** dE/dy of `geometry`, when the engine computed the backward pass. */
  gradOutput: Float64Array | null
  /** The engine result these values come from. */
  requestId: number
}

export class Stage {
  source = $state.raw<StageSource | null>(null)
  /** The output region in use now (fitted to the output), or null when the whole is animated. */
  readonly region: Region | null = $derived.by(() => {
    const shown = this.app.shown
    if (!shown) return null
    const g = shown.result.geometry
    return animatesWhole(g, shown.exact !== null) ? null : fitRegion(this.player.region, g)
  })
  private asked = 0

  constructor(
    private readonly app: Explorer,
    private readonly player: AnimationPlayer,
  ) {}

  /** Reads the values of the latest result (call from an effect: it reads what they depend on). */
  async refresh(): Promise<void> {
    const shown = this.app.shown
    const region = this.region
    const n = Math.min(this.app.batchIndex, (shown?.result.geometry.batch ?? 1) - 1)
    const ask = ++this.asked
    if (!shown) return void (this.source = null)
    const full = shown.result.geometry
    const common = { full, weight: shown.weight.data, bias: shown.bias, requestId: shown.result.requestId }
    if (!region) {
      const exact = shown.exact!
      this.source = { ...common, geometry: full, region: null, n: 0, input: shown.input.data, output: exact.output, gradOutput: exact.gradOutput }
      return
    }
    // The region's cells, its padded-input window (padding as the convolution sees it) and dE/dy, exact, from the engine.
    const answer = await this.app.transport.invoke('regionValues', {
      requestId: shown.result.requestId,
      batch: n,
      region: { top: region.i, left: region.j, height: region.h, width: region.w },
    })
    // A newer result or region asked meanwhile (the engine then no longer holds these values).
    if (ask !== this.asked || !answer.ok) return
    const values = answer.value
    this.source = {
      ...common,
      geometry: regionGeometry(full, region),
      region,
      n,
      input: values.paddedInput.data,
      output: values.output.data,
      gradOutput: values.gradOutput?.data ?? null,
    }
  }
}
