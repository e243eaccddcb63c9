// Sample frames of every family animation (ConvTranspose2d, MaxPool2d, AvgPool2d, Conv2d ↔
// ConvTranspose2d) as PNG files, in English and Spanish, light and dark, for looking at them:
//   npx jiti scripts/family-frames.ts OUT_DIR
// Numbers come from core's one-layer computation (what the engine runs).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import type { Layer, Tensor } from '../core'
import { layerBackward, layerForward, normalTensor, planLayer, seededSource, uniformTensor } from '../core'
import type { FamilyAnimation, FamilyLayer, FamilyValues, FrameContext } from '../frames'
import { makeFamilyScene, paintFrame } from '../frames'
import { registerFrameFont } from '../src-main/export/fonts'

const out = process.argv[2] ?? 'family-frames'
mkdirSync(out, { recursive: true })
registerFrameFont()

function compute(layer: Layer, x: Tensor): { family: FamilyLayer; values: FamilyValues } {
  const plan = planLayer(layer, x.shape)
  const forward = layerForward(layer, plan, x)
  const dy = normalTensor(plan.outputShape, seededSource(5))
  const grads = layerBackward(layer, plan, x, forward, dy)
  const values: FamilyValues = {
    input: x.data,
    output: forward.output.data,
    gradOutput: dy.data,
    gradInput: grads.gradInput.data,
    gradWeight: grads.gradWeight?.data ?? null,
    gradBias: grads.gradBias?.data ?? null,
    indices: forward.indices ?? null,
  }
  if (plan.type === 'conv-transpose2d' && layer.type === 'conv-transpose2d') {
    // The Conv2d of the same w on the transposed output, and its dE/dx at dE/dy = x.
    const conv: Layer = {
      type: 'conv2d',
      weight: layer.weight,
      bias: null,
      stride: layer.stride,
      padding: layer.padding,
      dilation: layer.dilation,
      groups: layer.groups,
    }
    const convPlan = planLayer(conv, plan.outputShape)
    const convForward = layerForward(conv, convPlan, forward.output)
    const convGrads = layerBackward(conv, convPlan, forward.output, convForward, x, undefined, false)
    values.pair = { convOutput: convForward.output.data, convGradInput: convGrads.gradInput.data }
    return { family: { type: 'conv-transpose2d', geometry: plan.geometry, weight: layer.weight.data, bias: layer.bias?.data ?? null }, values }
  }
  if (plan.type === 'max-pool2d' || plan.type === 'avg-pool2d') return { family: { type: plan.type, geometry: plan.geometry }, values }
  throw new Error('not a family layer')
}

const digit = (h: number, w: number): Tensor => {
  const x = uniformTensor([1, 1, h, w], seededSource(3))
  x.data.forEach((v, k) => (x.data[k] = Math.round(v * 4) / 4))
  return x
}
const transposed = compute(
  {
    type: 'conv-transpose2d',
    weight: normalTensor([1, 2, 3, 3], seededSource(1)),
    bias: normalTensor([2], seededSource(2)),
    stride: 2,
    padding: 1,
    outputPadding: 1,
  },
  normalTensor([1, 1, 3, 3], seededSource(4)),
)
// A plateau of equal maxima (PyTorch keeps the first), with padding −∞ around it.
const plateau: Tensor = { shape: [1, 1, 4, 4], data: Float64Array.from([1, 3, 3, 0, 3, 3, 2, 1, 0, 1, 5, 5, 2, 5, 5, 4]) }
const maxPool = compute({ type: 'max-pool2d', kernelSize: 3, stride: 1, padding: 1 }, plateau)
const avgPool = compute({ type: 'avg-pool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }, digit(6, 6))

const samples: Array<[FamilyAnimation, { family: FamilyLayer; values: FamilyValues }, number]> = [
  ['transposed-scatter', transposed, 4],
  ['transposed-correlation', transposed, 20],
  ['transposed-grad-input', transposed, 4],
  ['transposed-grad-weight', transposed, 4],
  ['conv-vs-transposed', transposed, 2],
  ['max-forward', maxPool, 1],
  ['max-backward', maxPool, 6],
  ['avg-forward', avgPool, 3],
  ['avg-backward', avgPool, 3],
]
const size = { width: 1280, height: 720 }
for (const [kind, { family, values }, step] of samples) {
  for (const language of ['en', 'es'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      const scene = makeFamilyScene(family, values, kind, 'cell', { colourMap: 'grayscale', diverging: 'RdBu', language, decimals: 2, theme })
      if (!scene) throw new Error(`no scene for ${kind}`)
      const canvas = createCanvas(size.width, size.height)
      paintFrame(canvas.getContext('2d') as unknown as FrameContext, scene, step, size)
      writeFileSync(join(out, `${kind}-${language}-${theme}.png`), canvas.toBuffer('image/png'))
    }
  }
}
console.log(`wrote ${samples.length * 4} frames to ${out}`)
