// A saved session to a frame scene: core's forward output and the session's upstream gradient,
// of the whole setting or of a region of the output (as the app's stage animates large outputs).

import type { AnimationKind, Granularity } from '../../core/animation'
import { conv2d } from '../../core/conv2d'
import { ConvolabError } from '../../core/errors'
import { learningRunOf, presetWeightLike } from '../../core/learning'
import { presetById } from '../../core/presets'
import type { Session, SessionGradOutput } from '../../core/session'
import type { GradOutputSpec } from '../../contract'
import type { FrameOptions, Scene } from '../../frames/scene'
import { makeScene } from '../../frames/scene'
import type { LearningScene } from '../../frames/learning'
import { makeLearningScene } from '../../frames/learning'
import { upstreamGradient } from '../engine/grad-output'
import { regionValues } from '../engine/region'
import type { Region } from '../../core/animation-region'
import { MAX_REGION_SIDE, fitRegion, regionGeometry } from '../../core/animation-region'

// Inputs are grayscale as in every view of the app (viridis only when a session asks for it).
const VIEW_DEFAULTS: Omit<FrameOptions, 'language'> = { colourMap: 'grayscale', diverging: 'RdBu', decimals: 2, trueConvolution: false }

/** The viewer options a session saved in its free-form `view`, where they are valid. */
export function frameOptionsOf(session: Session, language: FrameOptions['language']): FrameOptions {
  const view = session.view
  const options: FrameOptions = { ...VIEW_DEFAULTS, language }
  if (view.colourMap === 'viridis' || view.colourMap === 'grayscale') options.colourMap = view.colourMap
  if (view.diverging === 'RdBu' || view.diverging === 'PuOr') options.diverging = view.diverging
  if (typeof view.decimals === 'number' && Number.isInteger(view.decimals) && view.decimals >= 0 && view.decimals <= 8) options.decimals = view.decimals
  if (typeof view.trueConvolution === 'boolean') options.trueConvolution = view.trueConvolution
  return options
}

/** The session's saved dE/dy as the engine's spec. */
export function gradOutputSpec(saved: SessionGradOutput): GradOutputSpec {
  if (saved.kind === 'tensor') return { kind: 'tensor', tensor: { shape: [...saved.tensor.shape], data: saved.tensor.data } }
  if (saved.kind === 'mse') return { kind: 'mse', target: { shape: [...saved.target.shape], data: saved.target.data } }
  return saved
}

/**
 * The scene of one animation of the session; with a region, the frames step through that region
 * of the output of batch item `batch` (its padded-input window as the input of a small convolution).
 */
export function sceneFromSession(
  session: Session,
  kind: AnimationKind,
  granularity: Granularity,
  options: FrameOptions,
  region: Region | null = null,
  batch = 0,
): Scene {
  const bias = session.bias ? { shape: [session.bias.data.length], data: session.bias.data } : null
  const { output, geometry } = conv2d(session.input, session.weight, bias, session.options)
  const gradOutput = kind === 'forward' ? null : upstreamGradient(gradOutputSpec(session.gradOutput), output).gradOutput
  if (region) {
    const fitted = fitRegion(region, geometry)
    if (fitted.i !== region.i || fitted.j !== region.j || fitted.h !== region.h || fitted.w !== region.w) {
      throw regionOutside(region, geometry.outH, geometry.outW)
    }
    if (batch >= geometry.batch) throw new ConvolabError('bad-request', { detail: `batch ${batch} of ${geometry.batch}` })
    const exact = { requestId: 0, geometry, input: session.input, output, ...(gradOutput ? { gradOutput } : {}) }
    const values = regionValues(exact, { requestId: 0, batch, region: { top: region.i, left: region.j, height: region.h, width: region.w } })
    return makeScene(
      regionGeometry(geometry, region),
      { input: values.paddedInput.data, weight: session.weight.data, bias: bias?.data ?? null, gradOutput: values.gradOutput?.data ?? null },
      values.output.data,
      kind,
      granularity,
      options,
    )
  }
  return makeScene(
    geometry,
    { input: session.input.data, weight: session.weight.data, bias: bias?.data ?? null, gradOutput: gradOutput?.data ?? null },
    output.data,
    kind,
    granularity,
    options,
  )
}

/** The refusal of a region that is not inside an outH × outW output, or larger than a region animates. */
export function regionOutside(region: Region, outH: number, outW: number): ConvolabError {
  return new ConvolabError('region-outside', {
    region: `${region.i},${region.j},${region.h},${region.w}`,
    height: outH,
    width: outW,
    limit: MAX_REGION_SIDE,
  })
}

/** The region a session's view saved, when it is well formed. */
export function savedRegion(session: Session): Region | null {
  const r = session.view.region as Partial<Region> | undefined
  const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min
  return r && whole(r.i, 0) && whole(r.j, 0) && whole(r.h, 1) && whole(r.w, 1) ? { i: r.i!, j: r.j!, h: r.h!, w: r.w! } : null
}

/** The learning animation of a session's saved `learning` setup (refused when it has none). */
export function learningSceneFromSession(session: Session, options: FrameOptions): LearningScene {
  const run = learningRunOf(session)
  if (!run || !session.learning) {
    throw new ConvolabError('animation-unavailable', { animation: 'learning', reason: 'no-learning' })
  }
  const target = session.learning.target
  return makeLearningScene(run, target.kind === 'preset' ? presetWeightLike(session.weight, presetById(target.preset)) : null, options)
}
