// The desktop's right-click menu on a value (a map cell): the page says which value, main shows
// the native menu with "Copy Value". In a browser there is no such menu: the browser's own shows.

import type { ConvolabBridge } from '../../../contract'

/** Asks the desktop app for the menu; false when the page runs in a browser (nothing was done). */
export function showValueMenu(value: string, target: Window = window): boolean {
  const bridge = (target as Window & { convolab?: ConvolabBridge }).convolab
  if (!bridge) return false
  bridge.showContextMenu({ value })
  return true
}
