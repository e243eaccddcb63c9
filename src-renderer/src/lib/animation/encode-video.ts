// Video from the frames, encoded in the page with WebCodecs through mediabunny: each frame is
// drawn, then encoded with its exact timestamp (k / fps), as fast as the encoder goes — no
// real-time recording. WebM holds VP9 (with its duration and cues, so players can seek); MP4 holds
// H.264 where the platform's encoder has it (`videoFormatSupported` asks).

import { BufferTarget, CanvasSource, Mp4OutputFormat, Output, QUALITY_HIGH, WebMOutputFormat, canEncodeVideo, type VideoCodec } from 'mediabunny'
import { ConvolabError } from '../../../../core/errors'
import type { FrameSize } from '../../../../frames/context'

export type VideoFormat = 'webm' | 'mp4'

export const VIDEO_CODEC: Record<VideoFormat, VideoCodec> = { webm: 'vp9', mp4: 'avc' }
export const VIDEO_MIME: Record<VideoFormat, string> = { webm: 'video/webm', mp4: 'video/mp4' }

/** A key frame every second: a player steps and seeks through a lesson's animation without delay. */
const KEY_FRAME_SECONDS = 1

/** Whether this platform encodes `format` at `size` (WebCodecs present, its encoder has the codec; H.264 needs even sides). */
export async function videoFormatSupported(format: VideoFormat, size: FrameSize, fps: number): Promise<boolean> {
  if (typeof VideoEncoder === 'undefined') return false
  if (format === 'mp4' && (size.width % 2 !== 0 || size.height % 2 !== 0)) return false
  try {
    return await canEncodeVideo(VIDEO_CODEC[format], { width: size.width, height: size.height, quality: QUALITY_HIGH, frameRate: fps })
  } catch {
    return false
  }
}

export interface VideoRequest {
  format: VideoFormat
  canvas: HTMLCanvasElement
  fps: number
  /** How many frames; drawFrame(k) paints frame k on the canvas. */
  frames: number
  drawFrame(k: number): void
  signal?: AbortSignal
  onProgress?: (done: number, total: number) => void
}

/** Encodes the frames into one video file; a cancel or a failure leaves nothing behind. */
export async function encodeVideo(request: VideoRequest): Promise<Blob> {
  const { format, canvas, fps, frames, signal } = request
  const target = new BufferTarget()
  const output = new Output({
    format: format === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' }),
    target,
  })
  const source = new CanvasSource(canvas, { codec: VIDEO_CODEC[format], quality: QUALITY_HIGH, keyFrameInterval: KEY_FRAME_SECONDS, latencyMode: 'quality' })
  output.addVideoTrack(source, { frameRate: fps })
  try {
    await output.start()
    for (let k = 0; k < frames; k++) {
      if (signal?.aborted) throw new ConvolabError('cancelled')
      request.drawFrame(k)
      // Exact times: frame k is shown from k/fps for 1/fps seconds.
      await source.add(k / fps, 1 / fps)
      request.onProgress?.(k + 1, frames)
      // Let a Cancel click and the progress bar in between frames.
      if (k % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 0))
    }
    if (signal?.aborted) throw new ConvolabError('cancelled')
    await output.finalize()
  } catch (error) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel().catch(() => {})
    throw error
  }
  if (!target.buffer) throw new ConvolabError('bad-request', { detail: 'the video encoder gave no file' })
  return new Blob([target.buffer], { type: VIDEO_MIME[format] })
}
