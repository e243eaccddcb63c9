// The file size an export will have, told before it starts: a few of its frames are really
// encoded the way the export will (PNG, the GIF's palette and LZW, the video encoder) and the
// average per frame is scaled to all of them. Frames of one animation differ little in size,
// so the estimate is usually within a few tens of percent.

import { zipSync } from 'fflate'
import { GIFEncoder } from 'gifenc'
import { paintFrame } from '../../../../frames/frame'
import { indexedGifFrame } from '../../../../frames/gif-palette'
import { encodeVideo } from './encode-video'
import { isVideoFormat, type FramesRequest } from './export-frames'

/** What an export would write, without its progress callback. */
export type EstimateRequest = Omit<FramesRequest, 'onProgress'>

/** Frames sampled for a PNG or GIF estimate, spread over the range. */
const STILL_SAMPLES = 3
/** Consecutive frames encoded for a video estimate (key frames and the frames between them). */
const VIDEO_SAMPLES = 8

/** The estimated size in bytes, or null when cancelled. */
export async function estimateFileSize(request: EstimateRequest): Promise<number | null> {
  const { scene, size, from, to, format, signal } = request
  const total = to - from + 1
  const canvas = document.createElement('canvas')
  canvas.width = size.width
  canvas.height = size.height
  const ctx = canvas.getContext('2d', { willReadFrequently: format === 'gif' })
  if (!ctx || total < 1) return null
  if (isVideoFormat(format)) {
    const frames = Math.min(total, VIDEO_SAMPLES)
    const blob = await encodeVideo({ format, canvas, fps: request.fps, frames, drawFrame: (k) => paintFrame(ctx, scene, from - 1 + k, size), signal }).catch(
      () => null,
    )
    return blob && !signal?.aborted ? Math.round((blob.size * total) / frames) : null
  }
  const count = Math.min(total, STILL_SAMPLES)
  const steps = Array.from({ length: count }, (_, k) => from - 1 + (count === 1 ? 0 : Math.round((k * (total - 1)) / (count - 1))))
  let bytes = 0
  for (const step of steps) {
    if (signal?.aborted) return null
    paintFrame(ctx, scene, step, size)
    if (format === 'gif') {
      const gif = GIFEncoder()
      const { palette, index } = indexedGifFrame(ctx.getImageData(0, 0, size.width, size.height).data)
      gif.writeFrame(index, size.width, size.height, { palette, delay: 250, repeat: 0 })
      gif.finish()
      bytes += gif.bytes().length
    } else {
      const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
      bytes += png?.size ?? 0
    }
    // One frame at a time: the dialog stays responsive.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  if (signal?.aborted) return null
  const perFrame = bytes / count
  // A zip stores the PNGs with a small header each (measured on an empty entry).
  const zipOverhead = format === 'png' ? zipSync({ 'frame-0001.png': new Uint8Array(0) }, { level: 0 }).length : 0
  return Math.round(perFrame * total + zipOverhead * total)
}
