// Exports the frames of an animation: a numbered PNG sequence in a folder or one animated GIF,
// drawn by frames/ (the app's drawing code) on @napi-rs/canvas. All or nothing: cancel or a
// failure leaves the destination as it was.

import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import type { Granularity } from '../../core/animation'
import { ConvolabError } from '../../core/errors'
import type { Session } from '../../core/session'
import type { FrameSize } from '../../frames/context'
import type { TransposedForward } from '../../frames/family-choice'
import { paintFrame } from '../../frames/frame'
import type { FrameOptions } from '../../frames/scene'
import type { StackUnit } from '../../frames/stack-field'
import type { Staging } from './atomic'
import { stageFile, stageFolder } from './atomic'
import { registerFrameFont } from './fonts'
import { gifWriter } from './gif'
import type { FrameFormat } from './formats'
import { FRAME_FORMATS, MAX_FRAME_SIDE } from './formats'
import { frameOptionsOf, savedRegion } from './session-scene'
import type { FrameAnimation } from './session-animation'
import { animatedOf, sessionScene } from './session-animation'
import type { Region } from '../../core/animation-region'
import { animatesWhole, fitRegion } from '../../core/animation-region'
import { convGeometry } from '../../core/geometry'

export type { FrameFormat } from './formats'
export type { FrameAnimation } from './session-animation'
export { FRAME_ANIMATIONS, animationsOf } from './session-animation'
export { FRAME_FORMATS, MAX_FRAME_SIDE } from './formats'

export interface ExportProgress {
  /** Frames drawn so far, and in all. */
  done: number
  total: number
}

export interface ExportFramesRequest {
  session: Session
  /**
   * One of the animations of what the session shows (animationsOf): core's stepped animations or
   * 'learning' for a Conv2d; forward, backward-input, backward-weight, pair for a layer of the
   * family; forward, backward for a stack.
   */
  animation: FrameAnimation
  /** ConvTranspose2d's forward: scatter (default, as the page) or correlation. */
  transposedForward?: TransposedForward
  /** Ignored by 'learning' (one frame per gradient-descent step). */
  granularity?: Granularity
  format: FrameFormat
  size: FrameSize
  /** Frames per second of the GIF (PNG sequences ignore it). */
  fps?: number
  /** Steps to export, inclusive as the frame counter shows them (0: the empty start, not for learning); default 1 to the last (null: the last). */
  range?: [number, number | null]
  /** A folder for PNG frames (frame-0001.png …), a file for the GIF. */
  out: string
  /**
   * The output region the frames step through (rows i.., columns j.., h × w of batch item 0): by
   * default the session's saved region when its output is too large to step through whole.
   * null: the whole output. A layer of the family animates a large input's region (null: the
   * page's default at the centre); a stack has none.
   */
  region?: Region | null
  /** A stack's backward animation from this unit of this layer (dE/dy = 1 there, 0 elsewhere), as the stack view's "from the unit". */
  unit?: StackUnit | null
  /** Viewer options; by default the session's saved view, in English. */
  options?: Partial<FrameOptions>
  onProgress?: (progress: ExportProgress) => void
  signal?: AbortSignal
}

export interface ExportResult {
  frames: number
  /** Files written, relative to the folder (PNG) or the file itself (GIF). */
  files: string[]
  /** The output region the frames stepped through (after fitting), or null for the whole output. */
  region: Region | null
  milliseconds: number
}

function checkRequest(request: ExportFramesRequest, steps: number): [number, number] {
  const { width, height } = request.size
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 16) throw new ConvolabError('not-positive-int', { name: `frame ${name}`, min: 16, value: String(value) })
    if (value > MAX_FRAME_SIDE) throw new ConvolabError('too-large', { name: `frame ${name}`, value, limit: MAX_FRAME_SIDE })
  }
  const fps = request.fps ?? 4
  if (!Number.isFinite(fps) || fps <= 0 || fps > 50) throw new ConvolabError('cli-option', { reason: 'fps', flag: '--fps', value: fps })
  if (!FRAME_FORMATS.includes(request.format))
    throw new ConvolabError('flag-value', { flag: '--format', allowed: FRAME_FORMATS.join(', '), value: String(request.format) })
  const first = request.animation === 'learning' ? 1 : 0
  const [from, last] = request.range ?? [1, steps]
  const to = last ?? steps
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < first || to > steps || from > to) {
    throw new ConvolabError('cli-option', { reason: 'range', first, steps, from, to })
  }
  return [from, to]
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ConvolabError('cancelled')
}

/** Lets a cancel (or any other event) in between frames. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve))

/** The region to animate: the one asked for, else a Conv2d session's own on an output too large to step through whole. */
export function regionOf(request: Pick<ExportFramesRequest, 'session' | 'region'>): Region | null {
  if (request.region !== undefined) return request.region
  const { session } = request
  // the family's region is the page's animation-tab choice, not saved: its default is the centre
  if (animatedOf(session) !== 'conv2d') return null
  const geometry = convGeometry(session.input.shape, session.weight.shape, session.options, session.bias?.data.length)
  return animatesWhole(geometry) ? null : fitRegion(savedRegion(session), geometry)
}

export async function exportFrames(request: ExportFramesRequest): Promise<ExportResult> {
  const started = performance.now()
  registerFrameFont()
  const language = request.options?.language ?? 'en'
  const options = { ...frameOptionsOf(request.session, language), ...request.options }
  const { scene, region } = await sessionScene({
    session: request.session,
    animation: request.animation,
    granularity: request.granularity ?? 'cell',
    options,
    region: request.animation === 'learning' ? null : regionOf(request),
    ...(request.transposedForward ? { transposedForward: request.transposedForward } : {}),
    ...(request.unit ? { unit: request.unit } : {}),
  })
  const [from, to] = checkRequest(request, scene.plan.steps)
  const total = to - from + 1
  const { width, height } = request.size
  throwIfCancelled(request.signal)

  const staging: Staging = request.format === 'png' ? await stageFolder(request.out) : await stageFile(request.out)
  const digits = Math.max(4, String(total).length)
  const files: string[] = []
  try {
    const canvas = createCanvas(width, height)
    const ctx = canvas.getContext('2d')
    const gif = request.format === 'gif' ? gifWriter(request.fps ?? 4) : null
    for (let k = 0; k < total; k++) {
      throwIfCancelled(request.signal)
      paintFrame(ctx, scene, from - 1 + k, request.size)
      if (gif) {
        gif.addFrame(ctx.getImageData(0, 0, width, height).data as Uint8ClampedArray, width, height)
      } else {
        const name = `frame-${String(k + 1).padStart(digits, '0')}.png`
        await writeFile(join(staging.path, name), await canvas.encode('png'))
        files.push(name)
      }
      request.onProgress?.({ done: k + 1, total })
      await breathe()
    }
    throwIfCancelled(request.signal)
    if (gif) {
      await writeFile(staging.path, gif.finish())
      files.push(request.out)
    }
    await staging.commit()
  } catch (error) {
    await staging.discard()
    throw error
  }
  return { frames: total, files, region, milliseconds: performance.now() - started }
}
