// Sessions in the renderer: the explorer's document to a .convolab text and back (exact values,
// settings, view), and the session store's Save, Open, refusals, unsaved state and autosave
// through the in-page engine.

import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import type { SessionLayer, SessionStack } from '../../core/session'
import { parseSession, serializeSession } from '../../core/session'
import { decodeSessionFile, encodeSessionFile } from '../../core/session-file'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { setWeightCell } from '../../src-renderer/src/lib/kernels/weights'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { applySession, sessionOf, settingsFromOptions } from '../../src-renderer/src/lib/state/session-document'
import { DEFAULT_SETTINGS, toOptions } from '../../src-renderer/src/lib/settings/options'

function setup() {
  const transport = fakeTransport()
  const download = vi.fn()
  const state = new AppState(transport, { download })
  state.preferences.zoom = 1.25
  return { transport, app: state.explorer, history: state.history, session: state.session, download, state }
}

const bytes = (text: string) => new TextEncoder().encode(text)

const LAYER: SessionLayer = {
  type: 'avg-pool2d',
  options: { kernelSize: [3, 2], stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 4 },
}
const STACK: SessionStack = {
  layers: [
    {
      type: 'conv2d',
      weight: { shape: [2, 1, 3, 3], data: Float64Array.from({ length: 18 }, (_, k) => k / 8 - 1) },
      bias: { shape: [2], data: Float64Array.from([0.5, -0.25]) },
      padding: 1,
      dilation: [1, 2],
    },
    { type: 'leaky-relu', negativeSlope: 0.2 },
    { type: 'max-pool2d', kernelSize: 2, ceilMode: true },
    { type: 'conv-transpose2d', weight: { shape: [2, 1, 2, 2], data: Float64Array.from([1, -1, 2, 0.125, 3, 4, -5, 6]) }, bias: null, stride: 2 },
    { type: 'sigmoid' },
  ],
  selected: 3,
  active: true,
}

describe('session document', () => {
  it('turns settings forms into options and back for every padding kind', () => {
    for (const form of [
      DEFAULT_SETTINGS,
      { ...DEFAULT_SETTINGS, strideH: 2, strideW: 3, paddingH: 1, paddingW: 2, dilationH: 2, groups: 1, paddingMode: 'reflect' as const },
      { ...DEFAULT_SETTINGS, paddingKind: 'same' as const },
      { ...DEFAULT_SETTINGS, paddingKind: 'valid' as const, strideW: 2 },
    ]) {
      expect(settingsFromOptions(toOptions(form))).toEqual(form)
    }
  })

  it('round-trips the input, kernel, bias, settings, view and the upstream gradient exactly', () => {
    const { app, state } = setup()
    app.setInput({ shape: [2, 3, 4, 5], data: Float64Array.from({ length: 120 }, (_, k) => Math.sin(k) * 1e-3 + k / 7) }, { kind: 'drawn' })
    app.setWeight({ shape: [2, 3, 2, 2], data: Float64Array.from({ length: 24 }, (_, k) => 1 / (k + 1) - 0.3) })
    app.bias = Float64Array.from([0.1, -2.5])
    Object.assign(app.settings, { strideH: 2, paddingKind: 'number', paddingH: 1, paddingW: 0, paddingMode: 'circular' })
    app.colourMap = 'grayscale'
    app.filter = 1
    app.batchIndex = 1
    state.backward.choice = 'random'
    state.backward.seed = 9
    const text = serializeSession(sessionOf(state, 1.5))
    expect(parseSession(text).gradOutput).toEqual({ kind: 'random', seed: 9 })

    const { app: other, state: otherState } = setup()
    const zoom = applySession(otherState, parseSession(text))
    expect(zoom).toBe(1.5)
    expect(other.input.shape).toEqual([2, 3, 4, 5])
    expect(Array.from(other.input.data)).toEqual(Array.from(app.input.data))
    expect(Array.from(other.weight.data)).toEqual(Array.from(app.weight.data))
    expect(Array.from(other.bias)).toEqual([0.1, -2.5])
    expect({ ...other.settings }).toEqual({ ...app.settings })
    expect([other.colourMap, other.filter, other.batchIndex]).toEqual(['grayscale', 1, 1])
    expect([otherState.backward.choice, otherState.backward.seed]).toEqual(['random', 9])
  })
})

describe('the explorer layer and the stack (session version 3)', () => {
  it('are saved and restored as they are, tensors bit for bit', () => {
    const { app, state } = setup()
    app.layer = LAYER
    app.stack = STACK
    const session = sessionOf(state)
    expect(session.layer).toBe(LAYER)
    expect(session.stack).toBe(STACK)
    const reopened = decodeSessionFile(encodeSessionFile(session))
    const other = setup()
    applySession(other.state, reopened)
    expect(other.app.layer).toEqual(LAYER)
    expect(other.app.stack).toEqual(STACK)
    // an empty document has a Conv2d and no stack, and so does its file
    const plain = decodeSessionFile(encodeSessionFile(sessionOf(setup().state)))
    expect([plain.layer, plain.stack]).toEqual([{ type: 'conv2d' }, undefined])
  })

  it('opening a version-2 session gives a Conv2d and no stack', async () => {
    const { app, history, session } = setup()
    app.layer = LAYER
    app.stack = STACK
    history.observe()
    const v2 = new Uint8Array(readFileSync('tests/core/sessions/version-2.convolab'))
    expect(await session.open({ bytes: v2, name: 'old.convolab' })).toBe(true)
    expect(app.layer).toEqual({ type: 'conv2d' })
    expect(app.stack).toBeNull()
    expect(app.weight.shape).toEqual([1, 1, 3, 3])
    // undo brings the layer and the stack back
    history.undo()
    expect(app.layer).toBe(LAYER)
    expect(app.stack).toBe(STACK)
  })

  it('autosave and Save carry them', async () => {
    const { app, history, session, transport, download } = setup()
    const uploaded: Uint8Array[] = []
    const invoke = transport.invoke.bind(transport)
    transport.invoke = ((method: string, request: never) => {
      if (method === 'sessionChunk') uploaded.push((request as { bytes: Uint8Array }).bytes.slice())
      return invoke(method as never, request)
    }) as typeof transport.invoke
    app.layer = LAYER
    app.stack = { ...STACK, active: false }
    history.observe()
    await session.autosave()
    expect(transport.calls.filter((call) => call === 'autosave')).toHaveLength(1)
    const autosaved = decodeSessionFile(join(uploaded))
    expect(autosaved.layer).toEqual(LAYER)
    expect(autosaved.stack).toEqual({ ...STACK, active: false })
    expect(await session.save()).toBe(true)
    const saved = decodeSessionFile(join(download.mock.calls[0][1] as Uint8Array[]))
    expect(saved.layer).toEqual(LAYER)
    expect(saved.stack?.selected).toBe(3)
  })
})

function join(pieces: Uint8Array[]): Uint8Array {
  const file = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  pieces.reduce((at, p) => (file.set(p, at), at + p.length), 0)
  return file
}

describe('session store (in-page engine)', () => {
  it('is clean at start, dirty after an edit, clean again after Save (a download in browser mode)', async () => {
    const { app, history, session, download } = setup()
    expect(session.dirty).toBe(false)
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 42))
    history.observe()
    expect(session.dirty).toBe(true)
    expect(await session.save()).toBe(true)
    expect(download).toHaveBeenCalledTimes(1)
    const [name, pieces] = download.mock.calls[0] as [string, Uint8Array[]]
    expect(name).toBe('untitled.convolab')
    const file = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
    pieces.reduce((at, p) => (file.set(p, at), at + p.length), 0)
    expect(decodeSessionFile(file).weight.data[0]).toBe(42)
    expect(session.dirty).toBe(false)
    expect(session.name).toBe('untitled.convolab')
    // Undo after saving: unsaved again; redo: back to what the file holds.
    history.undo()
    expect(session.dirty).toBe(true)
    history.redo()
    expect(session.dirty).toBe(false)
  })

  it('opens a session as one undoable step, and refuses corrupt and newer ones changing nothing', async () => {
    const { app, history, session } = setup()
    const source = setup()
    source.app.setWeight(setWeightCell(source.app.weight, 0, 0, 2, 2, -8))
    source.app.settings.dilationW = 2
    const text = serializeSession(sessionOf(source.state))

    const before = Array.from(app.weight.data)
    expect(await session.open({ bytes: bytes('{"format": "convolab-session", "version": 1'), name: 'cut.convolab' })).toBe(false)
    expect(await session.open({ bytes: bytes(text.replace(/"version": \d+/, '"version": 4')), name: 'new.convolab' })).toBe(false)
    expect(app.notices.map((notice) => notice.code)).toEqual(['session-corrupt', 'session-newer'])
    expect(Array.from(app.weight.data)).toEqual(before)
    expect(history.past).toHaveLength(0)
    expect(session.name).toBeNull()

    expect(await session.open({ bytes: bytes(text), name: 'mine.convolab' })).toBe(true)
    expect(app.weight.data[8]).toBe(-8)
    expect(app.settings.dilationW).toBe(2)
    expect(session.name).toBe('mine.convolab')
    expect(session.dirty).toBe(false)
    history.undo()
    expect(Array.from(app.weight.data)).toEqual(before)
    expect(app.settings.dilationW).toBe(1)
  })

  it('autosaves only when something changed since the last autosave', async () => {
    const { app, history, session, transport } = setup()
    await session.autosave()
    expect(transport.calls.filter((call) => call === 'autosave')).toHaveLength(0)
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 5))
    history.observe()
    await session.autosave()
    await session.autosave()
    expect(transport.calls.filter((call) => call === 'autosave')).toHaveLength(1)
  })

  it('saves, autosaves and reopens an impossible setting (dilation 5 on the 7×7 input) as it is', async () => {
    const { app, history, session, transport, download } = setup()
    app.settings.dilationH = 5
    app.settings.dilationW = 5
    history.observe()
    expect(app.check.ok).toBe(false)
    await session.autosave()
    expect(transport.calls.filter((call) => call === 'autosave')).toHaveLength(1)
    // An edit made in that state is autosaved too.
    app.setWeight(setWeightCell(app.weight, 0, 0, 1, 1, 3.5))
    history.observe()
    await session.autosave()
    expect(transport.calls.filter((call) => call === 'autosave')).toHaveLength(2)
    expect(await session.save()).toBe(true)
    const pieces = download.mock.calls[0][1] as Uint8Array[]
    const file = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
    pieces.reduce((at, p) => (file.set(p, at), at + p.length), 0)
    const reopened = decodeSessionFile(file)
    expect(reopened.options.dilation).toBe(5)
    expect(reopened.weight.data[4]).toBe(3.5)
    const other = setup()
    expect(await other.session.open({ bytes: file, name: 'impossible.convolab' })).toBe(true)
    expect([other.app.settings.dilationH, other.app.settings.dilationW]).toEqual([5, 5])
    expect(other.app.check.ok).toBe(false)
    expect(app.notices).toHaveLength(0)
  })

  it('titles the document at once: no unsaved mark after undo and redo back to the saved document', async () => {
    const { app, history, session } = setup()
    expect(session.title).toBe('untitled — Convolab')
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 42))
    history.observe()
    expect(session.title).toBe('● untitled — Convolab')
    expect(await session.save()).toBe(true)
    expect(session.title).toBe('untitled.convolab — Convolab')
    // The title follows the state in the same step, with no round trip to the host in between.
    history.undo()
    expect(session.title).toBe('● untitled.convolab — Convolab')
    history.redo()
    expect(session.title).toBe('untitled.convolab — Convolab')
    // An edit after the save, undone: clean; redone: unsaved again.
    app.settings.strideW = 2
    history.observe()
    expect(session.title).toBe('● untitled.convolab — Convolab')
    history.undo()
    expect(session.dirty).toBe(false)
    expect(session.title).toBe('untitled.convolab — Convolab')
    history.redo()
    expect(session.dirty).toBe(true)
  })

  it('is clean when an edit puts back exactly what the file holds, and unsaved for any other', async () => {
    const { app, history, session } = setup()
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 42))
    history.observe()
    expect(await session.save()).toBe(true)
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 7))
    history.observe()
    expect(session.dirty).toBe(true)
    // A new undo step, with the saved values again.
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 42))
    history.observe()
    expect(history.past.length).toBeGreaterThan(2)
    expect(session.dirty).toBe(false)
    // -0 is not 0 to a file of float64 values.
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 1, -0))
    history.observe()
    expect(Object.is(app.weight.data[1], -0)).toBe(true)
    expect(session.dirty).toBe(true)
  })

  it('keeps the saved document one undo step away while typing on after Save', async () => {
    let now = 0
    const transport = fakeTransport()
    const state = new AppState(transport, { download: vi.fn(), history: { now: () => now } })
    const { explorer: app, history, session } = state
    const field = document.createElement('input')
    field.type = 'text'
    document.body.append(field)
    field.focus()
    try {
      app.settings.strideW = 2
      history.observe()
      now += 100
      expect(await session.save()).toBe(true)
      // The same field, within the typing pause: before Save this would be one step with the last.
      app.settings.strideW = 3
      history.observe()
      expect(session.dirty).toBe(true)
      history.undo()
      expect(app.settings.strideW).toBe(2)
      expect(session.dirty).toBe(false)
      history.redo()
      expect(session.dirty).toBe(true)
    } finally {
      field.remove()
    }
  })

  it('saves what the page shows even when its undo step is not taken yet, and stays clean', async () => {
    const { app, history, session, download } = setup()
    // An edit whose effect has not run yet (the step is taken on the next flush).
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 9))
    expect(await session.save()).toBe(true)
    history.observe()
    const saved = decodeSessionFile(join(download.mock.calls[0][1] as Uint8Array[]))
    expect(saved.weight.data[0]).toBe(9)
    expect(session.dirty).toBe(false)
  })

  it('knows what the file holds when edits are made while a save is on its way', async () => {
    const { app, history, session, download } = setup()
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 1))
    history.observe()
    const saving = session.save()
    // Typed while the file is being written: not in it.
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 2))
    history.observe()
    expect(await saving).toBe(true)
    expect(decodeSessionFile(join(download.mock.calls[0][1] as Uint8Array[])).weight.data[0]).toBe(1)
    expect(session.dirty).toBe(true)
    history.undo()
    expect(app.weight.data[0]).toBe(1)
    expect(session.dirty).toBe(false)
    history.redo()
    expect(session.dirty).toBe(true)
  })

  it('keeps the newest of two saves on their way, whichever answers last', async () => {
    // The first Save's answer is held until the second one has answered.
    let release: () => void = () => {}
    const held = new Promise<void>((done) => (release = done))
    let saves = 0
    const transport = fakeTransport((method) =>
      method === 'saveSession' && saves++ === 0
        ? held.then(() => ({ ok: true as const, value: { kind: 'download' as const, name: 'untitled.convolab' } }))
        : null,
    )
    const state = new AppState(transport, { download: vi.fn() })
    const { explorer: app, history, session } = state
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 1))
    history.observe()
    const first = session.save()
    app.setWeight(setWeightCell(app.weight, 0, 0, 0, 0, 2))
    history.observe()
    expect(await session.save()).toBe(true)
    expect(session.dirty).toBe(false)
    release()
    expect(await first).toBe(true)
    // The older answer does not make the newer document look unsaved.
    expect(app.weight.data[0]).toBe(2)
    expect(session.dirty).toBe(false)
  })

  it('is clean after opening a file, unsaved after undoing the open, clean again after redoing it', async () => {
    const { app, history, session } = setup()
    const source = setup()
    source.app.settings.dilationW = 2
    const text = serializeSession(sessionOf(source.state))
    app.settings.strideW = 2
    history.observe()
    expect(session.dirty).toBe(true)
    expect(await session.open({ bytes: bytes(text), name: 'opened.convolab' })).toBe(true)
    expect(session.title).toBe('opened.convolab — Convolab')
    history.undo()
    expect(session.title).toBe('● opened.convolab — Convolab')
    history.redo()
    expect(session.title).toBe('opened.convolab — Convolab')
  })

  it('keeps restored work unsaved, even undone to a blank document, until it is saved', async () => {
    const blank = sessionOf(setup().state)
    const { history, session } = setup()
    session.recovery = { session: blank, savedAt: 0, name: 'lesson.convolab' }
    await session.restoreRecovery()
    // The same values as the blank document, yet the file lesson.convolab may hold anything.
    expect(session.title).toBe('● lesson.convolab — Convolab')
    history.undo()
    expect(session.dirty).toBe(true)
    history.redo()
    expect(await session.save()).toBe(true)
    expect(session.title).toBe('lesson.convolab — Convolab')
  })

  it('names the document in the title with the unsaved mark, in the user language', async () => {
    const { app, history, session } = setup()
    app.language = 'es'
    await session.announce()
    expect(session.title).toBe('sin título — Convolab')
    app.settings.strideW = 2
    history.observe()
    await session.announce()
    expect(session.title).toBe('● sin título — Convolab')
  })
})
