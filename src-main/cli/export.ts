// convolab export: the frames of an animation of a saved session, as PNGs or a GIF, drawn by the
// same code as the app's animation.

import { readFile } from 'node:fs/promises'
import type { Granularity, Language } from '../../core'
import type { Region } from '../../core'
import { ConvolabError, GRANULARITIES, decodeSessionFile } from '../../core'
import type { TransposedForward } from '../../frames/family-choice'
import type { FrameFormat } from '../export/formats'
import { FRAME_FORMATS } from '../export/formats'
import type { FrameAnimation } from '../export/session-animation'
import { FRAME_ANIMATIONS } from '../export/session-animation'
import type { StackUnit } from '../../frames/stack-field'
import { parseCommand, parseUnit } from './args'

export const EXPORT_USAGE = `convolab export --session FILE.convolab --animation NAME
                 --format png|gif --out PATH [--size WxH] [--fps N]
                 [--granularity cell|row|channel] [--from N] [--to N] [--region I,J,H,W]
                 [--transposed-forward scatter|correlation] [--unit LAYER,N,C,H,W]
  --animation, by what the session shows:
            Conv2d: forward|backward-input|backward-weight|backward-scatter|learning
            ConvTranspose2d: forward|backward-input|backward-weight|pair
            MaxPool2d, AvgPool2d: forward|backward-input
            its stack (the stack view open): forward|backward
  --region: the output rows I..I+H−1 and columns J..J+W−1 (at most 32×32) to step through;
            by default the session's saved region on outputs too large to step through whole
            (a layer of the family: the centre of a large input's output, as the page)
  --unit:   a stack's backward animation from one unit of one layer (dE/dy = 1 there, 0
            elsewhere), as the stack view's "from the unit": layer LAYER (from 0), batch item N,
            channel C, row H, column W of its output; the frames show the maps up to that layer,
            each around the unit's receptive field`

function oneOf<T extends string>(name: string, word: string | undefined, allowed: readonly T[]): T {
  if (word === undefined || !allowed.includes(word as T)) {
    throw new ConvolabError(word === undefined ? 'flag-required' : 'flag-value', { flag: `--${name}`, allowed: allowed.join(', '), value: word ?? '' })
  }
  return word as T
}

function wholeNumber(name: string, word: string, min: number): number {
  const value = Number(word)
  if (!/^\d+$/.test(word.trim()) || value < min) throw new ConvolabError('not-positive-int', { name: `--${name}`, min, value: word })
  return value
}

function frameSize(word: string | undefined): { width: number; height: number } {
  if (word === undefined) return { width: 1280, height: 720 }
  const match = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(word)
  if (!match) throw new ConvolabError('cli-option', { reason: 'size', flag: '--size', value: word })
  return { width: Number(match[1]), height: Number(match[2]) }
}

/** I,J,H,W as a region of the output. */
function regionArg(word: string | undefined): Region | undefined {
  if (word === undefined) return undefined
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(word)
  if (!match || Number(match[3]) < 1 || Number(match[4]) < 1) {
    throw new ConvolabError('cli-option', { reason: 'region', flag: '--region', value: word })
  }
  return { i: Number(match[1]), j: Number(match[2]), h: Number(match[3]), w: Number(match[4]) }
}

async function readSession(path: string) {
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await readFile(path))
  } catch (error) {
    throw new ConvolabError('file-missing', { name: path, detail: (error as NodeJS.ErrnoException).code ?? String(error) })
  }
  // Format 2 (a zip) or a version-1 text.
  return decodeSessionFile(bytes)
}

export async function exportCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, {
    session: { type: 'string' },
    animation: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    size: { type: 'string' },
    fps: { type: 'string' },
    granularity: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    region: { type: 'string' },
    'transposed-forward': { type: 'string' },
    unit: { type: 'string' },
  })
  for (const required of ['session', 'animation', 'format', 'out'] as const) {
    if (!values[required]) throw new ConvolabError('flag-required', { flag: `--${required}` })
  }
  const animation = oneOf<FrameAnimation>('animation', values.animation as string, FRAME_ANIMATIONS)
  const format = oneOf<FrameFormat>('format', values.format as string, FRAME_FORMATS)
  const granularity = oneOf<Granularity>('granularity', (values.granularity as string | undefined) ?? 'cell', GRANULARITIES)
  const size = frameSize(values.size as string | undefined)
  const fps = values.fps === undefined ? 4 : wholeNumber('fps', values.fps as string, 1)
  const transposedForward =
    values['transposed-forward'] === undefined
      ? undefined
      : oneOf<TransposedForward>('transposed-forward', values['transposed-forward'] as string, ['scatter', 'correlation'])
  const asked = values.unit === undefined ? null : parseUnit(values.unit as string)
  const unit: StackUnit | null = asked ? { layer: asked.layer, n: asked.unit[0], c: asked.unit[1], row: asked.unit[2], col: asked.unit[3] } : null
  const session = await readSession(values.session as string)
  // Step 0 is the empty start of a convolution animation (the page's export starts there); learning counts from 1.
  const first = animation === 'learning' ? 1 : 0
  const from = values.from === undefined ? undefined : wholeNumber('from', values.from as string, first)
  const to = values.to === undefined ? undefined : wholeNumber('to', values.to as string, first)
  const range: [number, number | null] | undefined = from === undefined && to === undefined ? undefined : [from ?? 1, to ?? null]

  // Ctrl-C cancels cleanly: the staging is removed and the destination left as it was.
  // Loaded here so that the other commands do not load the native canvas.
  const { exportFrames, regionOf } = await import('../export/frames')
  const askedRegion = regionArg(values.region as string | undefined)
  const region = animation === 'learning' ? null : regionOf({ session, ...(askedRegion ? { region: askedRegion } : {}) })
  const controller = new AbortController()
  const cancel = () => controller.abort()
  process.once('SIGINT', cancel)
  try {
    const result = await exportFrames({
      session,
      animation,
      granularity,
      format,
      size,
      fps,
      region,
      ...(range ? { range } : {}),
      ...(transposedForward ? { transposedForward } : {}),
      ...(unit ? { unit } : {}),
      out: values.out as string,
      options: { language },
      signal: controller.signal,
    })
    const seconds = (result.milliseconds / 1000).toFixed(1)
    const shown = result.region
    const where = shown ? `, ${language === 'es' ? 'región' : 'region'} ${shown.i},${shown.j},${shown.h}×${shown.w}` : ''
    // Learning and a stack have one frame per gradient-descent step or per layer: no step size to name.
    const stepped = animation !== 'learning' && !session.stack?.active
    const seed = asked ? `, ${language === 'es' ? 'desde la unidad' : 'from unit'} ${[asked.layer, ...asked.unit].join(',')}` : ''
    const what = stepped ? `${animation}, ${granularity}${where}` : `${animation}${seed}`
    const one = new Intl.PluralRules(language).select(result.frames) === 'one'
    return language === 'es'
      ? `${one ? 'escrito' : 'escritos'} ${result.frames} ${one ? 'fotograma' : 'fotogramas'} (${what}, ${size.width}×${size.height}) en ${values.out} en ${seconds} s`
      : `wrote ${result.frames} ${one ? 'frame' : 'frames'} (${what}, ${size.width}×${size.height}) to ${values.out} in ${seconds} s`
  } finally {
    process.removeListener('SIGINT', cancel)
  }
}
