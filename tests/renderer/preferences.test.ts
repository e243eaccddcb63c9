// Remembered preferences through the contract's settings, themes on the page, zoom steps, and
// the keyboard shortcuts of each platform.

import { describe, expect, it } from 'vitest'
import type { Settings } from '../../contract'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { commandFor, describeCombo, isMacPlatform, shortcutsFor } from '../../src-renderer/src/lib/keyboard/shortcuts'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { Preferences } from '../../src-renderer/src/lib/state/preferences.svelte'

function setup(stored: Partial<Settings> = {}, systemLanguage: 'en' | 'es' = 'en') {
  const transport = fakeTransport()
  const app = new Explorer(transport)
  // The page starts in the system's language (main.ts).
  app.language = systemLanguage
  const preferences = new Preferences(app, transport)
  return { transport, app, preferences, stored: transport.invoke('setSettings', stored) }
}

describe('preferences', () => {
  it('applies the remembered language, theme, colour map, decimals and animation speed', async () => {
    const { app, preferences, stored } = setup({ language: 'es', theme: 'dark', colourMap: 'viridis', decimals: 6, animationSpeed: 2.5 })
    await stored
    await preferences.load()
    expect([app.language, preferences.theme, app.colourMap, app.decimals, app.animationSpeed]).toEqual(['es', 'dark', 'viridis', 6, 2.5])
    preferences.applyTheme()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it("follows the system's language while the setting is 'system', and saves only what changed", async () => {
    const { app, preferences, transport } = setup({}, 'es')
    await preferences.load()
    expect(app.language).toBe('es')
    preferences.save()
    expect(transport.calls.filter((call) => call === 'setSettings')).toHaveLength(1)
    app.decimals = 2
    preferences.theme = 'light'
    preferences.save()
    const settings = await transport.invoke('getSettings', undefined)
    expect(settings.ok && settings.value).toMatchObject({ language: 'system', theme: 'light', decimals: 2 })
    app.language = 'en'
    preferences.save()
    const after = await transport.invoke('getSettings', undefined)
    expect(after.ok && after.value.language).toBe('en')
    const writes = transport.calls.filter((call) => call === 'setSettings').length
    preferences.save()
    expect(transport.calls.filter((call) => call === 'setSettings')).toHaveLength(writes)
  })

  it('zooms in steps between 50% and 200%', () => {
    const { preferences } = setup()
    preferences.zoomBy(1)
    expect(preferences.zoom).toBe(1.1)
    for (let k = 0; k < 20; k++) preferences.zoomBy(1)
    expect(preferences.zoom).toBe(2)
    for (let k = 0; k < 20; k++) preferences.zoomBy(-1)
    expect(preferences.zoom).toBe(0.5)
    preferences.zoomReset()
    preferences.applyZoom()
    expect(document.body.style.zoom).toBe('')
  })
})

const press = (key: string, modifiers: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}, target: EventTarget | null = document.body) => ({
  key,
  ctrlKey: !!modifiers.ctrl,
  metaKey: !!modifiers.meta,
  shiftKey: !!modifiers.shift,
  altKey: false,
  target,
})

describe('keyboard shortcuts', () => {
  it('use Cmd on macOS and Ctrl elsewhere, with each platform’s Redo', () => {
    const mac = { mac: true, host: 'browser' as const }
    const pc = { mac: false, host: 'browser' as const }
    expect(commandFor(press('z', { meta: true }), mac)).toBe('undo')
    expect(commandFor(press('z', { ctrl: true }), mac)).toBeNull()
    expect(commandFor(press('Z', { meta: true, shift: true }), mac)).toBe('redo')
    expect(commandFor(press('y', { meta: true }), mac)).toBeNull()
    expect(commandFor(press('z', { ctrl: true }), pc)).toBe('undo')
    expect(commandFor(press('y', { ctrl: true }), pc)).toBe('redo')
    expect(commandFor(press('S', { ctrl: true, shift: true }), pc)).toBe('save-as')
    expect(commandFor(press('s', { ctrl: true }), pc)).toBe('save')
    expect(commandFor(press('=', { ctrl: true }), pc)).toBe('zoom-in')
    expect(commandFor(press('+', { ctrl: true, shift: true }), pc)).toBe('zoom-in')
    expect(describeCombo({ key: 'z', mod: true, shift: true }, true)).toBe('⇧⌘Z')
    expect(describeCombo({ key: 'z', mod: true, shift: true }, false)).toBe('Ctrl+Shift+Z')
    expect(shortcutsFor(false).find((s) => s.command === 'redo')?.keys).toEqual(['Ctrl+Shift+Z', 'Ctrl+Y'])
    expect(shortcutsFor(true).find((s) => s.command === 'redo')?.keys).toEqual(['⇧⌘Z'])
  })

  it("leave the menu's keys to Electron's menu, and plain keys to fields being typed in", () => {
    const electron = { mac: false, host: 'electron' as const }
    expect(commandFor(press('z', { ctrl: true }), electron)).toBeNull()
    expect(commandFor(press('b'), electron)).toBe('tool-brush')
    const field = document.createElement('input')
    expect(commandFor(press('b', {}, field), electron)).toBeNull()
    expect(commandFor(press('?', { shift: true }, field), electron)).toBeNull()
    expect(commandFor(press('?', { shift: true }), electron)).toBe('shortcuts')
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' })
    expect(commandFor(press('e', {}, checkbox), electron)).toBe('tool-eraser')
  })

  it('detect macOS from the browser’s platform', () => {
    expect(isMacPlatform({ platform: 'MacIntel' })).toBe(true)
    expect(isMacPlatform({ userAgentData: { platform: 'macOS' } })).toBe(true)
    expect(isMacPlatform({ platform: 'Win32' })).toBe(false)
    expect(isMacPlatform({ platform: 'Linux x86_64' })).toBe(false)
  })
})
