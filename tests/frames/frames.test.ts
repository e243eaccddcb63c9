// Frames show core's numbers: every step's title and sums, and the last step's maps, equal
// core's forward and backward (the seed's example and its stride-2, padding-1 variant).
import { describe, expect, it } from 'vitest'
import type { AnimationKind, Granularity } from '../../core'
import { animationData, conv2d, conv2dBackward, convGeometry, filled, normalTensor, outputIndex, seededSource, traceCell } from '../../core'
import type { FrameOptions, Scene } from '../../frames'
import { cellAt, divergingScale, formatValue, frameModel, frameSvg, makeScene, paintFrame, placePanels, sequentialScale } from '../../frames'
import { RecordingContext, fixture } from './helpers'

const OPTIONS: FrameOptions = { colourMap: 'viridis', language: 'en', decimals: 2 }

function seedScene(
  kind: AnimationKind,
  caseName = 'seed-stride1-padding0',
  options = {},
  granularity: Granularity = 'cell',
  frame: Partial<FrameOptions> = {},
): Scene {
  const x = fixture(caseName, 'x.npy')
  const w = fixture(caseName, 'weight.npy')
  const { output, geometry } = conv2d(x, w, null, options)
  const gradOutput = kind === 'forward' ? null : filled(output.shape, 1).data
  return makeScene(geometry, { input: x.data, weight: w.data, bias: null, gradOutput }, output.data, kind, granularity, { ...OPTIONS, ...frame })
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))

describe('forward frames', () => {
  it("title and sum of every step are core's output cell, in the seed's order", () => {
    const scene = seedScene('forward')
    expect(scene.plan.steps).toBe(2 * 4 * 3 * 3)
    for (let step = 0; step < scene.plan.steps; step++) {
      const model = frameModel(scene, step)
      const y = formatValue(scene.data.output[step], 2)
      expect(model.title.endsWith(`= ${y}`)).toBe(true)
      expect(model.formula[1].endsWith(`= ${y}`)).toBe(true)
      expect(model.counter).toBe(`step ${step + 1} / 72`)
    }
    expect(frameModel(scene, 0).title).toBe('Forward: y[0,0,0,0] = 18.91')
    expect(frameModel(scene, 1).title).toBe('Forward: y[0,0,0,1] = 17.74')
  })

  it('the partial sums written per channel are the trace of core, and add up to y', () => {
    const scene = seedScene('forward', 'seed-stride1-padding0', {}, 'cell', { decimals: 8 })
    const step = 40
    const cell = { n: 1, m: 0, i: 1, j: 1 }
    expect(outputIndex(scene.geometry, cell)).toBe(step)
    const trace = traceCell(scene.inputs.input, scene.inputs.weight, null, scene.geometry, cell)
    const line = frameModel(scene, step).formula[1]
    expect(line).toBe(`= ${trace.partialSums.map((s, c) => `${formatValue(s, 8)} (c=${c})`).join(' + ')} = ${formatValue(trace.value, 8)}`)
    expect(close(trace.value, scene.data.output[step])).toBe(true)
  })

  it('the output map shows finished cells only, and the numbers are drawn', () => {
    const scene = seedScene('forward')
    const model = frameModel(scene, 4)
    const outputs = model.columns[model.columns.length - 1].panels
    expect(outputs.map((p) => p.title)).toEqual(['y[0,0]', 'y[0,1]', 'y[0,2]', 'y[0,3]'])
    expect(outputs[0].value(1, 1)).toBe(scene.data.output[4])
    expect(Number.isNaN(outputs[0].value(1, 2))).toBe(true)
    const ctx = new RecordingContext()
    paintFrame(ctx, scene, 4, { width: 1280, height: 720 })
    for (const y of ['18.91', '17.74', '17.05', '18.40', '18.77']) expect(ctx.texts).toContain(y)
    expect(ctx.texts).not.toContain('17.31')
  })

  it('cellAt finds the cell and value under a point, for values on hover', () => {
    const scene = seedScene('forward')
    const size = { width: 1280, height: 720 }
    const model = frameModel(scene, 4)
    const outputColumn = placePanels(model, size)[3]
    const y00 = outputColumn.panels[0]
    const hit = cellAt(model, size, y00.x + 1.5 * y00.cell, y00.y + 1.5 * y00.cell)
    expect(hit).toMatchObject({ row: 1, col: 1, value: scene.data.output[4] })
    expect(hit!.panel.title).toBe('y[0,0]')
    expect(Number.isNaN(cellAt(model, size, y00.x + 2.5 * y00.cell, y00.y + 1.5 * y00.cell)!.value)).toBe(true)
    expect(cellAt(model, size, 2, 2)).toBeNull()
  })

  it('padding cells are marked as padding and the window reads every D-th cell', () => {
    const scene = seedScene('forward', 'seed-stride2-padding1', { stride: 2, padding: 1, dilation: 2 })
    const model = frameModel(scene, 5)
    const input = model.columns[0].panels[0]
    expect(input.kind!(0, 0)).toBe('padding')
    expect(input.kind!(1, 1)).toBe('value')
    expect(input.kind!(8, 4)).toBe('padding')
    // Unit 5 is y[0,0,1,?]: outW = 1 here, so cell (5, 0) of the first sample: i = 5 // outW.
    const g = scene.geometry
    const i = Math.floor(5 / g.outW) % g.outH
    const j = 5 % g.outW
    expect(input.outlines![0]).toMatchObject({ row: i * 2, col: j * 2, rows: 9, cols: 9 })
    expect(input.marked).toContainEqual([i * 2 + 2, j * 2 + 2])
    expect(input.marked).not.toContainEqual([i * 2 + 1, j * 2 + 1])
  })

  it('true convolution shows k = rot180(w) and says so', () => {
    const scene = seedScene('forward', 'seed-stride1-padding0', {}, 'cell', { trueConvolution: true })
    const model = frameModel(scene, 0)
    expect(model.title.startsWith('Convolution: y[0,0,0,0]')).toBe(true)
    const k = model.columns[1].panels[0]
    expect(k.title).toBe('k[0,0]')
    expect(k.value(0, 0)).toBe(scene.inputs.weight[24])
    expect(k.value(4, 4)).toBe(scene.inputs.weight[0])
  })

  it('speaks Spanish', () => {
    const scene = seedScene('forward', 'seed-stride1-padding0', {}, 'row', { language: 'es' })
    const model = frameModel(scene, 0)
    expect(model.title).toBe('Hacia adelante: y[0,0,0,2] = 17.05')
    expect(model.counter).toBe('paso 1 / 24')
    expect(frameModel(seedScene('backward-input', 'seed-stride1-padding0', {}, 'cell', { language: 'es' }), 0).title.startsWith('Hacia atrás dE/dx')).toBe(true)
  })
})

describe('backward frames end in core backward numbers', () => {
  it("dE/dx by correlation: the cropped map at the last step is core's, with the seed's dE/dx[0,0,0,:3]", () => {
    const scene = seedScene('backward-input', 'seed-stride1-padding0', {}, 'channel', { decimals: 8 })
    const last = frameModel(scene, scene.plan.steps - 1)
    const [target, result] = last.columns[4].panels
    const g = scene.geometry
    const x = fixture('seed-stride1-padding0', 'x.npy')
    const w = fixture('seed-stride1-padding0', 'weight.npy')
    const core = conv2dBackward(x, w, null, filled([2, 4, 3, 3], 1), {})
    // The last plane shown is (n=1, c=2).
    for (let r = 0; r < g.inH; r++) for (let c = 0; c < g.inW; c++) expect(close(result.value(r, c), core.gradInput.data[(5 * 7 + r) * 7 + c])).toBe(true)
    expect(target.title).toBe('dE/d(xpad)[1,2]')
    // The first plane, the seed's printed values.
    const first = frameModel(scene, 0).columns[4].panels[1]
    expect([0, 1, 2].map((c) => first.value(0, c).toFixed(8))).toEqual(['1.34111656', '4.72856081', '7.41120998'])
  })

  it('dE/dx by correlation on stride 2, padding 1: inserted zeros and padding are shown, every step sums right', () => {
    const options = { stride: 2, padding: 1 }
    const scene = seedScene('backward-input', 'seed-stride2-padding1', options)
    const model = frameModel(scene, 30)
    const spread = model.columns[1].panels[0]
    const full = 4 // D·(K−1)
    expect(spread.kind!(0, 0)).toBe('padding')
    expect(spread.kind!(full, full)).toBe('value')
    expect(spread.kind!(full, full + 1)).toBe('inserted')
    expect(spread.value(full, full + 1)).toBe(0)
    for (let step = 0; step < scene.plan.steps; step += 7) {
      const m = frameModel(scene, step)
      expect(m.formula[1].endsWith(`= ${formatValue(scene.data.gradPadded![step], 2)}`)).toBe(true)
    }
    const g = convGeometry([2, 3, 7, 7], [4, 3, 5, 5], options)
    const x = fixture('seed-stride2-padding1', 'x.npy')
    const w = fixture('seed-stride2-padding1', 'weight.npy')
    const core = conv2dBackward(x, w, null, filled([2, 4, g.outH, g.outW], 1), options)
    const result = frameModel(scene, scene.plan.steps - 1).columns[4].panels[1]
    for (let r = 0; r < 7; r++) for (let c = 0; c < 7; c++) expect(close(result.value(r, c), core.gradInput.data[(5 * 7 + r) * 7 + c])).toBe(true)
    expect(frameModel(scene, scene.plan.steps - 1).formula[2]).toBe('crop the padding: dE/dx = dE/d(xpad)[:, :, 1:8, 1:8]')
  })

  it('with reflect padding and dilation, the folded dE/dx at the end equals core backward', () => {
    const source = seededSource(7)
    const x = normalTensor([1, 2, 6, 5], source)
    const w = normalTensor([3, 2, 3, 2], source)
    const options = { padding: 2, dilation: 2, paddingMode: 'reflect' as const, stride: [2, 1] as const }
    const { output, geometry } = conv2d(x, w, null, options)
    const gradOutput = normalTensor(output.shape, source)
    const scene = makeScene(
      geometry,
      { input: x.data, weight: w.data, bias: null, gradOutput: gradOutput.data },
      output.data,
      'backward-input',
      'channel',
      OPTIONS,
    )
    const core = conv2dBackward(x, w, null, gradOutput, options)
    const last = frameModel(scene, scene.plan.steps - 1)
    const result = last.columns[4].panels[1]
    expect(result.title).toBe('fold the padding back → dE/dx[0,1]')
    for (let r = 0; r < 6; r++) for (let c = 0; c < 5; c++) expect(close(result.value(r, c), core.gradInput.data[30 + r * 5 + c])).toBe(true)
    expect(last.formula[2]).toContain('fold the padding back (reflect)')
  })

  it("dE/dw: every kernel cell's sum is core's, and the maps at the last step equal core's", () => {
    const options = { stride: 2, padding: 1 }
    const scene = seedScene('backward-weight', 'seed-stride2-padding1', options)
    const x = fixture('seed-stride2-padding1', 'x.npy')
    const w = fixture('seed-stride2-padding1', 'weight.npy')
    const g = scene.geometry
    const core = conv2dBackward(x, w, null, filled([2, 4, g.outH, g.outW], 1), options)
    for (let step = 0; step < scene.plan.steps; step += 11) {
      expect(frameModel(scene, step).title.endsWith(`= ${formatValue(core.gradWeight.data[step], 2)}`)).toBe(true)
    }
    const last = frameModel(scene, scene.plan.steps - 1)
    const maps = last.columns[3].panels
    expect(maps.map((p) => p.title)).toEqual(['dE/dw[3,0]', 'dE/dw[3,1]', 'dE/dw[3,2]'])
    maps.forEach((panel, c) => {
      for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) expect(close(panel.value(a, b), core.gradWeight.data[((3 * 3 + c) * 5 + a) * 5 + b])).toBe(true)
    })
  })

  it('scatter: after the last output cell, dE/d(xpad) equals the correlation view', () => {
    const options = { stride: 2, padding: 1 }
    const scene = seedScene('backward-scatter', 'seed-stride2-padding1', options, 'row')
    const reference = animationData(scene.geometry, scene.inputs, scene.data.output).gradPadded!
    const g = scene.geometry
    const last = frameModel(scene, scene.plan.steps - 1)
    const targets = last.columns[3].panels
    expect(targets[0].title).toBe('dE/d(xpad) so far[1,0]')
    targets.forEach((panel, c) => {
      for (let r = 0; r < g.paddedH; r++)
        for (let q = 0; q < g.paddedW; q++) {
          expect(Math.abs(panel.value(r, q) - reference[((3 + c) * g.paddedH + r) * g.paddedW + q])).toBeLessThanOrEqual(1e-12)
        }
    })
    // After the first row of outputs, only the rows its windows reach (0..D·(K−1)) have received anything.
    const first = frameModel(scene, 0).columns[3].panels[0]
    expect(reference[(g.paddedH - 2) * g.paddedW + 2]).not.toBe(0)
    expect(first.value(g.paddedH - 2, 2)).toBe(0)
    expect(first.value(2, 2)).not.toBe(0)
  })
})

describe('colours, SVG', () => {
  it('the diverging scale is white at zero, red above, blue below; the sequential one runs low to high', () => {
    const scale = divergingScale(2)
    expect(scale.fills[scale.index(0)]).toMatch(/^rgb\(2[34]\d,2[34]\d,2[34]\d\)$/)
    expect(scale.index(2)).toBe(0)
    expect(scale.index(-2)).toBe(255)
    expect(scale.index(5)).toBe(0)
    const grey = sequentialScale(0, 1, 'grayscale')
    expect(grey.fills[grey.index(0)]).toBe('rgb(0,0,0)')
    expect(grey.fills[grey.index(1)]).toBe('rgb(255,255,255)')
  })

  it('an SVG of a frame has the title, the numbers of small grids, and an embedded image for a photo', () => {
    // Full HD: the seed's output cells are large enough for its numbers at the 14 px minimum.
    const svg = frameSvg(seedScene('forward'), 4, { width: 1920, height: 1080 })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"')).toBe(true)
    expect(svg).toContain('>Forward: y[0,0,1,1] = 18.77</text>')
    expect(svg).toContain('>17.74</text>')
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    const photo = new Float64Array(200 * 200).map((_, k) => (k % 200) / 199)
    const g = convGeometry([1, 1, 200, 200], [1, 1, 3, 3], {})
    const out = conv2d({ shape: [1, 1, 200, 200], data: photo }, filled([1, 1, 3, 3], 1 / 9), null).output
    const scene = makeScene(g, { input: photo, weight: filled([1, 1, 3, 3], 1 / 9).data, bias: null, gradOutput: null }, out.data, 'forward', 'cell', OPTIONS)
    const ctx = new RecordingContext()
    paintFrame(ctx, scene, 100, { width: 640, height: 360 })
    expect(ctx.images).toBe(2)
    expect(frameSvg(scene, 100, { width: 640, height: 360 })).toContain('href="data:image/png;base64,')
  })
})
