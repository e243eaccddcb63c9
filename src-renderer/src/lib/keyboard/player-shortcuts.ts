/// <reference types="vite/client" />
// The animation player's shortcuts for the help panel, read from the player's own list
// (lib/animation/shortcuts.ts) when this build has one; an empty list otherwise.

import type { MessageKey } from '../i18n'

export interface ListedShortcut {
  label: string
  description: MessageKey
}

const modules = import.meta.glob<{ PLAYER_SHORTCUTS?: readonly ListedShortcut[] }>('../animation/shortcuts.ts', { eager: true })

export const PLAYER_SHORTCUT_LIST: readonly ListedShortcut[] = Object.values(modules).flatMap((module) => module.PLAYER_SHORTCUTS ?? [])
