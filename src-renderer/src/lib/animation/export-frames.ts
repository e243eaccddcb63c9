// Export from the page, the same in Electron and in a browser: frames drawn by frames' paintFrame
// (the code the CLI export uses) on an off-screen canvas, packed here (PNGs zipped with fflate, a
// GIF with gifenc and a palette that keeps greys grey, WebM/MP4 encoded with WebCodecs through
// mediabunny) and offered as one download at the end, so a cancel or a failure leaves no file behind.

import { zipSync } from 'fflate'
import { GIFEncoder } from 'gifenc'
import { ConvolabError } from '../../../../core/errors'
import type { FrameSize } from '../../../../frames/context'
import type { AnyScene } from '../../../../frames/frame'
import { paintFrame } from '../../../../frames/frame'
import { indexedGifFrame } from '../../../../frames/gif-palette'
import { frameSvg } from '../../../../frames/svg'
import { encodeVideo, type VideoFormat } from './encode-video'

export type FrameFormat = 'gif' | 'png' | VideoFormat
/** GIF first: the format a slide takes as it is. */
export const FRAME_FORMATS: readonly FrameFormat[] = ['gif', 'png', 'webm', 'mp4']
export const isVideoFormat = (format: FrameFormat): format is VideoFormat => format === 'webm' || format === 'mp4'
export const MAX_FRAME_SIDE = 8192

/** Ready-made frame sizes; "GIF for slides" fills a 16:9 slide and keeps numbers readable from the back of a room. */
export const FRAME_PRESETS = [
  { id: 'slides', format: 'gif', size: { width: 960, height: 540 } },
  { id: 'hd', format: 'webm', size: { width: 1280, height: 720 } },
  { id: 'full-hd', format: 'mp4', size: { width: 1920, height: 1080 } },
] as const satisfies ReadonlyArray<{ id: string; format: FrameFormat; size: FrameSize }>

export interface FramesRequest {
  /** Any animation's scene, learning the kernel included. */
  scene: AnyScene
  format: FrameFormat
  size: FrameSize
  fps: number
  /** Steps as the counter shows them, inclusive: 0 is the empty start (nothing computed yet), 1 the first step. */
  from: number
  to: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

export interface ExportedFile {
  name: string
  blob: Blob
  frames: number
}

/** Whether the request is within what the export in main accepts too. */
export function checkFramesRequest(request: Pick<FramesRequest, 'size' | 'fps' | 'from' | 'to'>, steps: number): boolean {
  const side = (v: number) => Number.isInteger(v) && v >= 16 && v <= MAX_FRAME_SIDE
  const { from, to, fps } = request
  return (
    side(request.size.width) &&
    side(request.size.height) &&
    fps >= 1 &&
    fps <= 50 &&
    Number.isInteger(from) &&
    Number.isInteger(to) &&
    from >= 0 &&
    to <= steps &&
    from <= to
  )
}

function canvasOf(size: FrameSize): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new ConvolabError('bad-request', { detail: 'this browser gives no 2D canvas' })
  return { canvas, ctx }
}

const pngOf = (canvas: HTMLCanvasElement): Promise<Uint8Array> =>
  new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject) : reject(new Error('the canvas gave no PNG'))),
      'image/png',
    ),
  )

/** Lets clicks (Cancel) and painting in between frames. */
const breathe = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConvolabError('cancelled')
}

function baseName(scene: AnyScene): string {
  return 'granularity' in scene.plan ? `convolab-${scene.plan.kind}-${scene.plan.granularity}` : `convolab-${scene.plan.kind}`
}

export async function exportFramesInPage(request: FramesRequest): Promise<ExportedFile> {
  const { scene, size, from, to, signal } = request
  const total = to - from + 1
  const { canvas, ctx } = canvasOf(size)
  const digits = Math.max(4, String(total).length)
  const name = baseName(scene)

  const { format } = request
  if (isVideoFormat(format)) {
    const blob = await encodeVideo({
      format,
      canvas,
      fps: request.fps,
      frames: total,
      drawFrame: (k) => paintFrame(ctx, scene, from - 1 + k, size),
      signal,
      onProgress: request.onProgress,
    })
    return { name: `${name}.${format}`, blob, frames: total }
  }

  const files: Record<string, Uint8Array> = {}
  const gif = format === 'gif' ? GIFEncoder() : null
  // GIF delays are in hundredths of a second; gifenc takes milliseconds.
  const delay = Math.max(20, Math.round(1000 / request.fps))
  for (let k = 0; k < total; k++) {
    throwIfCancelled(signal)
    paintFrame(ctx, scene, from - 1 + k, size)
    if (gif) {
      const { palette, index } = indexedGifFrame(ctx.getImageData(0, 0, size.width, size.height).data)
      gif.writeFrame(index, size.width, size.height, { palette, delay, repeat: 0 })
    } else {
      files[`frame-${String(k + 1).padStart(digits, '0')}.png`] = await pngOf(canvas)
    }
    request.onProgress?.(k + 1, total)
    await breathe()
  }
  throwIfCancelled(signal)
  if (gif) {
    gif.finish()
    return { name: `${name}.gif`, blob: new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), frames: total }
  }
  // PNGs are compressed already: store them.
  const zip = zipSync(files, { level: 0 })
  return { name: `${name}-png.zip`, blob: new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), frames: total }
}

export async function viewPng(scene: AnyScene, step: number, size: FrameSize): Promise<ExportedFile> {
  const { canvas, ctx } = canvasOf(size)
  paintFrame(ctx, scene, step, size)
  const bytes = await pngOf(canvas)
  return { name: `${baseName(scene)}-step-${step + 1}.png`, blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), frames: 1 }
}

export function viewSvg(scene: AnyScene, step: number, size: FrameSize): ExportedFile {
  return { name: `${baseName(scene)}-step-${step + 1}.svg`, blob: new Blob([frameSvg(scene, step, size)], { type: 'image/svg+xml' }), frames: 1 }
}

/** Offers a finished file as a download (Electron asks where to save it). */
export function download(file: { name: string; blob: Blob }): void {
  const url = URL.createObjectURL(file.blob)
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
