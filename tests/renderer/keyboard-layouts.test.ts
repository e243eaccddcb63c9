// Shortcuts on any keyboard layout: a letter shortcut works on a Russian, Greek or Hebrew layout
// (the physical key's Latin letter from event.code), while Latin layouts such as AZERTY keep the
// letter they type (Ctrl+Z is where the Z is printed).

import { describe, expect, it } from 'vitest'
import { playerActionFor } from '../../src-renderer/src/lib/animation/shortcuts'
import { latinKey } from '../../src-renderer/src/lib/keyboard/latin-key'
import { commandFor } from '../../src-renderer/src/lib/keyboard/shortcuts'

const pc = { mac: false, host: 'browser' as const }
const mac = { mac: true, host: 'browser' as const }
const press = (key: string, code: string, modifiers: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}) => ({
  key,
  code,
  ctrlKey: !!modifiers.ctrl,
  metaKey: !!modifiers.meta,
  shiftKey: !!modifiers.shift,
  altKey: false,
  target: document.body,
})

describe('shortcuts on non-Latin keyboard layouts', () => {
  it('Russian: Ctrl+я (the Z key) is Undo, Ctrl+ы (S) Save, Ctrl+Shift+Я Redo, и (B) the brush', () => {
    expect(commandFor(press('я', 'KeyZ', { ctrl: true }), pc)).toBe('undo')
    expect(commandFor(press('ы', 'KeyS', { ctrl: true }), pc)).toBe('save')
    expect(commandFor(press('Я', 'KeyZ', { ctrl: true, shift: true }), pc)).toBe('redo')
    expect(commandFor(press('н', 'KeyY', { ctrl: true }), pc)).toBe('redo')
    expect(commandFor(press('и', 'KeyB'), pc)).toBe('tool-brush')
  })

  it('Greek and Hebrew on macOS: ⌘ζ (Z) is Undo, ⌘ד (S) Save', () => {
    expect(commandFor(press('ζ', 'KeyZ', { meta: true }), mac)).toBe('undo')
    expect(commandFor(press('ד', 'KeyS', { meta: true }), mac)).toBe('save')
  })

  it('Latin layouts keep the letter typed: AZERTY Ctrl+Z is on the key at code KeyW', () => {
    expect(commandFor(press('z', 'KeyW', { ctrl: true }), pc)).toBe('undo')
    expect(commandFor(press('w', 'KeyZ', { ctrl: true }), pc)).toBeNull()
    // Symbols and digits are never remapped: '?' is Shift+, on AZERTY.
    expect(latinKey({ key: '?', code: 'KeyM' })).toBe('?')
    expect(latinKey({ key: 'é', code: 'Digit2' })).toBe('é')
  })

  it("the animation player's letter keys too: л (K) toggles, д (L) loops", () => {
    const plain = { ctrlKey: false, altKey: false, metaKey: false }
    expect(playerActionFor({ key: 'л', code: 'KeyK', ...plain })).toBe('toggle')
    expect(playerActionFor({ key: 'д', code: 'KeyL', ...plain })).toBe('loop')
    expect(playerActionFor({ key: ' ', code: 'Space', ...plain })).toBe('toggle')
  })
})
