// The animation player: its controls (step, scrub, play/pause with time, keys), its state's
// arithmetic of steps, and that the frames it shows are core's numbers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import AnimationPanel from '../../src-renderer/src/components/animation/AnimationPanel.svelte'
import { AnimationPlayer } from '../../src-renderer/src/lib/state/animation.svelte'
import { sceneOf } from '../../src-renderer/src/lib/animation/scene'
import { testState, until } from '../support/engine-transport'
import { PLAYER_SHORTCUTS, playerActionFor } from '../../src-renderer/src/lib/animation/shortcuts'
import { en } from '../../src-renderer/src/lib/i18n/en'
import { conv2d } from '../../core/conv2d'

let stops: (() => void)[] = []

/** The app state on the engine, on the Animation tab, once the stage has the engine's values. */
async function setUp() {
  const made = testState()
  stops.push(made.stop)
  const { state, context } = made
  state.view.tab = 'animation'
  await until(() => state.stage.source !== null)
  const { explorer: app, player, stage } = state
  const forward = { input: app.input, weight: app.weight, bias: { shape: [1], data: app.bias } }
  const scene = () =>
    sceneOf(stage.source!, {
      kind: player.kind,
      granularity: player.granularity,
      trueConvolution: player.trueConvolution,
      colourMap: 'viridis',
      language: 'en',
    })
  const mount = () => render(AnimationPanel, { context })
  return { app, player, forward, scene, mount }
}

const counter = () => screen.getByTestId('anim-counter').textContent
const caption = () => screen.getByTestId('anim-caption').textContent ?? ''

beforeEach(() => {
  // jsdom has no ResizeObserver (bind:clientWidth uses it): the stage keeps its first width.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver
  // jsdom has no 2D canvas; the frame's numbers are read from the caption instead.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  for (const stop of stops) stop()
  stops = []
})

describe('animation player controls', () => {
  it('steps forward and back and shows the cell being written with its value from core', async () => {
    const { app, forward, mount } = await setUp()
    mount()
    expect(counter()).toBe('step 0 of 25')
    await fireEvent.click(screen.getByRole('button', { name: 'Step forward' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Step forward' }))
    expect(counter()).toBe('step 2 of 25')
    // The default drawing (digit 7) with Sobel x: y[0,0,0,1] as core computes it.
    const expected = conv2d(forward.input, forward.weight, forward.bias, app.options).output.data[1]
    expect(caption()).toContain(`y[0,0,0,1] = ${expected.toFixed(2).replace('-', '−')}`)
    await fireEvent.click(screen.getByRole('button', { name: 'Step back' }))
    expect(counter()).toBe('step 1 of 25')
    await fireEvent.click(screen.getByRole('button', { name: 'To the end' }))
    expect(counter()).toBe('step 25 of 25')
    await fireEvent.click(screen.getByRole('button', { name: 'Step forward' }))
    expect(counter()).toBe('step 25 of 25')
  })

  it('scrubs with the timeline', async () => {
    const { mount } = await setUp()
    mount()
    const timeline = screen.getByRole('slider', { name: 'Timeline' })
    expect(timeline.getAttribute('max')).toBe('24')
    await fireEvent.input(timeline, { target: { value: '12' } })
    expect(counter()).toBe('step 13 of 25')
    expect(caption()).toContain('y[0,0,2,2]')
  })

  it('plays at 3 steps a second times the speed, pauses, and stops at the end unless looping', async () => {
    const { mount } = await setUp()
    vi.useFakeTimers()
    mount()
    await fireEvent.click(screen.getByRole('button', { name: /Play/ }))
    vi.advanceTimersByTime(1000)
    flushSync()
    expect(counter()).toBe('step 3 of 25')
    await fireEvent.change(screen.getByLabelText('Speed'), { target: { value: '4' } })
    vi.advanceTimersByTime(1000)
    flushSync()
    expect(counter()).toBe('step 15 of 25')
    await fireEvent.click(screen.getByRole('button', { name: /Pause/ }))
    vi.advanceTimersByTime(2000)
    flushSync()
    expect(counter()).toBe('step 15 of 25')
    await fireEvent.click(screen.getByRole('button', { name: /Play/ }))
    vi.advanceTimersByTime(5000)
    flushSync()
    expect(counter()).toBe('step 25 of 25')
    expect(screen.getByRole('button', { name: /Play/ })).toBeTruthy()
  })

  it('answers its keys: Space, arrows, Home, End, [ ], L and G', async () => {
    const { player, mount } = await setUp()
    vi.useFakeTimers()
    mount()
    const region = screen.getByRole('region', { name: 'Animation' })
    const key = async (k: string) => fireEvent.keyDown(region, { key: k })
    await key('ArrowRight')
    await key('ArrowRight')
    await key('ArrowLeft')
    expect(counter()).toBe('step 1 of 25')
    await key('End')
    expect(counter()).toBe('step 25 of 25')
    await key('Home')
    expect(counter()).toBe('step 0 of 25')
    await key(']')
    await key(']')
    expect(player.speed).toBe(4)
    await key('[')
    expect(player.speed).toBe(2)
    await key(' ')
    expect(player.playing).toBe(true)
    await key(' ')
    expect(player.playing).toBe(false)
    await key('l')
    expect(player.loop).toBe(true)
    // G: the next step size; a new scene (rows of the 5×5 output) has 5 steps.
    await key('g')
    expect(player.granularity).toBe('row')
    flushSync()
    expect(counter()).toBe('step 0 of 5')
    // Ctrl+arrow belongs to the app, not the player.
    await fireEvent.keyDown(region, { key: 'ArrowRight', ctrlKey: true })
    expect(counter()).toBe('step 0 of 5')
  })

  it('loops back to the empty start when looping', () => {
    const player = new AnimationPlayer()
    player.setSteps(4)
    player.loop = true
    player.seek(3)
    player.tick(1000 / 3)
    expect(player.step).toBe(-1)
    player.tick(1000)
    expect(player.step).toBe(2)
  })

  it('shows the true convolution as correlation with the rotated kernel, with the same output', async () => {
    const { player, scene, mount } = await setUp()
    player.trueConvolution = true
    mount()
    await fireEvent.click(screen.getByRole('button', { name: 'To the end' }))
    player.trueConvolution = false
    const plain = scene()!
    player.trueConvolution = true
    const flipped = scene()!
    expect(caption()).toContain('x ∗ k = x ⋆ rot180(k)')
    expect(Array.from(flipped.data.output)).toEqual(Array.from(plain.data.output))
    expect(screen.getByText(/the course notebook’s tip/)).toBeTruthy()
  })
})

describe('player keys as data', () => {
  it('lists every action once, with text in the catalogue, and maps keys to them', () => {
    const actions = PLAYER_SHORTCUTS.map((s) => s.action)
    expect(new Set(actions).size).toBe(actions.length)
    for (const shortcut of PLAYER_SHORTCUTS) expect(en[shortcut.description]).toBeTruthy()
    expect(playerActionFor({ key: ' ', ctrlKey: false, altKey: false, metaKey: false })).toBe('toggle')
    expect(playerActionFor({ key: ']', ctrlKey: false, altKey: false, metaKey: false })).toBe('faster')
    expect(playerActionFor({ key: 'x', ctrlKey: false, altKey: false, metaKey: false })).toBeNull()
    expect(playerActionFor({ key: 'Home', ctrlKey: false, altKey: true, metaKey: false })).toBeNull()
  })
})
