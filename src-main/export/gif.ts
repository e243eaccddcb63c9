// Animated GIF from RGBA frames with gifenc: one 256-colour palette per frame (neutral greys kept
// grey, see frames/gif-palette.ts), looping forever.

import { GIFEncoder } from 'gifenc'
import { indexedGifFrame } from '../../frames/gif-palette'

export interface GifWriter {
  addFrame(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): void
  finish(): Uint8Array
}

export function gifWriter(fps: number): GifWriter {
  const encoder = GIFEncoder()
  // GIF delays are in hundredths of a second; gifenc takes milliseconds and rounds.
  const delay = Math.max(20, Math.round(1000 / fps))
  return {
    addFrame(rgba, width, height) {
      const { palette, index } = indexedGifFrame(rgba)
      // repeat 0: loop forever (read from the first frame only).
      encoder.writeFrame(index, width, height, { palette, delay, repeat: 0 })
    },
    finish() {
      encoder.finish()
      return encoder.bytes()
    },
  }
}
