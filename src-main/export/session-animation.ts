// Which animation a saved session exports and its scene, as the page shows it: a Conv2d's stepped
// animations and learning; for ConvTranspose2d, MaxPool2d and AvgPool2d the family's views (the
// same tensors, crop and region as the page, from frames/family-source.ts, computed in core); for
// a session whose stack is shown, the stack layer by layer (maps box-averaged to the page's size,
// backward from dE/dy = 1 at the output, or from one unit of one layer, as the stack view
// animates it; frames/stack-unit.ts makes the unit's frames for both).

import type { AnimationKind, Granularity } from '../../core/animation'
import { ANIMATION_KINDS } from '../../core/animation'
import type { Region } from '../../core/animation-region'
import { MAX_REGION_SIDE } from '../../core/animation-region'
import type { ErrorCode } from '../../core/errors'
import { ConvolabError } from '../../core/errors'
import { createFastKernels } from '../../core/fast'
import { TORCH_CLASS } from '../../core/layer'
import { planLayer } from '../../core/layer-compute'
import type { Session } from '../../core/session'
import { stackBackward, stackForward } from '../../core/stack'
import { filled } from '../../core/tensor'
import type { FamilyView, TransposedForward } from '../../frames/family-choice'
import { familySceneOf, familyViewsOf } from '../../frames/family-choice'
import { buildFamilySource, coreLayerOf } from '../../frames/family-source'
import type { FamilySessionLayer } from '../../frames/family-source'
import type { AnyScene } from '../../frames/frame'
import type { FrameOptions } from '../../frames/scene'
import type { StackUnit } from '../../frames/stack-field'
import { STACK_MAP_SIDE, makeStackScene } from '../../frames/stack-scene'
import type { StackScene } from '../../frames/stack-scene'
import { fieldSide, unitSceneData } from '../../frames/stack-unit'
import { defaultChannel } from '../../frames/stack-channels'
import type { MapStack } from '../../contract'
import type { StackForward } from '../../core/stack'
import type { Layer } from '../../core/layer'
import type { FastKernels } from '../../core/fast/kernels'
import { toMapStack } from '../engine/map-stack'
import { enableRelaxedSimd } from '../engine/parallel/relaxed-simd'
import { withCoreRunner } from './family-run'
import { gradOutputSpec, learningSceneFromSession, regionOutside, sceneFromSession } from './session-scene'

/** Every animation an export may ask for; which ones a session has depends on what it shows. */
export type FrameAnimation = AnimationKind | 'learning' | 'pair' | 'backward'
export const FRAME_ANIMATIONS: readonly FrameAnimation[] = [...ANIMATION_KINDS, 'learning', 'pair', 'backward']

export type SessionAnimated = 'conv2d' | FamilySessionLayer['type'] | 'stack'

/** What the session's animation shows: its stack when the stack view is open, else its layer. */
export function animatedOf(session: Session): SessionAnimated {
  if (session.stack?.active) return 'stack'
  return session.layer?.type ?? 'conv2d'
}

/** The animations of what a session shows, with the names `--animation` takes. */
export function animationsOf(session: Session): readonly FrameAnimation[] {
  const shown = animatedOf(session)
  if (shown === 'stack') return ['forward', 'backward']
  if (shown === 'conv2d') return [...ANIMATION_KINDS, 'learning']
  return familyViewsOf(shown)
}

/** Refuses an animation the session's layer or stack does not have, naming the ones it has. */
export function checkAnimation(session: Session, animation: FrameAnimation): void {
  const allowed = animationsOf(session)
  if (allowed.includes(animation)) return
  const shown = animatedOf(session)
  throw new ConvolabError('animation-for-layer', {
    layer: shown === 'stack' ? 'nn.Sequential' : TORCH_CLASS[shown],
    allowed: allowed.join(', '),
    value: animation,
  })
}

export interface SessionSceneRequest {
  session: Session
  animation: FrameAnimation
  granularity: Granularity
  options: FrameOptions
  /** The output region (Conv2d: null is the whole output; a family layer: null is the page's default at the centre). */
  region: Region | null
  /** ConvTranspose2d's forward: every input cell's stamps, or the Conv2d dE/dx frames (default scatter, as the page). */
  transposedForward?: TransposedForward
  /** A stack's backward animation from this unit of this layer (dE/dy = 1 there, 0 elsewhere) instead of from the output. */
  unit?: StackUnit | null
}

export interface SessionScene {
  scene: AnyScene
  /** The output region the frames step through (after fitting), or null for the whole output. */
  region: Region | null
}

/** The batch item the page shows (the session's saved one). */
function sampleOf(session: Session): number {
  const n = session.view.batchIndex
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < session.input.shape[0] ? n : 0
}

async function familyScene(request: SessionSceneRequest, layer: FamilySessionLayer): Promise<SessionScene> {
  const { session, animation, granularity, options } = request
  const view = animation as FamilyView
  if (request.region) {
    // as a Conv2d's region: inside the output and no larger than a region animates (a pool may then move it off the padding)
    const [, , outH, outW] = planLayer(coreLayerOf(layer, session.weight, session.bias?.data ?? null), session.input.shape).outputShape
    const { i, j, h, w } = request.region
    if (i + h > outH || j + w > outW || h > MAX_REGION_SIDE || w > MAX_REGION_SIDE) throw regionOutside(request.region, outH, outW)
  }
  const source = await withCoreRunner((run) =>
    buildFamilySource(run, {
      layer,
      input: session.input,
      weight: session.weight,
      bias: layer.type === 'conv-transpose2d' ? (session.bias?.data ?? null) : null,
      n: sampleOf(session),
      region: request.region,
      // as the page asks: the session's dE/dy and, for ConvTranspose2d, its Conv2d pair, whatever the view
      gradOutput: gradOutputSpec(session.gradOutput),
      pair: layer.type === 'conv-transpose2d',
    }),
  )
  if (!source.ok) throw new ConvolabError(source.code as ErrorCode, source.params)
  const scene = familySceneOf(source.value, view, request.transposedForward ?? 'scatter', granularity, options)
  if (!scene) {
    const reason = view === 'pair' ? 'no-pair' : 'region-gradient'
    throw new ConvolabError('animation-unavailable', { animation, reason })
  }
  return { scene, region: source.value.region }
}

/** Refuses a unit where there is no backward animation of a stack to start from it. */
export function checkUnit(session: Session, animation: FrameAnimation): void {
  const shown = animatedOf(session)
  if (shown !== 'stack') throw new ConvolabError('unit-animation', { reason: 'not-stack', layer: TORCH_CLASS[shown] })
  if (animation !== 'backward') throw new ConvolabError('unit-animation', { reason: 'forward', animation })
}

/**
 * The channel each map shows before a pick, as the stack view starts them (frames/stack-channels.ts:
 * around a ReLU, one whose mask has both states): read from the layers' outputs at the strip's
 * size, as the page reads them from the engine's maps; index 0 the input, k + 1 layer k's output.
 */
function pageChannels(layers: readonly Layer[], outputs: readonly MapStack[], sample: number): number[] {
  const result = { layers: outputs.map((output, k) => ({ type: layers[k].type, output })) }
  return [-1, ...outputs.keys()].map((on) => defaultChannel(result, on, sample))
}

/** The stack's backward frames from one unit, as the stack view's player makes them from the engine's effective field. */
function unitScene(layers: readonly Layer[], forward: StackForward, unit: StackUnit, kernels: FastKernels, request: SessionSceneRequest): StackScene {
  // refuses a layer out of range, one not computed, and a unit outside its layer's output (core's words)
  const grads = stackBackward(layers, forward, { kind: 'unit', layer: unit.layer, unit: [unit.n, unit.c, unit.row, unit.col] }, kernels)
  // the maps the page asks the engine for backward from a unit: whole when small enough, else box-averaged
  const side = fieldSide(forward.plan)
  const count = unit.layer + 1
  const maps = (t: Parameters<typeof toMapStack>[0]) => toMapStack(t, side)
  // the page's channels, and on the unit's own map the unit's channel (the one the page showed when it was chosen)
  const channels = pageChannels(
    layers,
    forward.layers.slice(0, count).map((l) => toMapStack(l.output, STACK_MAP_SIDE)),
    unit.n,
  )
  channels[count] = unit.c
  const data = unitSceneData(layers, forward.plan, unit, {
    input: toMapStack(request.session.input, STACK_MAP_SIDE),
    outputs: forward.layers.slice(0, count).map((l) => maps(l.output)),
    gradOutputs: grads.gradOutputs.slice(0, count).map((g) => (g ? maps(g) : null)),
    gradInput: maps(grads.gradInput),
    gradWeights: grads.gradWeights.slice(0, count),
  })
  // the unit's batch item is the one shown, as the page's hovered unit is on the sample it shows
  return makeStackScene(data, 'backward', unit.n, channels, { ...request.options, diverging: 'RdBu', decimals: 2 })
}

async function stackScene(request: SessionSceneRequest): Promise<SessionScene> {
  const { session, animation, options } = request
  if (request.region) throw new ConvolabError('animation-unavailable', { animation, reason: 'stack-region' })
  const layers = session.stack!.layers
  enableRelaxedSimd()
  const kernels = await createFastKernels()
  try {
    const forward = stackForward(layers, session.input, kernels)
    // from a unit, the layers up to its own are enough (a later layer may be refused)
    if (request.unit) return { scene: unitScene(layers, forward, request.unit, kernels, request), region: null }
    const backward = animation === 'backward'
    if (backward && forward.failure) throw new ConvolabError('animation-unavailable', { animation, reason: 'stack-refused' })
    // the stack view's backward pass: dE/dy = 1 at every output
    const grads = backward ? stackBackward(layers, forward, { kind: 'output', gradOutput: filled(forward.output.shape, 1) }, kernels) : null
    const maps = (t: Parameters<typeof toMapStack>[0]) => toMapStack(t, STACK_MAP_SIDE)
    const computed = forward.layers.length
    const outputs = forward.layers.map((l) => maps(l.output))
    const scene = makeStackScene(
      {
        layers: layers.slice(0, computed),
        input: maps(session.input),
        outputs,
        gradOutputs: grads ? grads.gradOutputs.slice(0, computed).map((g) => (g ? maps(g) : null)) : undefined,
        gradInput: grads ? maps(grads.gradInput) : undefined,
        gradWeights: grads ? grads.gradWeights.slice(0, computed) : undefined,
      },
      backward ? 'backward' : 'forward',
      sampleOf(session),
      pageChannels(layers, outputs, sampleOf(session)),
      // the stack view's frames: two decimals, RdBu for signed maps
      { ...options, diverging: 'RdBu', decimals: 2 },
    )
    return { scene, region: null }
  } finally {
    kernels.release()
  }
}

/** The scene of the session's animation, and the region it steps through. */
export async function sessionScene(request: SessionSceneRequest): Promise<SessionScene> {
  const { session, animation } = request
  checkAnimation(session, animation)
  if (request.unit) checkUnit(session, animation)
  const shown = animatedOf(session)
  if (shown === 'stack') return stackScene(request)
  if (shown !== 'conv2d') return familyScene(request, session.layer as FamilySessionLayer)
  if (animation === 'learning') return { scene: learningSceneFromSession(session, request.options), region: null }
  return {
    scene: sceneFromSession(session, animation as AnimationKind, request.granularity, request.options, request.region),
    region: request.region,
  }
}
