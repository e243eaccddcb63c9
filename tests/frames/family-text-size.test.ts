// The family's frames are readable on a slide too: at 960×540 ("GIF for slides") no text is drawn
// under 14 px in any of their animations, English and Spanish, drawn with @napi-rs/canvas and
// the frames' own font as an export draws them.
import { createCanvas } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import type { ConvTranspose2dLayer, Layer } from '../../core'
import { layerBackward, layerForward, planLayer } from '../../core'
import type { FamilyAnimation, FrameContext } from '../../frames'
import { FAMILY_ANIMATIONS, paintFrame } from '../../frames'
import { registerFrameFont } from '../../src-main/export/fonts'
import { computeLayer, familyScene, random } from './family-helpers'

const SLIDE = { width: 960, height: 540 }

function recordText(): { ctx: FrameContext; sizes: Array<{ text: string; px: number }> } {
  registerFrameFont()
  const ctx = createCanvas(SLIDE.width, SLIDE.height).getContext('2d') as unknown as FrameContext
  const sizes: Array<{ text: string; px: number }> = []
  const fillText = ctx.fillText.bind(ctx)
  ctx.fillText = (text: string, x: number, y: number, maxWidth?: number) => {
    sizes.push({ text, px: Number(/([\d.]+)px/.exec(ctx.font)?.[1]) })
    fillText(text, x, y, maxWidth)
  }
  return { ctx, sizes }
}

function withPair(layer: ConvTranspose2dLayer, shape: number[]) {
  const { family, values } = computeLayer(layer, random(shape, 5), (s) => random(s, 6))
  const conv: Layer = { type: 'conv2d', weight: layer.weight, bias: null, stride: layer.stride, padding: layer.padding }
  const u = { shape: planLayer(layer, shape).outputShape, data: values.output }
  const plan = planLayer(conv, u.shape)
  const forward = layerForward(conv, plan, u)
  values.pair = { convOutput: forward.output.data, convGradInput: layerBackward(conv, plan, u, forward, random(shape, 5), undefined, false).gradInput.data }
  return { family, values }
}

const LAYERS = {
  'conv-transpose2d': withPair({ type: 'conv-transpose2d', weight: random([2, 2, 3, 3], 1), bias: random([2], 2), stride: 2, padding: 1 }, [1, 2, 3, 3]),
  'max-pool2d': computeLayer({ type: 'max-pool2d', kernelSize: 3, stride: 2, padding: 1 }, random([1, 1, 7, 7], 3), (s) => random(s, 4)),
  'avg-pool2d': computeLayer({ type: 'avg-pool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, random([1, 1, 8, 8], 3), (s) => random(s, 4)),
}

describe('family frames at 960×540', () => {
  for (const [type, animations] of Object.entries(FAMILY_ANIMATIONS)) {
    for (const animation of animations as FamilyAnimation[]) {
      it(`${animation}: nothing under 14 px`, () => {
        const { family, values } = LAYERS[type as keyof typeof LAYERS]
        for (const language of ['en', 'es'] as const) {
          const scene = familyScene(family, values, animation, 'cell', { language })
          for (const step of [-1, 0, Math.floor(scene.plan.steps / 2), scene.plan.steps - 1]) {
            const { ctx, sizes } = recordText()
            paintFrame(ctx, scene, step, SLIDE)
            expect(
              sizes.filter((t) => t.px < 14 - 1e-9),
              `${animation} ${language} step ${step}`,
            ).toEqual([])
            expect(sizes.length).toBeGreaterThan(3)
          }
        }
      })
    }
  }
})
