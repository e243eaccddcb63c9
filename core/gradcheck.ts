// The seed's finite-difference check (edunn's check_gradient.common_layer), as a report.

import { conv2d } from './conv2d'
import { conv2dBackward } from './conv2d-backward'
import type { Conv2dOptions } from './geometry'
import { convGeometry, outputShape } from './geometry'
import type { RandomSource } from './random'
import { normalTensor, seededSource } from './random'
import type { Tensor } from './tensor'

export interface GradcheckSettings {
  inputShape: readonly [number, number, number, number]
  outChannels: number
  kernelSize: readonly [number, number]
  options?: Conv2dOptions
  bias?: boolean
  samples?: number
  tolerance?: number
  step?: number
  seed?: number
  /** Called after each sample; return false to stop early. */
  onSample?: (done: number, total: number) => boolean | void
  /**
   * The analytic gradients to check; conv2dBackward unless given. Lets another kernel (or a
   * deliberately wrong one, in tests) face the same finite differences.
   */
  backward?: BackwardFunction
}

export type BackwardFunction = (
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  gradOutput: Tensor,
  options: Conv2dOptions,
) => { gradInput: Tensor; gradWeight: Tensor; gradBias: Tensor | null }

export interface WorstElement {
  sample: number
  parameter: 'input' | 'weight' | 'bias'
  index: number[]
  numeric: number
  analytic: number
  relativeError: number
}

export interface GradcheckReport {
  passed: boolean
  checked: number
  samples: number
  failures: number
  tolerance: number
  worst: WorstElement | null
  cancelled: boolean
}

export function relativeError(numeric: number, analytic: number): number {
  const scale = Math.abs(numeric) + Math.abs(analytic)
  return scale === 0 ? 0 : Math.abs(numeric - analytic) / scale
}

/** The multi-index of a flat row-major position. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length)
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]
    flat = Math.floor(flat / shape[d])
  }
  return index
}

export function gradcheck(settings: GradcheckSettings): GradcheckReport {
  const samples = settings.samples ?? 100
  const tolerance = settings.tolerance ?? 1e-5
  const step = settings.step ?? 1e-5
  const options = settings.options ?? {}
  const [batch, inChannels] = settings.inputShape
  const groups = options.groups ?? 1
  // When groups does not divide in_channels, convGeometry must say so, not complain about a
  // fractional weight shape; any whole placeholder lets it reach that rule.
  const dividing = Number.isInteger(groups) && groups >= 1 && inChannels % groups === 0
  const weightShape = [settings.outChannels, dividing ? inChannels / groups : inChannels, ...settings.kernelSize]
  // Validate once up front so that a bad setting is one clear error, not S of them.
  const geometry = convGeometry(settings.inputShape, weightShape, options, settings.bias ? settings.outChannels : undefined)
  const source: RandomSource = seededSource(settings.seed ?? 123)
  const backward: BackwardFunction = settings.backward ?? conv2dBackward

  void batch

  const report = emptyReport(tolerance)
  return runSamples(report, samples, settings.onSample, (sample) => {
    const x = normalTensor(settings.inputShape, source)
    const weight = normalTensor(weightShape, source)
    const bias = settings.bias ? normalTensor([settings.outChannels], source) : null
    const gradOutput = normalTensor(outputShape(geometry), source)
    const analytic = backward(x, weight, bias, gradOutput, options)

    const loss = () => dotLoss(conv2d(x, weight, bias, options).output, gradOutput)
    const parameters: Array<[WorstElement['parameter'], Tensor, Tensor]> = [
      ['input', x, analytic.gradInput],
      ['weight', weight, analytic.gradWeight],
    ]
    if (bias && analytic.gradBias) parameters.push(['bias', bias, analytic.gradBias])

    for (const [parameter, values, gradient] of parameters) checkTensor(report, sample, parameter, values, gradient, loss, step, tolerance)
  })
}

/** A report with nothing checked yet. */
export function emptyReport(tolerance: number): GradcheckReport {
  return { passed: true, checked: 0, samples: 0, failures: 0, tolerance, worst: null, cancelled: false }
}

/** The loss whose gradient at y is dE/dy: Σ y ⊙ dE/dy. */
export function dotLoss(y: Tensor, gradOutput: Tensor): number {
  let sum = 0
  for (let k = 0; k < y.data.length; k++) sum += y.data[k] * gradOutput.data[k]
  return sum
}

/**
 * The seed's loop over random samples, shared by every check: `checkSample(sample)` draws one
 * sample and counts its tensors into the report; a false from onSample cancels the run.
 */
export function runSamples<R extends GradcheckReport>(
  report: R,
  samples: number,
  onSample: ((done: number, total: number) => boolean | void) | undefined,
  checkSample: (sample: number) => void,
): R {
  for (let sample = 0; sample < samples; sample++) {
    checkSample(sample)
    report.samples++
    if (onSample?.(sample + 1, samples) === false) {
      report.cancelled = true
      break
    }
  }
  report.passed = report.failures === 0 && !report.cancelled
  return report
}

/**
 * The seed's central difference for every element of one tensor against its analytic gradient,
 * counted into the report. True when this tensor now holds the report's worst element.
 */
export function checkTensor(
  report: GradcheckReport,
  sample: number,
  parameter: WorstElement['parameter'],
  values: Tensor,
  gradient: Tensor | null | undefined,
  loss: () => number,
  step: number,
  tolerance: number,
): boolean {
  let setWorst = false
  for (let k = 0; k < values.data.length; k++) {
    const original = values.data[k]
    values.data[k] = original + step
    const plus = loss()
    values.data[k] = original - step
    const minus = loss()
    values.data[k] = original
    const numeric = (plus - minus) / (2 * step)
    const analytic = gradient?.data[k] ?? NaN
    const measured = relativeError(numeric, analytic)
    // A NaN (or a missing analytic value) is the worst error there is, never a pass.
    const error = Number.isNaN(measured) ? Infinity : measured
    report.checked++
    if (error > tolerance) report.failures++
    if (!report.worst || error > report.worst.relativeError) {
      report.worst = { sample, parameter, index: unravel(k, values.shape), numeric, analytic, relativeError: error }
      setWorst = true
    }
  }
  return setWorst
}
