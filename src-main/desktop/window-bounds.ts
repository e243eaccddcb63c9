// The window's remembered size and position, restored only where a screen still shows it (a
// monitor may have been unplugged since). No Electron import.

import type { WindowBounds } from '../../contract'

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_SIZE = { width: 1280, height: 820 }
export const MIN_SIZE = { width: 720, height: 480 }
/** How much of the title bar must be on a screen for the window to be reachable. */
const VISIBLE = 80

/** Bounds to open the window with: the saved ones if a screen shows them, else the default size, centred. */
export function restoreBounds(saved: WindowBounds | null, workAreas: readonly Rectangle[]): { bounds: Partial<Rectangle>; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false }
  const width = Math.max(saved.width, MIN_SIZE.width)
  const height = Math.max(saved.height, MIN_SIZE.height)
  const onScreen = workAreas.some(
    (area) => saved.x + width - VISIBLE >= area.x && saved.x + VISIBLE <= area.x + area.width && saved.y >= area.y && saved.y + VISIBLE <= area.y + area.height,
  )
  if (!onScreen) return { bounds: { width, height }, maximized: saved.maximized }
  return { bounds: { x: saved.x, y: saved.y, width, height }, maximized: saved.maximized }
}

/** What to remember: the normal (not maximized) bounds, rounded, and whether it was maximized. */
export function boundsToSave(normal: Rectangle, maximized: boolean): WindowBounds {
  return {
    x: Math.round(normal.x),
    y: Math.round(normal.y),
    width: Math.round(normal.width),
    height: Math.round(normal.height),
    maximized,
  }
}
