// Every step of every animation reproduces core's numbers: the revealed prefix equals the final
// tensor, each forward step's running sum equals the output, and the scatter view accumulates to
// exactly dE/dx.
import { describe, expect, it } from 'vitest'
import {
  animationData,
  animationPlan,
  conv2d,
  conv2dBackward,
  currentUnit,
  normalTensor,
  outputIndex,
  revealed,
  scatterState,
  seededSource,
  traceCell,
  unitsDone,
  unpadGradient,
  type Conv2dOptions,
} from '../../core'

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))
}

const settings: Conv2dOptions[] = [{}, { stride: 2, padding: 1 }, { stride: [2, 3], dilation: 2, padding: [2, 1], paddingMode: 'reflect' }]

describe('animation steps', () => {
  for (const options of settings) {
    const source = seededSource(9)
    const x = normalTensor([2, 3, 7, 7], source)
    const w = normalTensor([4, 3, 3, 3], source)
    const b = normalTensor([4], source)
    const { output, geometry } = conv2d(x, w, b, options)
    const dy = normalTensor(output.shape, source)
    const reference = conv2dBackward(x, w, b, dy, options)
    const data = animationData(geometry, { input: x.data, weight: w.data, bias: b.data, gradOutput: dy.data }, output.data)

    it(`forward: each cell step's running sum is the output ${JSON.stringify(options)}`, () => {
      const plan = animationPlan('forward', geometry, 'cell')
      expect(plan.steps).toBe(output.data.length)
      for (let step = 0; step < plan.steps; step++) {
        const [n, m, i, j] = currentUnit(plan, step)!
        const trace = traceCell(x.data, w.data, b.data, geometry, { n, m, i, j })
        let running = trace.bias
        for (const term of trace.terms) running += term.product
        expect(close(running, output.data[outputIndex(geometry, { n, m, i, j })])).toBe(true)
        expect(unitsDone(plan, step)).toBe(step + 1)
      }
    })

    it(`row and channel granularity reveal whole rows and maps ${JSON.stringify(options)}`, () => {
      const rows = animationPlan('forward', geometry, 'row')
      const maps = animationPlan('forward', geometry, 'channel')
      expect(rows.steps).toBe(2 * 4 * geometry.outH)
      expect(maps.steps).toBe(8)
      const partial = revealed(output.data, unitsDone(rows, 0))
      expect(partial.slice(0, geometry.outW)).toEqual(output.data.slice(0, geometry.outW))
      expect(Number.isNaN(partial[geometry.outW])).toBe(true)
      expect(revealed(output.data, unitsDone(maps, maps.steps - 1))).toEqual(output.data)
    })

    it(`backward by correlation ends in core's dE/dx and dE/dw ${JSON.stringify(options)}`, () => {
      const plan = animationPlan('backward-input', geometry, 'row')
      expect(plan.units).toBe(2 * 3 * geometry.paddedH * geometry.paddedW)
      const last = revealed(data.gradPadded!, unitsDone(plan, plan.steps - 1))
      const folded = unpadGradient(last, geometry)
      folded.forEach((v, k) => expect(close(v, reference.gradInput.data[k])).toBe(true))
      const weights = animationPlan('backward-weight', geometry, 'cell')
      expect(weights.steps).toBe(w.data.length)
      data.gradWeight!.forEach((v, k) => expect(close(v, reference.gradWeight.data[k])).toBe(true))
    })

    it(`the scatter view accumulates to the same dE/dx ${JSON.stringify(options)}`, () => {
      const plan = animationPlan('backward-scatter', geometry, 'cell')
      const halfway = scatterState(data, w.data, dy.data, Math.floor(plan.units / 2))
      expect(halfway.some((v, k) => !close(v, data.gradPadded![k]))).toBe(true)
      const end = scatterState(data, w.data, dy.data, plan.units)
      end.forEach((v, k) => expect(close(v, data.gradPadded![k])).toBe(true))
    })
  }
})
