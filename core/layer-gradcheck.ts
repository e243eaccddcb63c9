// The seed's finite-difference check for the rest of the family: ConvTranspose2d, MaxPool2d
// (on inputs without ties) and AvgPool2d, reported as core's gradcheck reports Conv2d.

import { avgPool2d, avgPool2dBackward, avgPoolGeometry } from './avg-pool2d'
import { convTranspose2d, convTranspose2dBackward } from './conv-transpose2d'
import type { ConvTranspose2dOptions } from './conv-transpose2d-geometry'
import { convTranspose2dGeometry, transposedOutputShape } from './conv-transpose2d-geometry'
import { ConvolabError } from './errors'
import type { GradcheckReport, WorstElement } from './gradcheck'
import { checkTensor, dotLoss, emptyReport, runSamples } from './gradcheck'
import { maxPool2d, maxPool2dBackward } from './max-pool2d'
import type { Pool2dOptions, PoolGeometry } from './pool-geometry'
import { poolGeometry, poolOutputShape } from './pool-geometry'
import type { RandomSource } from './random'
import { normalTensor, seededSource } from './random'
import type { Tensor } from './tensor'

export interface LayerGradcheckSettings {
  samples?: number
  tolerance?: number
  step?: number
  seed?: number
  /** Called after each sample; return false to stop early. */
  onSample?: (done: number, total: number) => boolean | void
}

export interface TransposedGradcheckSettings extends LayerGradcheckSettings {
  inputShape: readonly [number, number, number, number]
  outChannels: number
  kernelSize: readonly [number, number]
  options?: ConvTranspose2dOptions
  bias?: boolean
}

export interface PoolGradcheckSettings extends LayerGradcheckSettings {
  inputShape: readonly [number, number, number, number]
  options: Pool2dOptions
}

/** One random sample: the tensors to vary, their analytic gradients, and the loss Σ y ⊙ dE/dy. */
interface Sample {
  parameters: Array<[WorstElement['parameter'], Tensor, Tensor | null]>
  loss(): number
}

function finiteDifferences(settings: LayerGradcheckSettings, draw: (source: RandomSource) => Sample): GradcheckReport {
  const samples = settings.samples ?? 100
  const tolerance = settings.tolerance ?? 1e-5
  const step = settings.step ?? 1e-5
  const source = seededSource(settings.seed ?? 123)
  const report = emptyReport(tolerance)
  return runSamples(report, samples, settings.onSample, (sample) => {
    const { parameters, loss } = draw(source)
    for (const [parameter, values, gradient] of parameters) checkTensor(report, sample, parameter, values, gradient, loss, step, tolerance)
  })
}

export function gradcheckConvTranspose2d(settings: TransposedGradcheckSettings): GradcheckReport {
  const [, inChannels] = settings.inputShape
  const options = settings.options ?? {}
  const groups = options.groups ?? 1
  if (Number.isInteger(groups) && groups >= 1 && settings.outChannels % groups !== 0) {
    throw new ConvolabError('groups-divide-out', { groups, outChannels: settings.outChannels })
  }
  const perGroup = Number.isInteger(groups) && groups >= 1 ? settings.outChannels / groups : settings.outChannels
  const weightShape = [inChannels, perGroup, ...settings.kernelSize]
  // validated once up front: a bad setting is one clear error, not one per sample
  const geometry = convTranspose2dGeometry(settings.inputShape, weightShape, options, settings.bias ? settings.outChannels : undefined)
  return finiteDifferences(settings, (source) => {
    const x = normalTensor(settings.inputShape, source)
    const weight = normalTensor(weightShape, source)
    const bias = settings.bias ? normalTensor([settings.outChannels], source) : null
    const gradOutput = normalTensor(transposedOutputShape(geometry), source)
    const grads = convTranspose2dBackward(x, weight, gradOutput, geometry, bias !== null)
    const parameters: Sample['parameters'] = [
      ['input', x, grads.gradInput],
      ['weight', weight, grads.gradWeight],
    ]
    if (bias) parameters.push(['bias', bias, grads.gradBias])
    return { parameters, loss: () => dotLoss(convTranspose2d(x, weight, bias, geometry).output, gradOutput) }
  })
}

/**
 * Whether some window's largest value is within `gap` of another of its values: there a step
 * of ±h could move the maximum to another cell, and the maximum has no derivative at a tie.
 */
export function hasNearTie(x: Tensor, geometry: PoolGeometry, gap: number): boolean {
  const g = geometry
  const plane = g.inH * g.inW
  for (let p = 0; p < g.batch * g.channels; p++) {
    for (let i = 0; i < g.outH; i++) {
      for (let j = 0; j < g.outW; j++) {
        let first = -Infinity
        let second = -Infinity
        for (let a = 0; a < g.kernelH; a++) {
          const h = i * g.strideH - g.padH + a * g.dilationH
          if (h < 0 || h >= g.inH) continue
          for (let b = 0; b < g.kernelW; b++) {
            const w = j * g.strideW - g.padW + b * g.dilationW
            if (w < 0 || w >= g.inW) continue
            const value = x.data[p * plane + h * g.inW + w]
            if (value > first) {
              second = first
              first = value
            } else if (value > second) second = value
          }
        }
        if (first - second <= gap) return true
      }
    }
  }
  return false
}

/** Redraws before giving up on an input without ties (N(0,1) inputs almost never need one). */
const TIE_FREE_ATTEMPTS = 1000

export function gradcheckMaxPool2d(settings: PoolGradcheckSettings): GradcheckReport {
  const geometry = poolGeometry(settings.inputShape, settings.options)
  const step = settings.step ?? 1e-5
  return finiteDifferences(settings, (source) => {
    let x = normalTensor(settings.inputShape, source)
    for (let attempt = 1; hasNearTie(x, geometry, 2 * step); attempt++) {
      if (attempt >= TIE_FREE_ATTEMPTS) throw new ConvolabError('no-tie-free-input', { attempts: TIE_FREE_ATTEMPTS })
      x = normalTensor(settings.inputShape, source)
    }
    const gradOutput = normalTensor(poolOutputShape(geometry), source)
    const { indices } = maxPool2d(x, geometry)
    const gradInput = maxPool2dBackward(gradOutput, indices, geometry)
    return { parameters: [['input', x, gradInput]], loss: () => dotLoss(maxPool2d(x, geometry).output, gradOutput) }
  })
}

export function gradcheckAvgPool2d(settings: PoolGradcheckSettings): GradcheckReport {
  const geometry = avgPoolGeometry(settings.inputShape, settings.options)
  return finiteDifferences(settings, (source) => {
    const x = normalTensor(settings.inputShape, source)
    const gradOutput = normalTensor(poolOutputShape(geometry), source)
    const gradInput = avgPool2dBackward(gradOutput, geometry)
    return { parameters: [['input', x, gradInput]], loss: () => dotLoss(avgPool2d(x, geometry).output, gradOutput) }
  })
}
