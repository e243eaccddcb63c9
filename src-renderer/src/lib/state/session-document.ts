// The explorer's document as a core Session and back: input, kernel, bias, settings, the upstream
// gradient (a registered part) and the view (colour map, scale, zoom, chosen filter and slice).

import type { Conv2dOptions, Pair } from '../../../../core/geometry'
import type { Session, SessionGradOutput, SessionLearning } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import { COLOUR_MAPS, type ColourMap } from '../colour/scales'
import type { SettingsForm } from '../settings/options'
import { DEFAULT_SETTINGS, toOptions } from '../settings/options'
import type { Explorer } from './explorer.svelte'
import { documentParts } from './session-parts'

/** The part name under which the backward view registers its upstream gradient. */
export const GRAD_OUTPUT_PART = 'gradOutput'
/** The part name under which the learning view registers its setup (saved as the session's `learning`). */
export const LEARNING_PART = 'learning'
const DEFAULT_GRAD_OUTPUT: SessionGradOutput = { kind: 'ones' }

/** View choices saved with a session (not undone: they do not change any number). */
export interface SessionView {
  colourMap: ColourMap
  normalise: 'perMap' | 'shared'
  batchIndex: number
  filter: number
  slice: number
  zoom?: number
  /** Registered parts other than the upstream gradient. */
  parts?: Record<string, unknown>
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

/** The explorer's document now, as core's Session. */
export function sessionOf(app: Explorer, zoom?: number): Session {
  const parts = documentParts(app)
  const gradOutput = (parts.get(GRAD_OUTPUT_PART)?.capture() as SessionGradOutput | null | undefined) ?? DEFAULT_GRAD_OUTPUT
  const learning = parts.get(LEARNING_PART)?.capture() as SessionLearning | null | undefined
  const otherParts = Object.fromEntries([...parts].filter(([name]) => name !== GRAD_OUTPUT_PART && name !== LEARNING_PART).map(([name, part]) => [name, part.capture()]))
  const view: SessionView = {
    colourMap: app.colourMap,
    normalise: app.normalise,
    batchIndex: app.batchIndex,
    filter: app.filter,
    slice: app.slice,
    ...(zoom !== undefined ? { zoom } : {}),
    ...(Object.keys(otherParts).length ? { parts: otherParts } : {}),
  }
  return {
    input: app.input,
    ...(app.origin.name ? { inputName: app.origin.name } : {}),
    weight: app.weight,
    bias: app.useBias ? { shape: [app.bias.length], data: app.bias } : null,
    options: toOptions(app.settings),
    gradOutput,
    view: view as unknown as Record<string, unknown>,
    ...(learning ? { learning } : {}),
  }
}

const whole = (value: unknown, fallback: number, limit: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < limit ? value : fallback

/** Puts a session into the explorer; returns the zoom it was saved with, if any. */
export function applySession(app: Explorer, session: Session): number | undefined {
  const view = session.view as Partial<SessionView>
  const input: Tensor = { shape: [...session.input.shape], data: session.input.data }
  const [outC] = session.weight.shape
  app.input = input
  // An image's pixels are kept in the session, not the image: the input is now plain values,
  // still named after the file they came from.
  app.origin = session.inputName ? { kind: 'drawn', name: session.inputName } : { kind: 'drawn' }
  app.weight = session.weight
  app.useBias = session.bias !== null
  app.bias = session.bias ? session.bias.data : new Float64Array(outC)
  Object.assign(app.settings, settingsFromOptions(session.options))
  app.batchIndex = whole(view.batchIndex, 0, input.shape[0])
  app.filter = whole(view.filter, 0, outC)
  app.slice = whole(view.slice, 0, session.weight.shape[1])
  if (typeof view.colourMap === 'string' && (COLOUR_MAPS as readonly string[]).includes(view.colourMap)) app.colourMap = view.colourMap as ColourMap
  if (view.normalise === 'perMap' || view.normalise === 'shared') app.normalise = view.normalise
  app.hover = null
  const parts = documentParts(app)
  parts.get(GRAD_OUTPUT_PART)?.restore(session.gradOutput)
  parts.get(LEARNING_PART)?.restore(session.learning ?? null)
  for (const [name, value] of Object.entries(view.parts ?? {})) parts.get(name)?.restore(value)
  return typeof view.zoom === 'number' && Number.isFinite(view.zoom) ? view.zoom : undefined
}
