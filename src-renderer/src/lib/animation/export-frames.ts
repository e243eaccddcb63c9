// Export from the page, the same in Electron and in a browser: frames drawn by frames' paintFrame
// (the code the CLI export uses) on an off-screen canvas, packed here (PNGs zipped with fflate, a
// GIF with gifenc, WebM with MediaRecorder where the platform records it) and offered as one
// download at the end, so a cancel or a failure leaves no file behind.

import { zipSync } from 'fflate'
import { GIFEncoder, applyPalette, quantize } from 'gifenc'
import { ConvolabError } from '../../../../core/errors'
import type { FrameSize } from '../../../../frames/context'
import type { AnyScene } from '../../../../frames/frame'
import { paintFrame } from '../../../../frames/frame'
import type { Scene } from '../../../../frames/scene'
import { frameSvg } from '../../../../frames/svg'

export type FrameFormat = 'png' | 'gif' | 'webm'
export const FRAME_FORMATS: readonly FrameFormat[] = ['png', 'gif', 'webm']
export const MAX_FRAME_SIDE = 8192

export interface FramesRequest {
  /** Any animation's scene, learning the kernel included. */
  scene: AnyScene
  format: FrameFormat
  size: FrameSize
  fps: number
  /** Steps, 1-based and inclusive as the counter shows them. */
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

export function webmSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported('video/webm') && typeof HTMLCanvasElement.prototype.captureStream === 'function'
}

/** Whether the request is within what the export in main accepts too. */
export function checkFramesRequest(request: Pick<FramesRequest, 'size' | 'fps' | 'from' | 'to'>, steps: number): boolean {
  const side = (v: number) => Number.isInteger(v) && v >= 16 && v <= MAX_FRAME_SIDE
  const { from, to, fps } = request
  return side(request.size.width) && side(request.size.height) && fps >= 1 && fps <= 50 && Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to <= steps && from <= to
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
    canvas.toBlob((blob) => (blob ? blob.arrayBuffer().then((b) => resolve(new Uint8Array(b)), reject) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
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

  if (request.format === 'webm') return recordWebm(request, canvas, ctx, name)

  const files: Record<string, Uint8Array> = {}
  const gif = request.format === 'gif' ? GIFEncoder() : null
  // GIF delays are in hundredths of a second; gifenc takes milliseconds.
  const delay = Math.max(20, Math.round(1000 / request.fps))
  for (let k = 0; k < total; k++) {
    throwIfCancelled(signal)
    paintFrame(ctx, scene, from - 1 + k, size)
    if (gif) {
      const rgba = ctx.getImageData(0, 0, size.width, size.height).data
      const palette = quantize(rgba, 256, { format: 'rgb444' })
      gif.writeFrame(applyPalette(rgba, palette, 'rgb444'), size.width, size.height, { palette, delay, repeat: 0 })
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

/** Records the frames in real time at `fps`: MediaRecorder timestamps by the clock. */
async function recordWebm(request: FramesRequest, canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D, name: string): Promise<ExportedFile> {
  if (!webmSupported()) throw new ConvolabError('bad-request', { detail: 'this browser cannot record WebM video' })
  const { scene, size, from, to, signal, fps } = request
  const total = to - from + 1
  paintFrame(ctx, scene, from - 1, size)
  const stream = canvas.captureStream(fps)
  const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' })
  const chunks: Blob[] = []
  recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data)
  const stopped = new Promise<void>((resolve) => (recorder.onstop = () => resolve()))
  recorder.start()
  try {
    for (let k = 0; k < total; k++) {
      throwIfCancelled(signal)
      paintFrame(ctx, scene, from - 1 + k, size)
      request.onProgress?.(k + 1, total)
      await breathe(1000 / fps)
    }
    throwIfCancelled(signal)
  } finally {
    recorder.stop()
    stream.getTracks().forEach((track) => track.stop())
    await stopped
  }
  return { name: `${name}.webm`, blob: new Blob(chunks, { type: 'video/webm' }), frames: total }
}

export async function viewPng(scene: Scene, step: number, size: FrameSize): Promise<ExportedFile> {
  const { canvas, ctx } = canvasOf(size)
  paintFrame(ctx, scene, step, size)
  const bytes = await pngOf(canvas)
  return { name: `${baseName(scene)}-step-${step + 1}.png`, blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), frames: 1 }
}

export function viewSvg(scene: Scene, step: number, size: FrameSize): ExportedFile {
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
