// The stack view's state: the stack (explorer.stack, part of the one document, replaced on every
// edit), its shapes planned in the page, the engine's result for it (forward and every gradient
// from dE/dy = 1 at the output), the hovered unit with its receptive field, the effective
// receptive field of that unit (a second computeStack with the unit seed) and the animation player.

import { untrack } from 'svelte'
import type { ErrorEnvelope, MapStack, StackComputeRequest, StackComputeResult, Transport } from '../../../../contract'
import type { Layer } from '../../../../core/layer'
import type { SessionStack } from '../../../../core/session'
import type { StackPlan } from '../../../../core/stack'
import { planStack } from '../../../../core/stack'
import type { StackPresetId } from '../../../../core/stack-presets'
import { toOptions } from '../settings/options'
import { defaultChannel } from '../../../../frames/stack-channels'
import { presetStack, setActive, stackFromConv } from '../stack/edit'
import type { FieldOutline, StackUnit } from '../stack/fields'
import { fieldOutlines } from '../stack/fields'
import { layersOnWire } from '../stack/wire'
import type { Explorer } from './explorer.svelte'
import { STACK_MAP_SIDE } from '../../../../frames/stack-scene'
import { fieldSide } from '../../../../frames/stack-unit'

/** Longest side of the maps the strip and the frames draw (frames' own, so exports from the command line match). */
export { STACK_MAP_SIDE }
/**
 * Longest side of the effective receptive field's heat map over the photo, and the display side of
 * the maps backward from a unit (frames' own, so `convolab export --unit` makes the same frames).
 */
export { FIELD_MAP_SIDE, fieldSide } from '../../../../frames/stack-unit'

/** A pause in the pointer's moves before the effective receptive field is asked for. */
const FIELD_DELAY_MS = 120

export type StackDirection = 'forward' | 'backward'

export interface StackShown {
  result: StackComputeResult
  /** The layers and plan the result was computed for (the editor may have moved on). */
  layers: Layer[]
  plan: StackPlan
}

export class StackView {
  shown = $state.raw<StackShown | null>(null)
  error = $state.raw<ErrorEnvelope | null>(null)
  busy = $state(false)
  hover = $state.raw<StackUnit | null>(null)
  /** The channel each map shows (−1: the input). */
  channels = $state<Record<number, number>>({})
  /** Show the gradients dE/dy under each map in the strip. */
  showGradients = $state(false)
  /** The effective receptive field over the input while a unit is hovered. */
  fieldOn = $state(false)
  field = $state.raw<{ unit: StackUnit; map: MapStack; result: StackComputeResult; layers: Layer[] } | null>(null)
  /** A unit clicked in the strip stays chosen when the pointer leaves (its field and its backward animation). */
  pinned = $state.raw<StackUnit | null>(null)
  /** Where the backward animation starts: dE/dy = 1 at every output, or at the chosen unit alone. */
  seed = $state<'output' | 'unit'>('output')
  direction = $state<StackDirection>('backward')
  step = $state(-1)
  playing = $state(false)
  /** Milliseconds of the last result: in the engine, and from the request to the answer in the page. */
  timing = $state.raw<{ engineMs: number; pageMs: number } | null>(null)

  private nextId = 0
  private latest = { main: 0, field: 0 }
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly explorer: Explorer,
    private readonly transport: Transport,
  ) {}

  get stack(): SessionStack | null {
    return this.explorer.stack
  }

  readonly active = $derived.by(() => !!this.explorer.stack?.active)

  /** The layers alone: choosing another layer to edit (or undoing that) replaces the stack but keeps them, and asks nothing again. */
  readonly layers = $derived.by((): Layer[] | null => this.explorer.stack?.layers ?? null)
  private readonly inputShape = $derived.by(() => this.explorer.input.shape.join(','))

  /** Shapes layer by layer for the current input, and the first layer that cannot take its input. */
  readonly plan = $derived.by((): StackPlan | null => {
    const layers = this.layers
    if (!layers) return null
    return planStack(layers, this.inputShape.split(',').map(Number))
  })

  /** The hovered unit's outlines on the input and every map before its layer. */
  readonly outlines = $derived.by((): FieldOutline[] => {
    const shown = this.shown
    const hover = this.hover
    if (!shown || !hover || hover.layer < 0) return []
    return fieldOutlines(shown.layers, shown.plan, hover)
  })

  /** Replaces the stack (the document keeps the old one for undo). */
  edit(change: (stack: SessionStack) => SessionStack): void {
    const stack = this.explorer.stack
    if (stack) this.explorer.stack = change(stack)
  }

  /** Opens the stack view: the stack kept from before, or today's Conv2d as a stack of one. */
  open(): void {
    const { explorer } = this
    if (explorer.stack) {
      explorer.stack = setActive(explorer.stack, true)
      return
    }
    const options = toOptions(explorer.settings)
    explorer.stack = stackFromConv(explorer.weight, explorer.useBias ? explorer.bias : null, options)
  }

  /** Back to the single-layer explorer, which the stack never changed; the stack is kept. */
  close(): void {
    const stack = this.explorer.stack
    if (stack) this.explorer.stack = setActive(stack, false)
    this.hover = null
    this.pinned = null
    this.playing = false
  }

  /** The pointer over a unit (or off the maps: back to the pinned unit, if any). */
  hoverUnit(unit: StackUnit | null): void {
    this.hover = unit ?? this.pinned
  }

  /** Clicking a unit pins it; clicking it again lets it go. */
  pin(): void {
    const hover = this.hover
    const same =
      hover && this.pinned && hover.layer === this.pinned.layer && hover.row === this.pinned.row && hover.col === this.pinned.col && hover.c === this.pinned.c
    this.pinned = same ? null : hover
  }

  usePreset(id: StackPresetId): void {
    this.pinned = null
    this.hover = null
    this.field = null
    this.explorer.stack = presetStack(id, this.explorer.input.shape[1])
    this.channels = {}
    this.step = -1
  }

  /** Channel shown for map `on`, within its channels (before a pick: around a ReLU, one where its mask has both states). */
  channelOf(on: number, channels: number): number {
    return Math.max(0, Math.min(channels - 1, this.channels[on] ?? defaultChannel(this.shown?.result ?? null, on, this.explorer.batchIndex)))
  }

  /** Asks the engine for every layer's maps and gradients; an effect calling it reruns on any edit. */
  requestCompute(): void {
    const active = this.active
    const layers = this.layers
    const plan = this.plan
    // read the input so an edit to it asks again
    void this.explorer.input
    void this.explorer.origin
    if (!active || !layers || !plan) return
    // the effective field of other layers would animate a stack that is no more
    untrack(() => {
      if (this.field && this.field.layers !== layers) this.field = null
    })
    if (layers.length === 0) {
      this.shown = null
      this.error = null
      return
    }
    // the backward pass from dE/dy = 1 at the output needs the whole stack to fit
    const gradient = plan.failure || plan.plans.length === 0 ? undefined : ({ kind: 'output', gradOutput: { kind: 'ones' } } as const)
    this.busy = true
    void this.send('main', { layers: layersOnWire(layers), gradient, display: { maxSide: STACK_MAP_SIDE } }).then((answer) => {
      if (!answer) return
      this.busy = false
      if (!answer.ok) {
        this.error = answer
        return
      }
      this.error = null
      this.timing = { engineMs: answer.value.result.timings.computeMs, pageMs: answer.pageMs }
      this.shown = { result: answer.value.result, layers, plan }
    })
  }

  /** The effective receptive field of the hovered unit, a moment after the pointer rests. */
  requestField(): (() => void) | void {
    const hover = this.hover
    const shown = this.shown
    if (!this.fieldOn || !hover || hover.layer < 0 || !shown) return
    // the backward animation from the unit shows each conv's dE/dw too: asked for only then, so
    // plain hovering computes dE/dx alone
    const weights = this.seed === 'unit' && this.direction === 'backward'
    const timer = setTimeout(() => {
      const unit = [hover.n, hover.c, hover.row, hover.col] as [number, number, number, number]
      const gradient = { kind: 'unit' as const, layer: hover.layer, unit, ...(weights ? { weights } : {}) }
      void this.send('field', { layers: layersOnWire(shown.layers), gradient, display: { maxSide: fieldSide(shown.plan) } }).then((answer) => {
        const result = answer?.ok ? answer.value.result : null
        if (result?.gradInput) this.field = { unit: hover, map: result.gradInput, result, layers: shown.layers }
      })
    }, FIELD_DELAY_MS)
    return () => clearTimeout(timer)
  }

  /**
   * One request at a time, in order (the engine lets a newer compute cancel an older one, so
   * two of ours in flight would cancel each other); a request superseded while it waited is dropped.
   */
  private send(
    slot: 'main' | 'field',
    body: Omit<StackComputeRequest, 'requestId' | 'inputId'>,
  ): Promise<{ ok: true; value: { result: StackComputeResult }; pageMs: number } | ErrorEnvelope | null> {
    const id = ++this.nextId
    this.latest[slot] = id
    const run = async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (this.latest[slot] !== id) return null
        const input = await this.explorer.engineInput()
        if (!input || this.latest[slot] !== id) return null
        const started = performance.now()
        const response = await this.transport.invoke('computeStack', { ...body, requestId: id, inputId: input.inputId })
        if (this.latest[slot] !== id) return null
        if (response.ok) return { ok: true as const, value: { result: response.value }, pageMs: performance.now() - started }
        // a single-layer compute sent meanwhile cancels ours, and a forgotten input is stored again: try again
        if (response.code === 'unknown-input') this.explorer.forgetEngineInput()
        else if (response.code !== 'cancelled') return response
      }
      return null
    }
    const done = this.queue.then(run, run)
    this.queue = done.catch(() => undefined)
    return done
  }
}
