// The window slides between steps (tweenModel), the dark palette is used only when asked for (an
// export stays light), and negative factors are written in parentheses.
import { describe, expect, it } from 'vitest'
import { conv2d } from '../../core'
import type { FrameContext, FrameOptions, Scene } from '../../frames'
import { COLOURS, DARK_COLOURS, LIGHT_COLOURS, easeInOut, frameModel, makeScene, paintFrame, tweenModel } from '../../frames'
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
    const scene = seedScene({ decimals: 8 })
    const ctx = new RecordingContext()
    paintFrame(ctx as unknown as FrameContext, scene, 4, { width: 1280, height: 720 })
    const y = scene.data.output[0]
    // the formula keeps 8 decimals
    expect(frameModel(scene, 4).formula[1]).toMatch(/\d\.\d{8}/)
    // y[0,0,0,0] = 18.91400336 is drawn in its cell, rounded to fewer decimals
    const drawn = ctx.texts.filter((text) => /^18\.9\d*$/.test(text) || text === '19')
    expect(drawn.length).toBeGreaterThan(0)
    for (const text of drawn) {
      expect(text.length).toBeLessThan('18.91400336'.length)
      expect(Math.abs(Number(text) - y)).toBeLessThan(0.5)
    }
  })
})
