// The document as a core Session and back: input, kernel, bias, settings, the explorer's layer and
// the stack (session version 3; an older file opens as a Conv2d without a stack), the upstream
// gradient (as core's SessionGradOutput, plus the page's own setup so a preset target reopens as a
// preset), the learning setup, and the view saved with it (colour map, scale, zoom, filter and
// slice, the true-convolution view and the animation's region).

import type { Conv2dOptions, Pair } from '../../../../core/geometry'
import type { Session, SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { Region } from '../animation/region'
import { COLOUR_MAPS, type ColourMap } from '../colour/scales'
import { PRESETS, type PresetId } from '../kernels/presets'
import type { SettingsForm } from '../settings/options'
import { DEFAULT_SETTINGS, toOptions } from '../settings/options'
import { TARGET_CHOICES, UPSTREAM_CHOICES, type TargetChoice, type UpstreamChoice } from './backward.svelte'
import type { DocumentOwners } from './document'

/** View choices saved with a session. */
export interface SessionView {
  colourMap: ColourMap
  normalise: 'perMap' | 'shared'
  batchIndex: number
  filter: number
  slice: number
  zoom?: number
  trueConvolution?: boolean
  /** The animation's output region (rows i.., columns j.., h × w), when one was chosen. */
  region?: Region
  /** The upstream choice as the page offers it (core's gradOutput holds its tensors). */
  upstream?: { choice: UpstreamChoice; seed: number; targetChoice: TargetChoice; targetPreset: PresetId }
}

function pairOf(value: Pair | undefined, fallback: number): [number, number] {
  if (value === undefined) return [fallback, fallback]
  return typeof value === 'number' ? [value, value] : [value[0], value[1]]
}

/** The settings form that stands for these options. */
export function settingsFromOptions(options: Conv2dOptions): SettingsForm {
  const [strideH, strideW] = pairOf(options.stride, 1)
  const [dilationH, dilationW] = pairOf(options.dilation, 1)
  const padding = options.padding ?? 0
  const [paddingH, paddingW] = typeof padding === 'string' ? [0, 0] : pairOf(padding, 0)
  return {
    ...DEFAULT_SETTINGS,
    strideH,
    strideW,
    paddingKind: typeof padding === 'string' ? padding : 'number',
    paddingH,
    paddingW,
    dilationH,
    dilationW,
    groups: options.groups ?? 1,
    paddingMode: options.paddingMode ?? 'zeros',
  }
}

/** The document now, as core's Session. */
export function sessionOf(owners: DocumentOwners, zoom?: number): Session {
  const { explorer: app, backward, learning, player } = owners
  const view: SessionView = {
    colourMap: app.colourMap,
    normalise: app.normalise,
    batchIndex: app.batchIndex,
    filter: app.filter,
    slice: app.slice,
    ...(zoom !== undefined ? { zoom } : {}),
    trueConvolution: player.trueConvolution,
    ...(player.region ? { region: { ...player.region } } : {}),
    upstream: { choice: backward.choice, seed: backward.seed, targetChoice: backward.targetChoice, targetPreset: backward.targetPreset },
  }
  const saved = learning.sessionLearning
  return {
    input: app.input,
    ...(app.origin.name ? { inputName: app.origin.name } : {}),
    weight: app.weight,
    bias: app.useBias ? { shape: [app.bias.length], data: app.bias } : null,
    options: toOptions(app.settings),
    // Saved as they are, computable or not: they are the user's work. Both are replaced, never
    // changed in place, so the session holds this step's values while it is written.
    layer: app.layer,
    ...(app.stack ? { stack: app.stack } : {}),
    gradOutput: backward.sessionGradOutput(),
    view: view as unknown as Record<string, unknown>,
    ...(saved ? { learning: saved } : {}),
  }
}

const whole = (value: unknown, fallback: number, limit: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < limit ? value : fallback

function regionOf(value: unknown): Region | null {
  const r = value as Partial<Region> | undefined
  const ok = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min
  return r && ok(r.i, 0) && ok(r.j, 0) && ok(r.h, 1) && ok(r.w, 1) ? { i: r.i!, j: r.j!, h: r.h!, w: r.w! } : null
}

/** Output channels of the explorer's layer: a transposed weight is (C_in, C_out/groups, KH, KW). */
function outChannelsOf(weightShape: readonly number[], layer: SessionLayer): number {
  if (layer.type !== 'conv-transpose2d') return weightShape[0]
  const groups = layer.options.groups
  return weightShape[1] * (Number.isInteger(groups) && groups! >= 1 ? groups! : 1)
}

/** Puts a session into the owners; returns the zoom it was saved with, if any. */
export function applySession(owners: DocumentOwners, session: Session): number | undefined {
  const { explorer: app, backward, learning, player } = owners
  const view = session.view as Partial<SessionView> & { parts?: Record<string, unknown> }
  const input: Tensor = { shape: [...session.input.shape], data: session.input.data }
  const layer: SessionLayer = session.layer ?? { type: 'conv2d' }
  const outC = outChannelsOf(session.weight.shape, layer)
  app.input = input
  // An image's pixels are kept in the session, not the image: the input is now plain values,
  // still named after the file they came from.
  app.origin = session.inputName ? { kind: 'drawn', name: session.inputName } : { kind: 'drawn' }
  app.weight = session.weight
  app.useBias = session.bias !== null
  app.bias = session.bias ? session.bias.data : new Float64Array(outC)
  Object.assign(app.settings, settingsFromOptions(session.options))
  app.layer = layer
  app.stack = session.stack ?? null
  app.batchIndex = whole(view.batchIndex, 0, input.shape[0])
  app.filter = whole(view.filter, 0, outC)
  app.slice = whole(view.slice, 0, session.weight.shape[1])
  if (typeof view.colourMap === 'string' && (COLOUR_MAPS as readonly string[]).includes(view.colourMap)) app.colourMap = view.colourMap as ColourMap
  if (view.normalise === 'perMap' || view.normalise === 'shared') app.normalise = view.normalise
  app.hover = null
  backward.restoreSession(session.gradOutput)
  const upstream = view.upstream
  if (upstream && UPSTREAM_CHOICES.includes(upstream.choice) && TARGET_CHOICES.includes(upstream.targetChoice)) {
    // A preset target is saved by name: the engine computes it again for the reopened input.
    if (upstream.choice === 'mse' && upstream.targetChoice === 'preset') backward.choice = 'mse'
    if (Number.isInteger(upstream.seed)) backward.seed = upstream.seed
    backward.targetChoice = upstream.targetChoice === 'loaded' && !backward.loadedTarget ? 'preset' : upstream.targetChoice
    if (PRESETS.some((preset) => preset.id === upstream.targetPreset)) backward.targetPreset = upstream.targetPreset
  }
  learning.restoreSession(session.learning ?? null)
  // Sessions written before the view held it kept the true-convolution choice among "parts".
  player.trueConvolution = (view.trueConvolution ?? view.parts?.trueConvolution) === true
  player.region = regionOf(view.region)
  return typeof view.zoom === 'number' && Number.isFinite(view.zoom) ? view.zoom : undefined
}
