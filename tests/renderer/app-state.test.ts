// The one app state (AppState) on the real engine: the command list behind menu, keyboard and
// buttons; the typed document undone and saved whole; the backward pass, the preset target,
// learning and the animation's region all computed by the engine, exactly as core computes them.

import { afterEach, describe, expect, it } from 'vitest'
import { conv2d } from '../../core/conv2d'
import { conv2dBackward } from '../../core/conv2d-backward'
import { filteredTarget } from '../../core/learning'
import { meanSquaredError } from '../../core/loss'
import { presetById } from '../../core/presets'
import { parseSession, serializeSession } from '../../core/session'
import type { Tensor } from '../../core/tensor'
import type { MenuCommand } from '../../contract'
import { COMMANDS, commandById } from '../../src-renderer/src/lib/commands/commands'
import { commandFor } from '../../src-renderer/src/lib/keyboard/shortcuts'
import { applySession, sessionOf } from '../../src-renderer/src/lib/state/session-document'
import { setWeightCell } from '../../src-renderer/src/lib/kernels/weights'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops) stop()
  stops = []
})

function started() {
  const made = testState()
  stops.push(made.stop)
  return made
}

/** A deterministic non-trivial input: sin/cos waves, values in [−1, 1]. */
function waves(channels: number, h: number, w: number): Tensor {
  return { shape: [1, channels, h, w], data: Float64Array.from({ length: channels * h * w }, (_, k) => Math.sin(k * 0.37) * Math.cos(k * 0.011)) }
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))

describe('command list', () => {
  it('has a command for every menu item, and each says whether it makes an undo step', () => {
    const menu: MenuCommand[] = [
      'open-image',
      'open-kernel',
      'open-tensor',
      'export',
      'undo',
      'redo',
      'zoom-in',
      'zoom-out',
      'zoom-reset',
      'language-en',
      'language-es',
      'theme-light',
      'theme-dark',
      'theme-system',
      'about',
      'shortcuts',
      'save',
      'save-as',
    ]
    for (const id of menu) expect(commandById(id).id).toBe(id)
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length)
    expect(commandById('open-image').undoable).toBe(true)
    expect(commandById('zoom-in').undoable).toBe(false)
  })

  it('runs the same command from the menu, the keyboard and a button', () => {
    const { state } = started()
    state.explorer.setWeight(setWeightCell(state.explorer.weight, 0, 0, 0, 0, 9))
    state.history.observe()
    expect(state.run('undo')).toBe(true)
    expect(state.explorer.weight.data[0]).not.toBe(9)
    // Nothing left to undo: the command cannot run (a disabled button, a key that does nothing).
    expect(state.run('undo')).toBe(false)
    const key = commandFor({ key: 'y', ctrlKey: true, metaKey: false, shiftKey: false, altKey: false, target: null }, { mac: false, host: 'browser' })
    expect(key).toBe('redo')
    state.run(key!)
    expect(state.explorer.weight.data[0]).toBe(9)
    state.run('language-es')
    expect(state.explorer.language).toBe('es')
    state.run('shortcuts')
    expect(state.view.helpOpen).toBe(true)
  })
})

describe('the document', () => {
  it('undoes the upstream choice, the learning setup and the region with the rest, as one typed object', () => {
    const { state } = started()
    const { backward, learning, player, history } = state
    backward.choice = 'mse'
    backward.targetPreset = 'box-blur'
    learning.rate = 0.05
    player.region = { i: 1, j: 2, h: 3, w: 3 }
    history.observe()
    expect(history.present.upstream.choice).toBe('mse')
    expect(history.present.region).toEqual({ i: 1, j: 2, h: 3, w: 3 })
    history.undo()
    expect([backward.choice, backward.targetPreset, learning.rate, player.region]).toEqual(['ones', 'sobel-x', 0.1, null])
    history.redo()
    expect([backward.choice, backward.targetPreset, learning.rate, player.region]).toEqual(['mse', 'box-blur', 0.05, { i: 1, j: 2, h: 3, w: 3 }])
  })

  it('saves and reopens the region, the true-convolution view and a preset target by name', () => {
    const a = started().state
    a.backward.choice = 'mse'
    a.backward.targetPreset = 'laplacian'
    a.player.region = { i: 0, j: 1, h: 2, w: 2 }
    a.player.trueConvolution = true
    const text = serializeSession(sessionOf(a, 1))
    const b = started().state
    applySession(b, parseSession(text))
    expect([b.backward.choice, b.backward.targetChoice, b.backward.targetPreset]).toEqual(['mse', 'preset', 'laplacian'])
    expect(b.player.region).toEqual({ i: 0, j: 1, h: 2, w: 2 })
    expect(b.player.trueConvolution).toBe(true)
  })
})

describe('one compute path: the engine', () => {
  it('computes the backward pass of a drawn dE/dy and shows a small result exactly', async () => {
    const { state } = started()
    const { explorer: app, backward, view } = state
    view.tab = 'backward'
    backward.choice = 'drawn'
    await until(() => backward.outputShape !== null)
    backward.paint('gradient', 0, { top: 1, left: 2, bottom: 3, right: 4 }, 2.5)
    await until(() => app.shown?.gradOutputSpec?.kind === 'tensor' && app.shown.exact?.gradInput != null && app.shown.exact.gradOutput?.[1 * 5 + 2] === 2.5)
    const shown = app.shown!
    const bias = { shape: [app.bias.length], data: app.bias }
    const gradOutput = { shape: backward.outputShape!, data: shown.exact!.gradOutput! }
    const core = conv2dBackward(app.input, app.weight, bias, gradOutput, app.options)
    expect(Array.from(shown.exact!.gradInput!)).toEqual(Array.from(core.gradInput.data))
    expect(Array.from(shown.result.gradWeight!.data)).toEqual(Array.from(core.gradWeight.data))
    expect(Array.from(shown.exact!.output)).toEqual(Array.from(conv2d(app.input, app.weight, bias, app.options).output.data))
  })

  it('has the engine compute and keep the preset MSE target; the loss is core’s', async () => {
    const { state } = started()
    const { explorer: app, backward, view } = state
    app.setInput(waves(1, 12, 12), { kind: 'drawn' })
    view.tab = 'backward'
    backward.choice = 'mse'
    await until(() => app.shown?.gradOutputSpec?.kind === 'mse-stored')
    const target = filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)
    expect(Array.from(backward.target!.data)).toEqual(Array.from(target.data))
    const output = conv2d(app.input, app.weight, { shape: [1], data: app.bias }, app.options).output
    expect(app.shown!.result.loss).toBe(meanSquaredError(output, target).loss)
  })
})

describe('learning through the engine', () => {
  it('lowers the loss, and a run is reset (and says so) when the input changes: the next Step starts over on the new input', async () => {
    const { state } = started()
    const { explorer: app, learning } = state
    await until(() => app.shown !== null)
    await learning.step()
    await learning.step()
    await learning.step()
    expect(learning.state!.step).toBe(3)
    expect(learning.state!.losses[2]).toBeLessThan(learning.state!.losses[0])
    // A new, larger input (as a photo would be): the run must not go on with the old one.
    app.setInput(waves(1, 40, 40), { kind: 'drawn' })
    await until(() => learning.wasReset)
    expect(learning.state).toBeNull()
    await learning.step()
    expect(learning.state!.step).toBe(1)
    expect(learning.wasReset).toBe(false)
    expect(Array.from(learning.state!.weight.data).every(Number.isFinite)).toBe(true)
    // The first loss is the new input's: core's MSE of the starting kernel against its target.
    const start = learning.startingPoint(app.weight, { shape: [1], data: app.bias })
    const target = filteredTarget(app.input, app.weight, presetById('sobel-x'), app.options)
    const output = conv2d(app.input, start.weight, start.bias, app.options).output
    expect(close(learning.state!.losses[0], meanSquaredError(output, target).loss)).toBe(true)
  })

  it('plays at a set pace in steps a second', async () => {
    const { state } = started()
    const { learning, explorer: app } = state
    await until(() => app.shown !== null)
    learning.speed = 20
    const began = performance.now()
    await learning.play()
    await until(() => (learning.state?.step ?? 0) >= 4)
    learning.pause()
    // 4 steps at 20 a second take at least 3 intervals of 50 ms.
    expect(performance.now() - began).toBeGreaterThanOrEqual(140)
  })
})

describe('the stage: a region of a large output', () => {
  it('animates a region of a 64×64 output with the engine’s exact values, as core computes them', async () => {
    const { state } = started()
    const { explorer: app, stage, view, player } = state
    app.setInput(waves(1, 64, 64), { kind: 'drawn' })
    app.settings.paddingKind = 'number'
    app.settings.paddingH = 1
    app.settings.paddingW = 1
    app.settings.paddingMode = 'reflect'
    view.tab = 'animation'
    await until(() => stage.source?.region != null && stage.source.full.outH === 64)
    expect(stage.region).toEqual({ i: 28, j: 28, h: 8, w: 8 })
    const core = conv2d(app.input, app.weight, { shape: [1], data: app.bias }, app.options).output.data
    const source = stage.source!
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) expect(source.output[r * 8 + c]).toBe(core[(28 + r) * 64 + 28 + c])
    // The region's own small convolution gives the same cells.
    const small = conv2d({ shape: [1, 1, source.geometry.inH, source.geometry.inW], data: source.input }, app.weight, { shape: [1], data: app.bias }, {}).output
      .data
    for (let k = 0; k < 64; k++) expect(close(small[k], source.output[k])).toBe(true)
    player.region = { i: 60, j: 0, h: 8, w: 8 }
    await until(() => stage.source?.region?.i === 56)
    expect(stage.source!.output[0]).toBe(core[56 * 64])
  })
})
