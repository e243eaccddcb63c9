// The window slides between steps (tweenModel), the dark palette is used only when asked for (an
// export stays light), and negative factors are written in parentheses.
import { describe, expect, it } from 'vitest'
import { conv2d } from '../../core'
import type { FrameContext, FrameOptions, Scene } from '../../frames'
import { COLOURS, DARK_COLOURS, LIGHT_COLOURS, divergingScale, easeInOut, frameModel, makeScene, paintFrame, planePanel, tweenModel } from '../../frames'
import { drawPanel } from '../../frames/draw-panel'
import { RecordingContext, fixture } from './helpers'

const OPTIONS: FrameOptions = { colourMap: 'grayscale', language: 'en', decimals: 2 }

function seedScene(frame: Partial<FrameOptions> = {}): Scene {
  const x = fixture('seed-stride1-padding0', 'x.npy')
  const w = fixture('seed-stride1-padding0', 'weight.npy')
  const { output, geometry } = conv2d(x, w, null, {})
  return makeScene(geometry, { input: x.data, weight: w.data, bias: null, gradOutput: null }, output.data, 'forward', 'cell', { ...OPTIONS, ...frame })
}

/** The window outline of the first input panel. */
const windowOf = (model: ReturnType<typeof frameModel>) => model.columns[0].panels[0].outlines!.find((o) => o.colour === COLOURS.window && !o.dashed)!

describe('the window sliding between steps', () => {
  it('moves the window from one step to the next, eased, and is the next frame at the end', () => {
    const scene = seedScene()
    const from = frameModel(scene, 0)
    const to = frameModel(scene, 1)
    expect([windowOf(from).col, windowOf(to).col]).toEqual([0, 1])
    const half = tweenModel(from, to, 0.5)
    expect(windowOf(half)).toMatchObject({ row: 0, col: 0.5, rows: windowOf(to).rows, cols: windowOf(to).cols })
    // the cells read one by one are not framed while the window moves
    expect(half.columns[0].panels[0].marked).toBeUndefined()
    // everything but the window is the next step's
    expect(half.title).toBe(to.title)
    expect(half.formula).toEqual(to.formula)
    expect(tweenModel(from, to, 1)).toBe(to)
    expect([easeInOut(0), easeInOut(0.5), easeInOut(1)]).toEqual([0, 0.5, 1])
    expect(easeInOut(0.25)).toBeLessThan(0.25)
  })

  it('leaves a model alone when the window does not move', () => {
    const scene = seedScene()
    const model = frameModel(scene, 3)
    expect(tweenModel(model, model, 0.3)).toBe(model)
  })
})

describe('frame palettes', () => {
  /** The colours every fillRect used, in order. */
  function fills(scene: Scene): string[] {
    const ctx = new RecordingContext()
    const used: string[] = []
    ctx.fillRect = () => used.push(String(ctx.fillStyle))
    paintFrame(ctx as unknown as FrameContext, scene, 4, { width: 640, height: 360 })
    return used
  }

  it('draws the dark background only for a dark scene, and restores the light palette after', () => {
    expect(fills(seedScene())[0]).toBe(LIGHT_COLOURS.background)
    expect(fills(seedScene({ theme: 'dark' }))[0]).toBe(DARK_COLOURS.background)
    // an export after a dark canvas is light again
    expect(fills(seedScene())[0]).toBe(LIGHT_COLOURS.background)
    expect(COLOURS).toEqual(LIGHT_COLOURS)
    expect(DARK_COLOURS.window).toBe(LIGHT_COLOURS.window)
  })

  it('writes negative factors in parentheses', () => {
    const x = { shape: [1, 1, 2, 2], data: Float64Array.from([1.3, -1.3, 0.5, 2]) }
    const w = { shape: [1, 1, 2, 2], data: Float64Array.from([-1, -1, 2, 0.25]) }
    const { output, geometry } = conv2d(x, w, null, {})
    const scene = makeScene(geometry, { input: x.data, weight: w.data, bias: null, gradOutput: null }, output.data, 'forward', 'cell', OPTIONS)
    expect(frameModel(scene, 0).formula[1]).toBe('= (−1.00)·1.30 + (−1.00)·(−1.30) + 2.00·0.50 + 0.25·2.00 = 1.50')
  })

  it('writes cell numbers with fewer decimals when the asked ones would not be readable, formulas with all', () => {
    // Text as wide as 0.6 em per character, so the fit depends on the number of digits.
    class MeasuringContext extends RecordingContext {
      override measureText(text: string) {
        return { width: text.length * 0.6 * Number(/(\d+(?:\.\d+)?)px/.exec(String(this.font))?.[1] ?? 10) }
      }
    }
    const panel = planePanel('p', Float64Array.of(18.91400336, -3.5), 0, 1, 2, divergingScale(20))
    const ctx = new MeasuringContext()
    drawPanel(ctx as unknown as FrameContext, panel, { x: 0, y: 0, cell: 30 }, 8)
    // 8 decimals would be 4 px high in a 30 px cell: 2 decimals are 9 px and readable
    expect(ctx.texts).toEqual(['18.91', '−3.50'])
    const roomy = new MeasuringContext()
    drawPanel(roomy as unknown as FrameContext, panel, { x: 0, y: 0, cell: 120 }, 8)
    expect(roomy.texts).toEqual(['18.91400336', '−3.50000000'])
  })
})
