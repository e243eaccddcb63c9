// Both canvases implement the frames' context at compile time: the browser's and @napi-rs/canvas's.
import { createCanvas } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import type { FrameContext } from '../../frames'

// Type-level only: never called in Node (no DOM here); `npm run typecheck` fails if the DOM's context stops fitting.
export function browserContext(canvas: HTMLCanvasElement): FrameContext {
  return canvas.getContext('2d')!
}

describe('FrameContext', () => {
  it('is implemented by @napi-rs/canvas without a cast', () => {
    const ctx: FrameContext = createCanvas(8, 8).getContext('2d')
    ctx.fillStyle = '#ff0000'
    ctx.fillRect(0, 0, 8, 8)
    const image = ctx.createImageData(2, 2)
    expect(image.data.length).toBe(16)
  })
})
