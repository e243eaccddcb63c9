// The app's keyboard shortcuts as data, following each platform's conventions (Cmd on macOS,
// Ctrl elsewhere; Redo is Shift+Cmd+Z on macOS, Ctrl+Y elsewhere), the key press → command
// match, and how each shortcut is written in the help panel.

import type { MessageKey } from '../i18n'
import { latinKey, type LayoutKeyPress } from './latin-key'

export type AppCommand =
  | 'undo'
  | 'redo'
  | 'save'
  | 'save-as'
  | 'open-session'
  | 'open-image'
  | 'open-kernel'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-reset'
  | 'shortcuts'
  | 'present'
  | 'tool-brush'
  | 'tool-eraser'
  | 'tool-fill'
  | 'tool-pointer'

export interface KeyCombo {
  /** KeyboardEvent.key, compared without case for letters (on non-Latin layouts: the key's Latin letter). */
  key: string
  /** Cmd on macOS, Ctrl elsewhere. */
  mod?: boolean
  shift?: boolean
  /** Only on macOS (true) or only elsewhere (false). */
  mac?: boolean
  /** A plain key: not while typing in a field or choosing in a list. */
  plain?: boolean
}

export interface AppShortcut {
  command: AppCommand
  keys: readonly KeyCombo[]
  description: MessageKey
  /** Electron's menu has this accelerator: there the menu acts, the page does not. */
  inMenu: boolean
}

export const APP_SHORTCUTS: readonly AppShortcut[] = [
  { command: 'undo', keys: [{ key: 'z', mod: true }], description: 'keys.undo', inMenu: true },
  {
    command: 'redo',
    keys: [{ key: 'z', mod: true, shift: true }, { key: 'y', mod: true, mac: false }],
    description: 'keys.redo',
    inMenu: true,
  },
  { command: 'save', keys: [{ key: 's', mod: true }], description: 'keys.save', inMenu: true },
  { command: 'save-as', keys: [{ key: 's', mod: true, shift: true }], description: 'keys.saveAs', inMenu: true },
  { command: 'open-session', keys: [{ key: 'o', mod: true }], description: 'keys.openSession', inMenu: true },
  { command: 'open-image', keys: [{ key: 'i', mod: true }], description: 'keys.openImage', inMenu: true },
  { command: 'open-kernel', keys: [{ key: 'k', mod: true }], description: 'keys.openKernel', inMenu: true },
  { command: 'zoom-in', keys: [{ key: '=', mod: true }, { key: '+', mod: true }], description: 'keys.zoomIn', inMenu: true },
  { command: 'zoom-out', keys: [{ key: '-', mod: true }], description: 'keys.zoomOut', inMenu: true },
  { command: 'zoom-reset', keys: [{ key: '0', mod: true }], description: 'keys.zoomReset', inMenu: true },
  { command: 'shortcuts', keys: [{ key: 'F1' }, { key: '?', plain: true }], description: 'keys.shortcuts', inMenu: false },
  // App.svelte toggles Present mode itself (F5 in the page; View ▸ Present in Electron's menu).
  { command: 'present', keys: [{ key: 'F5' }], description: 'keys.present', inMenu: true },
  { command: 'tool-brush', keys: [{ key: 'b', plain: true }], description: 'keys.toolBrush', inMenu: false },
  { command: 'tool-eraser', keys: [{ key: 'e', plain: true }], description: 'keys.toolEraser', inMenu: false },
  { command: 'tool-fill', keys: [{ key: 'f', plain: true }], description: 'keys.toolFill', inMenu: false },
  { command: 'tool-pointer', keys: [{ key: 'p', plain: true }], description: 'keys.toolPointer', inMenu: false },
]

/** macOS (the Cmd key) from the browser's own report of its platform. */
export function isMacPlatform(nav: { platform?: string; userAgentData?: { platform?: string } } | undefined = globalThis.navigator): boolean {
  const platform = nav?.userAgentData?.platform || nav?.platform || ''
  return /mac|iphone|ipad/i.test(platform)
}

type KeyPress = LayoutKeyPress & Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>

function matches(combo: KeyCombo, event: KeyPress, mac: boolean): boolean {
  if (combo.mac !== undefined && combo.mac !== mac) return false
  const mod = mac ? event.metaKey : event.ctrlKey
  const other = mac ? event.ctrlKey : event.metaKey
  if (Boolean(combo.mod) !== mod || other || event.altKey) return false
  const key = latinKey(event)
  // Shift is part of the key for symbols ('?', '+'), so it is only compared for letters and F-keys.
  if (/^[a-z0-9]$|^F\d+$/.test(key) && Boolean(combo.shift) !== event.shiftKey) return false
  return key === combo.key
}

/** Where a plain key would type or choose instead of being a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false
  const element = target as HTMLElement
  if (element.isContentEditable) return true
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true
  if (element instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(element.type)
  return false
}

export interface MatchContext {
  mac: boolean
  /** In Electron the menu's accelerators act; the page leaves those keys to it. */
  host: 'electron' | 'browser'
}

/** The command of a key press, or null. */
export function commandFor(event: KeyPress & { target: EventTarget | null }, context: MatchContext): AppCommand | null {
  for (const shortcut of APP_SHORTCUTS) {
    if (shortcut.inMenu && context.host === 'electron') continue
    for (const combo of shortcut.keys) {
      if (combo.plain && isTypingTarget(event.target)) continue
      if (matches(combo, event, context.mac)) return shortcut.command
    }
  }
  return null
}

const KEY_NAMES: Record<string, string> = { '=': '=', '+': '+', '-': '−', '?': '?' }

/** A combination as the platform writes it: ⇧⌘Z on macOS, Ctrl+Shift+Z elsewhere. */
export function describeCombo(combo: KeyCombo, mac: boolean): string {
  const key = KEY_NAMES[combo.key] ?? (combo.key.length === 1 ? combo.key.toUpperCase() : combo.key)
  if (mac) return `${combo.shift ? '⇧' : ''}${combo.mod ? '⌘' : ''}${key}`
  return [combo.mod ? 'Ctrl' : '', combo.shift ? 'Shift' : '', key].filter(Boolean).join('+')
}

/** The shortcuts of this platform, each with its key combinations written out. */
export function shortcutsFor(mac: boolean): { command: AppCommand; description: MessageKey; keys: string[] }[] {
  return APP_SHORTCUTS.map((shortcut) => ({
    command: shortcut.command,
    description: shortcut.description,
    keys: shortcut.keys.filter((combo) => combo.mac === undefined || combo.mac === mac).map((combo) => describeCombo(combo, mac)),
  }))
}
