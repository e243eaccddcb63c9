// Frames of learning a kernel: at step k, the kernel so far (and the target kernel when the target
// is a filtered input), the output beside the target and their difference, and the loss curve up
// to k. Frame k draws core's learningTrajectory point k, so the frames are the run itself.

import type { Tensor } from '../core'
import type { ConvGeometry } from '../core/geometry'
import { convGeometry } from '../core/geometry'
import { conv2d } from '../core/conv2d'
import { ConvolabError } from '../core/errors'
import type { LearningPoint, LearningRun } from '../core/learning'
import { learningTrajectory } from '../core/learning'
import { logDomain } from './chart'
import type { ColourScale } from './colours'
import { divergingScale, maxAbs } from './colours'
import type { FrameModel, Panel } from './panel'
import { planePanel, shownIndices } from './panel'
import type { FrameOptions } from './scene'
import { formatValue, indexText, wordsIn } from './text'

const KERNELS_SHOWN = 3
/** Kernel cells may be this much larger than the maps' cells, so that their numbers show. */
const KERNEL_GROW = 3

export interface LearningPlan {
  kind: 'learning'
  /** Frames: the start and one per gradient-descent step. */
  steps: number
}

export interface LearningScene {
  kind: 'learning'
  geometry: ConvGeometry
  run: LearningRun
  /** steps + 1 points of core's learningTrajectory. */
  points: LearningPoint[]
  /** The kernel the target was filtered with, when it was. */
  targetWeight: Tensor | null
  plan: LearningPlan
  options: FrameOptions
  scales: { kernel: ColourScale; output: ColourScale; difference: ColourScale }
  lossDomain: [number, number]
}

export function isLearningScene(scene: object): scene is LearningScene {
  return (scene as { kind?: unknown }).kind === 'learning'
}

/**
 * Runs the learning once (or takes its points, worked out by the caller with core's learningPoints)
 * and fixes the colour scales and the loss axis for every frame.
 */
export function makeLearningScene(
  run: LearningRun,
  targetWeight: Tensor | null,
  options: FrameOptions,
  points: LearningPoint[] = learningTrajectory(run),
): LearningScene {
  if (points.length !== run.steps + 1)
    throw new ConvolabError('bad-request', { detail: `a learning run of ${run.steps} steps has ${run.steps + 1} points (got ${points.length})` })
  const geometry = convGeometry(run.input.shape, run.initialWeight.shape, run.options, run.initialBias?.data.length)
  const map = options.diverging
  const kernelLimit = Math.max(...points.map((p) => maxAbs(p.weight.data)), targetWeight ? maxAbs(targetWeight.data) : 0)
  const first = conv2d(run.input, points[0].weight, points[0].bias, run.options).output
  const last = conv2d(run.input, points[points.length - 1].weight, points[points.length - 1].bias, run.options).output
  // The output's scale holds the target and both ends of the run; the difference's the start's error.
  const startError = first.data.map((v, k) => v - run.target.data[k])
  return {
    kind: 'learning',
    geometry,
    run,
    points,
    targetWeight,
    plan: { kind: 'learning', steps: points.length },
    options,
    scales: {
      kernel: divergingScale(kernelLimit, map),
      output: divergingScale(Math.max(maxAbs(run.target.data), maxAbs(first.data), maxAbs(last.data)), map),
      difference: divergingScale(maxAbs(startError), map),
    },
    lossDomain: logDomain(points.map((p) => p.loss)),
  }
}

/** The loss as text: fixed decimals while they show it, an exponent for tiny or huge (diverging) losses. */
export function lossText(loss: number, decimals: number): string {
  if (!Number.isFinite(loss)) return formatValue(loss, decimals)
  const size = Math.abs(loss)
  if (loss !== 0 && (size < 10 ** -Math.max(2, decimals) || size >= 1e6)) return loss.toExponential(3).replace('-', '−').replace('+', '')
  return formatValue(loss, Math.max(decimals, 4))
}

const outputCache = new WeakMap<LearningScene, { index: number; output: Tensor }>()

function outputAt(scene: LearningScene, index: number): Tensor {
  const known = outputCache.get(scene)
  if (known?.index === index) return known.output
  const point = scene.points[index]
  const output = conv2d(scene.run.input, point.weight, point.bias, scene.run.options).output
  outputCache.set(scene, { index, output })
  return output
}

/** Frame `step` (0-based as the counter; −1, the player's empty start, is the start too). */
export function learningModel(scene: LearningScene, step: number): FrameModel {
  const { geometry: g, options, run } = scene
  const words = wordsIn(options.language)
  const decimals = options.decimals
  const index = Math.max(0, Math.min(scene.points.length - 1, step))
  const point = scene.points[index]
  const steps = scene.points.length - 1
  const output = outputAt(scene, index)
  const kernelPlane = g.kernelH * g.kernelW

  const pairs = shownIndices(g.outChannels * g.inChannelsPerGroup, 0, KERNELS_SHOWN)
  const kernels: Panel[] = pairs.map((k) => {
    const [m, c] = [Math.floor(k / g.inChannelsPerGroup), k % g.inChannelsPerGroup]
    return planePanel(`${words.kernelNow}${indexText(m, c)}`, point.weight.data, k * kernelPlane, g.kernelH, g.kernelW, scene.scales.kernel, { current: true })
  })
  const targets: Panel[] = scene.targetWeight
    ? [planePanel(`${words.targetKernel}${indexText(0, 0)}`, scene.targetWeight.data, 0, g.kernelH, g.kernelW, scene.scales.kernel)]
    : []
  const difference = {
    title: `${words.difference}${indexText(0, 0)}`,
    rows: g.outH,
    cols: g.outW,
    scale: scene.scales.difference,
    value: (r: number, c: number) => output.data[r * g.outW + c] - run.target.data[r * g.outW + c],
  }

  const loss = point.loss
  const bias = point.bias
    ? `   b = ${Array.from(point.bias.data.slice(0, 6), (v) => formatValue(v, decimals)).join(', ')}${point.bias.data.length > 6 ? ', …' : ''}`
    : ''
  return {
    title: `${words.learning}: ${words.step} ${index}, ${words.loss} = ${lossText(loss, decimals)}`,
    counter: `${words.step} ${index} / ${steps}`,
    columns: [
      { panels: [...kernels, ...targets], grow: KERNEL_GROW },
      { panels: [planePanel(`${words.output}${indexText(0, 0)}`, output.data, 0, g.outH, g.outW, scene.scales.output)] },
      { panels: [planePanel(`${words.target}${indexText(0, 0)}`, run.target.data, 0, g.outH, g.outW, scene.scales.output)], joiner: 'vs' },
      { panels: [difference], joiner: '→' },
    ],
    formula: [
      `E = mean((y − ${words.target})²) = ${lossText(loss, decimals)}${bias}`,
      `${words.update}: w ← w − η·dE/dw,  b ← b − η·dE/db,  η (${words.learningRate}) = ${run.learningRate}`,
    ],
    legend: '',
    chart: {
      title: words.lossCurve,
      values: scene.points.slice(0, index + 1).map((p) => p.loss),
      xMax: steps,
      yDomain: scene.lossDomain,
      log: true,
      xLabel: words.step,
      yLabel: 'E',
    },
  }
}
