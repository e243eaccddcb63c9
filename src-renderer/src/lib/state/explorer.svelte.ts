// The explorer's state: the convolution part of the document (input, kernel, bias, settings), view
// choices, the latest result from the engine and what the pointer is on. Made once by AppState.

import type { ComputeResult, ErrorEnvelope, GradOutputSpec, StackComputeResult, Transport } from '../../../../contract'
import { LIMITS } from '../../../../contract'
import type { Language } from '../../../../core/errors'
import type { ConvGeometry } from '../../../../core/geometry'
import type { Tensor } from '../../../../core/tensor'
import { formatShape } from '../../../../core/tensor'
import type { ColourMap } from '../colour/scales'
import type { DrawTool } from '../input/draw'
import { resizeInput } from '../input/draw'
import { sampleImage } from '../input/samples'
import type { ReceptiveFieldMap } from '../geometry/receptive-field'
import { receptiveFieldMap } from '../geometry/receptive-field'
import { applyPreset, placeLoadedKernel, reshapeWeight, resizeBias } from '../kernels/weights'
import { presetById } from '../kernels/presets'
import type { SettingsForm } from '../settings/options'
import { DEFAULT_SETTINGS, toOptions } from '../settings/options'
import { checkGeometry } from './geometry-check'
import type { ComputeJob } from './compute-scheduler'
import { ComputeScheduler } from './compute-scheduler'
import type { ExactValues } from './exact-values'
import { exactValuesOf } from './exact-values'
import type { SessionLayer, SessionStack } from '../../../../core/session'
import type { LayerPlan } from '../../../../core/layer-compute'
import { asConvLayout, fromConvLayout } from '../kernels/layout'
import type { FamilyType, LayerCheck } from '../settings/layer-options'
import { checkLayer, coreLayerOf, groupsOf, layoutOf, poolWindowGeometry, switchLayer, wireLayerOf } from '../settings/layer-options'
import type { LayerExactValues } from './layer-values'
import { layerExactValuesOf } from './layer-values'

export type Hover = { view: 'output'; m: number; i: number; j: number } | { view: 'input'; r: number; c: number }

export type InputOrigin =
  /** name: the file a restored session's input came from (kept until the values are edited). */
  { kind: 'drawn'; name?: string } | { kind: 'image'; name: string; inputId: string; originalWidth: number; originalHeight: number }

export interface Notice {
  id: number
  code: string
  params: Record<string, string | number>
  message: string
}

/** What the shown maps were computed from, kept so hover arithmetic uses the exact numbers sent. */
export interface Shown {
  result: ComputeResult
  input: Tensor
  weight: Tensor
  bias: Float64Array | null
  map: ReceptiveFieldMap
  /** Every value of a small result, exact (float64); null for a large one (display maps). */
  exact: ExactValues | null
  /** The upstream gradient the result's backward pass started from (null: forward only). */
  gradOutputSpec: GradOutputSpec | null
}

/** What the shown maps of a layer other than Conv2d were computed from (a stack of one). */
export interface LayerShown {
  result: StackComputeResult
  layer: Exclude<SessionLayer, { type: 'conv2d' }>
  plan: LayerPlan
  input: Tensor
  weight: Tensor
  bias: Float64Array | null
  /** Every value of a small result, exact (float64); null for a large one. */
  exact: LayerExactValues | null
  gradOutputSpec: GradOutputSpec | null
}

const DRAW_SIDE = 7
/** Longest side of full-resolution maps asked for while zoomed in (larger outputs stay boxed). */
const FULL_SIDE_LIMIT = 1024

/** CSS pixels of one feature map on screen: fewer channels get larger maps. */
export function mapSizeFor(channels: number): number {
  return channels > 1 ? (channels <= 4 ? 230 : 160) : 360
}

/**
 * Longest side to ask the engine for so a map of `side` cells shown at `screenPx` device pixels
 * loses nothing on screen: the smallest whole box that still leaves at least one map cell per
 * device pixel (0 = full size, when no box fits).
 */
export function displaySide(side: number, screenPx: number): number {
  const box = Math.floor(side / Math.max(1, Math.ceil(screenPx)))
  return box <= 1 ? 0 : Math.ceil(side / box)
}

export class Explorer {
  language = $state<Language>('en')

  input = $state.raw<Tensor>({ shape: [1, 1, DRAW_SIDE, DRAW_SIDE], data: sampleImage('digit', DRAW_SIDE, DRAW_SIDE) })
  origin = $state.raw<InputOrigin>({ kind: 'drawn' })
  batchIndex = $state(0)
  tool = $state<DrawTool>('brush')
  brushValue = $state(1)
  brushColour = $state('#ffffff')
  grayscale = $state(false)
  workingSize = $state(512)

  weight = $state.raw<Tensor>(applyPreset({ shape: [1, 1, 3, 3], data: new Float64Array(9) }, presetById('sobel-x'), 0))
  bias = $state.raw<Float64Array>(new Float64Array(1))
  useBias = $state(true)
  filter = $state(0)
  slice = $state(0)

  settings = $state<SettingsForm>({ ...DEFAULT_SETTINGS })
  /** Which layer of the family the explorer shows (Conv2d reads `settings`; the others carry their own options). */
  layer = $state.raw<SessionLayer>({ type: 'conv2d' })
  /** The stack of layers the user built (null: none); `stack.active` shows the stack view. */
  stack = $state.raw<SessionStack | null>(null)
  colourMap = $state<ColourMap>('auto')
  normalise = $state<'perMap' | 'shared'>('perMap')
  /** Decimals shown in numbers (a remembered preference). */
  decimals = $state(4)
  /** Animation speed as a multiple of the normal speed (a remembered preference). */
  animationSpeed = $state(1)

  hover = $state<Hover | null>(null)
  notices = $state<Notice[]>([])
  busy = $state(false)
  shown = $state.raw<Shown | null>(null)
  /** The latest maps of a layer other than Conv2d (the Conv2d ones stay in `shown`). */
  layerShown = $state.raw<LayerShown | null>(null)
  computeError = $state.raw<ErrorEnvelope | null>(null)
  /**
   * The upstream gradient the engine computes the backward pass from, with the forward, while a
   * view shows gradients (set by AppState); null: forward only.
   */
  engineGradient = $state.raw<GradOutputSpec | null>(null)
  /** Zoom factor of each zoomable map, by a key of the view that shows it. */
  private zooms = $state<Record<string, number>>({})

  readonly options = $derived(toOptions(this.settings))
  /** A number, so a new bias of the same length (typing a value) changes no geometry. */
  private readonly biasLength = $derived(this.useBias ? this.bias.length : undefined)
  readonly check = $derived(checkGeometry(this.input.shape, this.weight.shape, this.options, this.biasLength))
  /**
   * Index map of the current settings, for the input view (padding and hover). The same object
   * while the geometry is the same (a kernel value edit), so the input view is not redrawn.
   */
  readonly fieldMap = $derived.by(() => {
    // A pool's windows are a depthwise Conv2d's; a transposed layer's inputs are not a window (the hover arithmetic lists them)
    const layerCheck = this.layerCheck
    if (layerCheck) {
      const plan = layerCheck.ok ? layerCheck.plan : null
      const windows = plan?.type === 'max-pool2d' || plan?.type === 'avg-pool2d' ? poolWindowGeometry(plan.geometry) : null
      return windows ? this.mapOf(windows) : null
    }
    return this.check.ok ? this.mapOf(this.check.geometry) : null
  })
  private lastMap: { key: string; map: ReceptiveFieldMap } | null = null
  readonly drawable = $derived(this.input.shape[2] <= LIMITS.maxDrawSide && this.input.shape[3] <= LIMITS.maxDrawSide)

  /** How the weight is laid out for the layer: Conv2d's, or ConvTranspose2d's (C_in, C_out/groups, KH, KW). */
  readonly layout = $derived(layoutOf(this.layer))
  /** The groups of the layer that has weights (the transposed layer's own, else the Conv2d settings'). */
  readonly weightGroups = $derived(groupsOf(this.layer, this.settings))
  /** The weight as the kernel editor shows it: filter m (output channel) × input channel of its group. */
  readonly kernelView = $derived(asConvLayout(this.weight, this.layout, this.weightGroups))
  /** Whether a layer other than Conv2d can take the input: core's plan or its reason (null for Conv2d: see `check`). */
  readonly layerCheck: LayerCheck | null = $derived.by(() => {
    const layer = this.layer
    if (layer.type === 'conv2d') return null
    return checkLayer(coreLayerOf(layer, {}, this.weight, this.useBias ? this.bias : null), this.input.shape)
  })
  /** (N, C_out, H_out, W_out) of the current layer; null while it cannot be computed. */
  readonly outputShape: number[] | null = $derived.by(() => {
    const layerCheck = this.layerCheck
    if (layerCheck) return layerCheck.ok ? layerCheck.plan.outputShape : null
    const check = this.check
    if (!check.ok) return null
    const g = check.geometry
    return [g.batch, g.outChannels, g.outH, g.outW]
  })
  /** The current layer can be computed (Conv2d's check, or the other layer's). */
  readonly computable = $derived(this.layerCheck ? this.layerCheck.ok : this.check.ok)

  /** Device pixels of one map's longest side on screen, unzoomed. */
  readonly mapScreenPx = $derived(
    mapSizeFor(this.layer.type === 'conv2d' ? this.weight.shape[0] : (this.outputShape?.[1] ?? 1)) * (globalThis.devicePixelRatio || 1),
  )
  /** Some map is zoomed in beyond what a display-sized map resolves: ask for full resolution. */
  readonly fullResolution = $derived(Object.values(this.zooms).some((k) => k > 1.01))

  private scheduler: ComputeScheduler | null = null
  private noticeCount = 0
  private sent: { source: Tensor; copy: Tensor } | null = null

  constructor(readonly transport: Transport) {}

  /** Starts talking to the engine; returns the cleanup. Call from a component effect. */
  connect(): () => void {
    let answered = 0
    this.scheduler = new ComputeScheduler(
      this.transport,
      async (outcome) => {
        const answer = ++answered
        if (outcome.kind === 'layer') {
          const { job, result, layer, plan } = outcome
          const exact = await layerExactValuesOf(this.transport, result)
          if (answer !== answered) return
          this.computeError = null
          this.layerShown = { result, layer, plan, input: job.input, weight: job.weight, bias: job.bias, exact, gradOutputSpec: job.gradOutput ?? null }
          return
        }
        const { job, result } = outcome
        // A small result comes whole and exact, with its maps, before it is shown.
        const exact = await exactValuesOf(this.transport, result)
        if (answer !== answered) return
        this.computeError = null
        this.shown = {
          result,
          input: job.input,
          weight: job.weight,
          bias: job.bias,
          map: this.mapOf(result.geometry),
          exact,
          gradOutputSpec: job.gradOutput ?? null,
        }
      },
      (error) => (this.computeError = error),
      (busy) => (this.busy = busy),
    )
    return () => this.scheduler?.dispose()
  }

  /** Reads every input of the computation, so an effect calling it reruns on any edit. */
  requestCompute(): void {
    if (this.layer.type !== 'conv2d') return this.requestLayerCompute(this.layer)
    const check = this.check
    const input = this.input
    const origin = this.origin
    const weight = this.weight
    const bias = this.useBias ? this.bias : null
    const options = this.options
    if (!this.scheduler) return
    if (!check.ok) return this.scheduler.cancel()
    const { outH, outW, inH, inW } = check.geometry
    // Maps as large as they are shown (box means of the exact values); while a map is zoomed in,
    // full resolution so zoomed cells and the numbers written in them are the exact ones.
    const side = Math.max(outH, outW, this.engineGradient ? Math.max(inH, inW) : 0)
    const full = side > FULL_SIDE_LIMIT ? FULL_SIDE_LIMIT : 0
    const job: ComputeJob = {
      input: origin.kind === 'image' ? input : this.snapshot(input),
      inputId: origin.kind === 'image' ? origin.inputId : undefined,
      weight,
      bias,
      options,
      maxSide: this.fullResolution ? full : displaySide(side, this.mapScreenPx),
      gradOutput: this.engineGradient,
    }
    this.scheduler.schedule(job)
  }

  /** A layer other than Conv2d: computed by the engine as a stack of one (computeStack). */
  private requestLayerCompute(layer: Exclude<SessionLayer, { type: 'conv2d' }>): void {
    const check = this.layerCheck
    const input = this.input
    const origin = this.origin
    const weight = this.weight
    const bias = this.useBias ? this.bias : null
    const gradOutput = this.engineGradient
    if (!this.scheduler) return
    if (!check?.ok) return this.scheduler.cancel()
    const [, , outH, outW] = check.plan.outputShape
    const [, , inH, inW] = check.plan.inputShape
    const side = Math.max(outH, outW, gradOutput ? Math.max(inH, inW) : 0)
    const full = side > FULL_SIDE_LIMIT ? FULL_SIDE_LIMIT : 0
    const job: ComputeJob = {
      input: origin.kind === 'image' ? input : this.snapshot(input),
      inputId: origin.kind === 'image' ? origin.inputId : undefined,
      weight,
      bias,
      options: {},
      maxSide: this.fullResolution ? full : displaySide(side, this.mapScreenPx),
      gradOutput,
      layer: { spec: layer, wire: wireLayerOf(layer, weight, bias), plan: check.plan },
    }
    this.scheduler.schedule(job)
  }

  /**
   * Picks another layer of the family: the weight changes layout (each channel pair keeps its
   * kernel), stride, padding, dilation and groups carry over between the convolutions. One edit
   * of the document (one undo step).
   */
  setLayer(type: FamilyType): void {
    const next = switchLayer(this.layer, type, { ...this.settings }, this.weight)
    if (next.layer === this.layer) return
    Object.assign(this.settings, next.settings)
    this.layer = next.layer
    this.weight = next.weight
    this.hover = null
  }

  /** Replaces the options of the current (non-Conv2d) layer; the layer object is replaced, never changed. */
  setLayerOptions<L extends Exclude<SessionLayer, { type: 'conv2d' }>>(layer: L, options: L['options']): void {
    if (this.layer !== layer) return
    this.layer = { ...layer, options } as SessionLayer
  }

  /** Sets the weight from the kernel editor's view of it (the Conv2d layout), in the layer's layout. */
  setKernelView(view: Tensor): void {
    const groups = this.weightGroups
    const [outC, inC, kh, kw] = view.shape
    // The transposed layer's C_out is C_out/groups · groups: round a new count up to whole groups
    if (this.layout === 'transposed' && outC % groups !== 0) view = reshapeWeight(view, [Math.ceil(outC / groups) * groups, inC, kh, kw])
    this.setWeight(fromConvLayout(view, this.layout, groups))
  }

  /**
   * The engine's id of the current input (a photo's own, or the drawn grid stored once per edit),
   * for requests other than the maps (learning, the preset target).
   */
  async engineInput(): Promise<{ inputId: string; input: Tensor } | null> {
    const input = this.input
    const origin = this.origin
    if (origin.kind === 'image') return { inputId: origin.inputId, input }
    if (!this.scheduler) return null
    const copy = this.snapshot(input)
    const stored = await this.scheduler.inputIdFor(copy)
    if (!stored.ok) {
      this.report(stored)
      return null
    }
    return { inputId: stored.value, input: copy }
  }

  /** The engine forgot an input it was asked about: store it again next time. */
  forgetEngineInput(): void {
    this.scheduler?.forget()
  }

  private mapOf(geometry: ConvGeometry): ReceptiveFieldMap {
    const key = JSON.stringify(geometry)
    if (this.lastMap?.key !== key) this.lastMap = { key, map: receptiveFieldMap(geometry) }
    return this.lastMap.map
  }

  /** A zoomable map reports its zoom factor (1 = not zoomed); `key` names the map. */
  setZoom(key: string, k: number): void {
    const zoomed = k > 1.01
    if (zoomed === this.zooms[key] > 1.01) return
    if (zoomed) this.zooms[key] = k
    else delete this.zooms[key]
  }

  /**
   * Drawn inputs are edited in place, so a request keeps its own copy; one copy per edit, so the
   * scheduler can tell that an unchanged input need not be sent again.
   */
  private snapshot(input: Tensor): Tensor {
    if (this.sent?.source !== input) this.sent = { source: input, copy: { shape: input.shape, data: Float64Array.from(input.data) } }
    return this.sent.copy
  }

  /** Call after changing input values in place. */
  touchInput(): void {
    this.input = { shape: this.input.shape, data: this.input.data }
    if (this.origin.kind === 'image') this.origin = { kind: 'drawn' }
  }

  setInput(input: Tensor, origin: InputOrigin): void {
    this.input = input
    this.origin = origin
    this.batchIndex = Math.min(this.batchIndex, input.shape[0] - 1)
    this.fitKernelToInput()
    this.hover = null
  }

  resizeDrawing(shape: [number, number, number, number]): void {
    this.setInput(resizeInput(this.input, shape), { kind: 'drawn' })
  }

  /** Keeps C_in/groups of the kernel equal to the input's channels over the groups. */
  private fitKernelToInput(): void {
    const channels = this.input.shape[1]
    if (this.layer.type === 'conv-transpose2d') {
      // The transposed layer's own groups; its weight is fitted through the Conv2d view
      const layer = this.layer
      const groups = layer.options.groups ?? 1
      const view = this.kernelView
      if (channels % groups !== 0 || view.shape[0] % groups !== 0) this.layer = { ...layer, options: { ...layer.options, groups: 1 } }
      // the view read with the groups the weight had, regrouped with the ones it keeps
      const fitted = this.weightGroups
      const perGroup = channels / fitted
      const [outC, inC, kh, kw] = view.shape
      if (inC !== perGroup || fitted !== groups) this.weight = fromConvLayout(reshapeWeight(view, [outC, perGroup, kh, kw]), 'transposed', fitted)
      this.slice = Math.min(this.slice, perGroup - 1)
      return
    }
    if (channels % this.settings.groups !== 0 || this.weight.shape[0] % this.settings.groups !== 0) this.settings.groups = 1
    const perGroup = channels / this.settings.groups
    const [outC, inC, kh, kw] = this.weight.shape
    if (inC !== perGroup) this.weight = reshapeWeight(this.weight, [outC, perGroup, kh, kw])
    this.slice = Math.min(this.slice, perGroup - 1)
  }

  setGroups(groups: number): void {
    if (this.layer.type === 'conv-transpose2d') return this.setTransposedGroups(this.layer, groups)
    this.settings.groups = groups
    const channels = this.input.shape[1]
    if (Number.isInteger(groups) && groups >= 1 && channels % groups === 0) {
      const [outC, , kh, kw] = this.weight.shape
      this.weight = reshapeWeight(this.weight, [outC, channels / groups, kh, kw])
      this.slice = Math.min(this.slice, channels / groups - 1)
    }
  }

  /**
   * The transposed layer's groups: its weight (C_in, C_out/groups, KH, KW) is regrouped through
   * the Conv2d view, C_out rounded up to a multiple of the groups.
   */
  private setTransposedGroups(layer: Extract<SessionLayer, { type: 'conv-transpose2d' }>, groups: number): void {
    const channels = this.input.shape[1]
    const old = this.weightGroups
    if (Number.isInteger(groups) && groups >= 1 && channels % groups === 0) {
      const view = asConvLayout(this.weight, 'transposed', old)
      const [outC, , kh, kw] = view.shape
      const regrouped = reshapeWeight(view, [Math.ceil(outC / groups) * groups, channels / groups, kh, kw])
      this.weight = fromConvLayout(regrouped, 'transposed', groups)
      if (this.bias.length !== regrouped.shape[0]) this.bias = resizeBias(this.bias, regrouped.shape[0])
      this.slice = Math.min(this.slice, channels / groups - 1)
    }
    this.layer = { ...layer, options: { ...layer.options, groups } }
  }

  setWeight(weight: Tensor): void {
    this.weight = weight
    // Filters and bias follow the output channels: the view's first axis in either layout
    const view = this.kernelView
    if (this.bias.length !== view.shape[0]) this.bias = resizeBias(this.bias, view.shape[0])
    this.filter = Math.min(this.filter, view.shape[0] - 1)
    this.slice = Math.min(this.slice, view.shape[1] - 1)
  }

  setBias(m: number, value: number): void {
    const next = Float64Array.from(this.bias)
    next[m] = value
    this.bias = next
  }

  /** Loads a tensor read from a kernel file; says why when its shape does not fit. */
  placeKernel(loaded: Tensor): void {
    // A whole 4-D weight is in the layer's own layout (as PyTorch saves it); a slice or a filter goes through the editor's view
    const placed = placeLoadedKernel(loaded.shape.length === 4 ? this.weight : this.kernelView, loaded, this.filter, this.slice)
    if (!placed) {
      this.report({ ok: false, code: 'kernel-shape', params: { shape: formatShape(loaded.shape) }, message: '' })
      return
    }
    if (loaded.shape.length === 4) this.setWeight(placed)
    else this.setKernelView(placed)
  }

  report(error: ErrorEnvelope): void {
    this.notices = [...this.notices, { id: ++this.noticeCount, code: error.code, params: error.params, message: error.message }]
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id)
  }
}
