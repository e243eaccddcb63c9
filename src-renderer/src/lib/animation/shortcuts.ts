// The animation player's keyboard shortcuts, as data: the player reads them to act on a key, and
// the help panel can list them (each with its i18n label) without knowing the player.

import type { MessageKey } from '../i18n'
import { latinKey, type LayoutKeyPress } from '../keyboard/latin-key'

export type PlayerAction = 'toggle' | 'back' | 'forward' | 'start' | 'end' | 'slower' | 'faster' | 'loop' | 'granularity'

export interface PlayerShortcut {
  /** Keys as KeyboardEvent.key names them (' ' is the space bar). */
  keys: readonly string[]
  /** How the key is written in the help list. */
  label: string
  action: PlayerAction
  description: MessageKey
}

export const PLAYER_SHORTCUTS: readonly PlayerShortcut[] = [
  { keys: [' ', 'k'], label: 'Space / K', action: 'toggle', description: 'anim.key.toggle' },
  { keys: ['ArrowLeft', ','], label: '← / ,', action: 'back', description: 'anim.key.back' },
  { keys: ['ArrowRight', '.'], label: '→ / .', action: 'forward', description: 'anim.key.forward' },
  { keys: ['Home'], label: 'Home', action: 'start', description: 'anim.key.start' },
  { keys: ['End'], label: 'End', action: 'end', description: 'anim.key.end' },
  { keys: ['['], label: '[', action: 'slower', description: 'anim.key.slower' },
  { keys: [']'], label: ']', action: 'faster', description: 'anim.key.faster' },
  { keys: ['l', 'L'], label: 'L', action: 'loop', description: 'anim.key.loop' },
  { keys: ['g', 'G'], label: 'G', action: 'granularity', description: 'anim.key.granularity' },
]

/** The action of a key press, or null (keys with Ctrl, Alt or Meta belong to the app's menus). */
export function playerActionFor(event: LayoutKeyPress & Pick<KeyboardEvent, 'ctrlKey' | 'altKey' | 'metaKey'>): PlayerAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null
  const key = latinKey(event)
  return PLAYER_SHORTCUTS.find((shortcut) => shortcut.keys.includes(key))?.action ?? null
}
