// The learning animation's frames: one per point of core's learningTrajectory, each showing that
// point's kernel, its output against the target and their difference, and the loss curve so far.
import { describe, expect, it } from 'vitest'
import type { LearningRun } from '../../core'
import { conv2d, filteredTarget, learningTrajectory, normalTensor, presetById, presetWeightLike, randomStart, seededSource } from '../../core'
import type { FrameOptions } from '../../frames'
import { cellAt, frameModel, frameSvg, isLearningScene, lossText, makeLearningScene, makeScene, paintFrame } from '../../frames'
import { logDomain } from '../../frames/chart'
import { convGeometry } from '../../core'
import { RecordingContext } from './helpers'

const options = (language: 'en' | 'es'): FrameOptions => ({ colourMap: 'viridis', diverging: 'RdBu', language, decimals: 2 })

function run(steps: number): { run: LearningRun; targetWeight: ReturnType<typeof presetWeightLike> } {
  const input = normalTensor([1, 1, 8, 8], seededSource(3))
  const weight = { shape: [1, 1, 3, 3], data: new Float64Array(9) }
  const bias = { shape: [1], data: new Float64Array(1) }
  const start = randomStart(weight, bias, 9)
  const target = filteredTarget(input, weight, presetById('sobel-x'), { padding: 1 })
  return {
    run: { input, target, initialWeight: start.weight, initialBias: start.bias, options: { padding: 1 }, learningRate: 0.1, steps },
    targetWeight: presetWeightLike(weight, presetById('sobel-x')),
  }
}

describe('learning frames', () => {
  const { run: setup, targetWeight } = run(12)
  const scene = makeLearningScene(setup, targetWeight, options('en'))
  const points = learningTrajectory(setup)

  it('has steps + 1 frames, the start first', () => {
    expect(isLearningScene(scene)).toBe(true)
    expect(scene.plan).toEqual({ kind: 'learning', steps: 13 })
    expect(frameModel(scene, -1).title).toBe(frameModel(scene, 0).title)
  })

  it("shows point k's kernel, output, the target and output − target, and the loss curve up to k", () => {
    for (const k of [0, 5, 12]) {
      const model = frameModel(scene, k)
      expect(model.counter).toBe(`step ${k} / 12`)
      expect(model.title).toMatch(new RegExp(`^Learning: step ${k}, loss = `))
      const [kernels, outputs, targets, differences] = model.columns
      const w = kernels.panels[0]
      expect(w.title).toBe('w[0,0]')
      expect(Array.from({ length: 9 }, (_, i) => w.value(Math.floor(i / 3), i % 3))).toEqual([...points[k].weight.data])
      expect(kernels.panels[1].title).toBe('target w[0,0]')
      expect(Array.from({ length: 9 }, (_, i) => kernels.panels[1].value(Math.floor(i / 3), i % 3))).toEqual([-1, 0, 1, -2, 0, 2, -1, 0, 1])
      const y = conv2d(setup.input, points[k].weight, points[k].bias, setup.options).output
      for (let i = 0; i < 64; i++) {
        const [r, c] = [Math.floor(i / 8), i % 8]
        expect(outputs.panels[0].value(r, c)).toBe(y.data[i])
        expect(targets.panels[0].value(r, c)).toBe(setup.target.data[i])
        expect(differences.panels[0].value(r, c)).toBe(y.data[i] - setup.target.data[i])
      }
      expect(model.chart!.values).toEqual(points.slice(0, k + 1).map((p) => p.loss))
      expect(model.chart!.xMax).toBe(12)
      expect(model.chart!.log).toBe(true)
    }
    // The loss falls over the run and the axis holds every loss.
    expect(points[12].loss).toBeLessThan(points[0].loss)
    const [low, high] = scene.lossDomain
    expect(low).toBeLessThanOrEqual(Math.min(...points.map((p) => p.loss)))
    expect(high).toBe(Math.max(...points.map((p) => p.loss)))
  })

  it('speaks Spanish', () => {
    const es = makeLearningScene(setup, targetWeight, options('es'))
    const model = frameModel(es, 3)
    expect(model.title).toMatch(/^Aprendizaje: paso 3, pérdida = \d/)
    expect(model.counter).toBe('paso 3 / 12')
    expect(model.chart!.title).toBe('Pérdida (MSE), escala logarítmica')
    expect(model.columns[2].panels[0].title).toBe('objetivo[0,0]')
  })

  it('is drawn by paintFrame and frameSvg like any scene: title, counter, ticks of the log axis, values on hover', () => {
    const ctx = new RecordingContext()
    const size = { width: 1280, height: 720 }
    paintFrame(ctx, scene, 12, size)
    expect(ctx.texts).toContain(frameModel(scene, 12).title)
    expect(ctx.texts).toContain('step 12 / 12')
    expect(ctx.texts).toContain('Loss (MSE), log scale')
    // d3's log ticks: powers of ten between the smallest and largest loss.
    expect(ctx.texts.some((t) => /^1e−\d+$/.test(t) || t === '0.01' || t === '1')).toBe(true)
    expect(ctx.texts).toContain('12')
    const svg = frameSvg(scene, 4, size)
    expect(svg).toContain('Learning: step 4, loss = ')
    expect(svg).toContain('<path')
    // The output map is found under the pointer, as for the other kinds.
    const model = frameModel(scene, 12)
    const hit = [...Array(size.width).keys()].flatMap((x) => {
      const cell = cellAt(model, size, x, size.height / 2)
      return cell?.panel.title === 'y[0,0]' ? [cell] : []
    })[0]
    expect(hit).toBeDefined()
  })

  it('leaves the other kinds as they were', () => {
    const geometry = convGeometry([1, 1, 4, 4], [1, 1, 3, 3], {})
    const forward = makeScene(
      geometry,
      { input: new Float64Array(16), weight: new Float64Array(9), bias: null, gradOutput: null },
      new Float64Array(4),
      'forward',
      'cell',
      options('en'),
    )
    expect(isLearningScene(forward)).toBe(false)
    expect(frameModel(forward, 0).chart).toBeUndefined()
  })

  it('writes losses readably, small, ordinary or diverging, and the log axis spans them all', () => {
    expect(lossText(8.28316, 2)).toBe('8.2832')
    expect(lossText(3.816e-8, 2)).toBe('3.816e−8')
    expect(lossText(1.0332617189771743e23, 2)).toBe('1.033e23')
    expect(lossText(0, 2)).toBe('0.0000')
    expect(lossText(Infinity, 2)).toBe('∞')
    expect(logDomain([8, 1e-9, 0, NaN, 2])).toEqual([1e-9, 8])
    expect(logDomain([1, 1e23])).toEqual([1, 1e23])
    expect(logDomain([0.5])).toEqual([0.05, 5])
  })
})
