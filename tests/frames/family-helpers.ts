// Shared by the family frame tests: a one-layer stack computed by core (what the engine runs),
// turned into the frames' layer and values, and the closeness the numbers must have.
import type { Layer, Tensor } from '../../core'
import { layerBackward, layerForward, normalTensor, planLayer, seededSource } from '../../core'
import type { FamilyAnimation, FamilyLayer, FamilyScene, FamilyValues, FrameOptions } from '../../frames'
import { makeFamilyScene } from '../../frames'

export const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  if (got.length !== want.length) throw new Error(`length ${got.length} ≠ ${want.length}`)
  for (let k = 0; k < want.length; k++) {
    if (!close(got[k], want[k])) throw new Error(`value ${k}: ${got[k]} ≠ ${want[k]}`)
  }
}

export const random = (shape: number[], seed: number): Tensor => normalTensor(shape, seededSource(seed))

/** The layer computed forward and (with `gradOutput`) backward, as a one-layer stack's result. */
export function computeLayer(layer: Layer, x: Tensor, gradOutput?: (shape: number[]) => Tensor): { family: FamilyLayer; values: FamilyValues } {
  const plan = planLayer(layer, x.shape)
  const forward = layerForward(layer, plan, x)
  const dy = gradOutput ? gradOutput(plan.outputShape) : null
  const grads = dy ? layerBackward(layer, plan, x, forward, dy) : null
  const values: FamilyValues = {
    input: x.data,
    output: forward.output.data,
    gradOutput: dy?.data ?? null,
    gradInput: grads?.gradInput.data ?? null,
    gradWeight: grads?.gradWeight?.data ?? null,
    gradBias: grads?.gradBias?.data ?? null,
    indices: forward.indices ?? null,
  }
  let family: FamilyLayer
  if (plan.type === 'conv-transpose2d' && layer.type === 'conv-transpose2d') {
    family = { type: 'conv-transpose2d', geometry: plan.geometry, weight: layer.weight.data, bias: layer.bias?.data ?? null }
  } else if (plan.type === 'max-pool2d' || plan.type === 'avg-pool2d') {
    family = { type: plan.type, geometry: plan.geometry }
  } else throw new Error(`not a family layer: ${layer.type}`)
  return { family, values }
}

export const OPTIONS: FrameOptions = { colourMap: 'viridis', language: 'en', decimals: 2 }

export function familyScene(
  family: FamilyLayer,
  values: FamilyValues,
  kind: FamilyAnimation,
  granularity: 'cell' | 'row' | 'channel' = 'cell',
  options: Partial<FrameOptions> = {},
): FamilyScene {
  const scene = makeFamilyScene(family, values, kind, granularity, { ...OPTIONS, ...options })
  if (!scene) throw new Error(`no scene for ${kind}`)
  return scene
}
