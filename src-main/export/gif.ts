// Animated GIF from RGBA frames with gifenc: one 256-colour palette per frame, looping forever.

import { GIFEncoder, applyPalette, quantize } from 'gifenc'

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
      const palette = quantize(rgba, 256, { format: 'rgb444' })
      const indexed = applyPalette(rgba, palette, 'rgb444')
      // repeat 0: loop forever (read from the first frame only).
      encoder.writeFrame(indexed, width, height, { palette, delay, repeat: 0 })
    },
    finish() {
      encoder.finish()
      return encoder.bytes()
    },
  }
}
