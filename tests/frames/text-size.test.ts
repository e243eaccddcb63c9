// "GIF for slides" (960×540) keeps every number and word readable on a projected slide: no text
// drawn smaller than 14 px, in every animation, on the default drawing-grid example and on the
// seed's multi-channel one; cells too small for a 14 px number show colour only. Drawn with
// @napi-rs/canvas and the frames' own font, so widths are measured as in an export.

import { createCanvas } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import type { AnimationKind } from '../../core'
import { conv2d, filled } from '../../core'
import type { FrameContext } from '../../frames'
import { formatValue, makeScene, paintFrame } from '../../frames'
import { metricsFor } from '../../frames/layout'
import { registerFrameFont } from '../../src-main/export/fonts'
import { fixture } from './helpers'

const SLIDE = { width: 960, height: 540 }
const KINDS: AnimationKind[] = ['forward', 'backward-input', 'backward-weight', 'backward-scatter']

/** Every fillText with the pixel size of the font it was drawn in. */
function recordText(size = SLIDE): { ctx: FrameContext; texts: Array<{ text: string; px: number }> } {
  registerFrameFont()
  const canvas = createCanvas(size.width, size.height)
  const ctx = canvas.getContext('2d') as unknown as FrameContext
  const texts: Array<{ text: string; px: number }> = []
  const fillText = ctx.fillText.bind(ctx)
  ctx.fillText = (text: string, x: number, y: number, maxWidth?: number) => {
    texts.push({ text, px: Number(/([\d.]+)px/.exec(ctx.font)?.[1]) })
    fillText(text, x, y, maxWidth)
  }
  return { ctx, texts }
}

/** The app's first drawing: a 7×7 one-channel input and a 3×3 kernel (values like the app's own). */
function drawingGridScene(kind: AnimationKind) {
  const input = { shape: [1, 1, 7, 7], data: Float64Array.from({ length: 49 }, (_, k) => ((k * 37) % 11) / 10) }
  const weight = { shape: [1, 1, 3, 3], data: Float64Array.from([-1, 0, 1, -2, 0, 2, -1, 0, 1]) }
  const { output, geometry } = conv2d(input, weight, null, {})
  const gradOutput = kind === 'forward' ? null : filled(output.shape, 1).data
  return makeScene(geometry, { input: input.data, weight: weight.data, bias: null, gradOutput }, output.data, kind, 'cell', {
    colourMap: 'viridis',
    language: 'en',
    decimals: 2,
  })
}

function seedScene(kind: AnimationKind) {
  const x = fixture('seed-stride1-padding0', 'x.npy')
  const w = fixture('seed-stride1-padding0', 'weight.npy')
  const { output, geometry } = conv2d(x, w, null, {})
  const gradOutput = kind === 'forward' ? null : filled(output.shape, 1).data
  return makeScene(geometry, { input: x.data, weight: w.data, bias: null, gradOutput }, output.data, kind, 'cell', {
    colourMap: 'viridis',
    language: 'es',
    decimals: 2,
  })
}

describe('text sizes at 960×540', () => {
  it('the minimum text size is 14 px from 960×540 up, and smaller only on smaller frames', () => {
    expect(metricsFor(SLIDE).minText).toBe(14)
    expect(metricsFor({ width: 1920, height: 1080 }).minText).toBe(14)
    expect(metricsFor({ width: 320, height: 180 }).minText).toBeLessThan(14)
  })

  for (const [name, sceneOf] of [
    ['the drawing-grid example', drawingGridScene],
    ["the seed's example", seedScene],
  ] as const) {
    it(`draws nothing under 14 px in any animation of ${name}`, () => {
      for (const kind of KINDS) {
        const scene = sceneOf(kind)
        for (const step of [-1, 0, Math.floor(scene.plan.steps / 2), scene.plan.steps - 1]) {
          const { ctx, texts } = recordText()
          paintFrame(ctx, scene, step, SLIDE)
          const small = texts.filter((t) => t.px < 14 - 1e-9)
          expect(small, `${kind} step ${step}`).toEqual([])
          expect(texts.length).toBeGreaterThan(3)
        }
      }
    })
  }

  it('the drawing-grid example still shows its numbers in the cells, at 14 px or more', () => {
    const scene = drawingGridScene('forward')
    const { ctx, texts } = recordText()
    paintFrame(ctx, scene, 4, SLIDE)
    const firstOutputs = Array.from(scene.data.output.subarray(0, 5), (v) => formatValue(v, 2))
    for (const value of firstOutputs)
      expect(
        texts.some((t) => t.text === value && t.px >= 14),
        value,
      ).toBe(true)
    // The kernel's numbers too.
    expect(texts.some((t) => t.text === formatValue(-2, 2) && t.px >= 14)).toBe(true)
  })
})
