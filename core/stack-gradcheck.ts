// The seed's finite-difference check through a whole stack: x, every weight and bias drawn
// from N(0, 1) per sample, dE/dy from N(0, 1), every partial derivative of the input and of
// every layer's parameters compared with the stack's backward pass.

import type { GradcheckReport } from './gradcheck'
import { checkTensor, dotLoss, emptyReport, runSamples } from './gradcheck'
import type { Layer } from './layer'
import { hasWeights } from './layer'
import type { RandomSource } from './random'
import { normalTensor, seededSource } from './random'
import { planStack, stackBackward, stackForward } from './stack'
import type { Tensor } from './tensor'

export interface StackGradcheckSettings {
  /** The stack whose shapes and options are checked; its weights' values are redrawn. */
  layers: readonly Layer[]
  inputShape: readonly [number, number, number, number]
  samples?: number
  tolerance?: number
  step?: number
  seed?: number
  onSample?: (done: number, total: number) => boolean | void
}

export interface StackGradcheckReport extends GradcheckReport {
  /** The layer of the worst element (null: the stack's input). */
  worstLayer: number | null
}

function redraw(layers: readonly Layer[], source: RandomSource): Layer[] {
  return layers.map((layer) =>
    hasWeights(layer)
      ? { ...layer, weight: normalTensor(layer.weight.shape, source), bias: layer.bias ? normalTensor(layer.bias.shape, source) : null }
      : layer,
  )
}

export function stackGradcheck(settings: StackGradcheckSettings): StackGradcheckReport {
  const samples = settings.samples ?? 10
  const tolerance = settings.tolerance ?? 1e-5
  const step = settings.step ?? 1e-5
  // a stack that does not fit its input is one clear error up front
  const plan = planStack(settings.layers, settings.inputShape)
  if (plan.failure) throw plan.failure
  const outputShape = plan.plans.length > 0 ? plan.plans[plan.plans.length - 1].outputShape : [...settings.inputShape]
  const source = seededSource(settings.seed ?? 123)
  const report: StackGradcheckReport = { ...emptyReport(tolerance), worstLayer: null }
  return runSamples(report, samples, settings.onSample, (sample) => {
    const x = normalTensor(settings.inputShape, source)
    const layers = redraw(settings.layers, source)
    const gradOutput = normalTensor(outputShape, source)
    const forward = stackForward(layers, x)
    const analytic = stackBackward(layers, forward, { kind: 'output', gradOutput })
    const loss = () => dotLoss(stackForward(layers, x).output, gradOutput)
    const parameters: Array<[number | null, 'input' | 'weight' | 'bias', Tensor, Tensor | null]> = [[null, 'input', x, analytic.gradInput]]
    layers.forEach((layer, i) => {
      if (!hasWeights(layer)) return
      parameters.push([i, 'weight', layer.weight, analytic.gradWeights[i]])
      if (layer.bias) parameters.push([i, 'bias', layer.bias, analytic.gradBiases[i]])
    })
    for (const [layer, parameter, values, gradient] of parameters) {
      if (checkTensor(report, sample, parameter, values, gradient, loss, step, tolerance)) report.worstLayer = layer
    }
  })
}
