// The one window: sandboxed renderer, context isolation, no Node, our preload only; opened at the
// remembered size and position when a screen still shows it.

import { BrowserWindow, screen } from 'electron'
import type { WindowBounds } from '../../contract'
import { builtPaths } from '../built-paths'
import { APP_PAGE_URL } from './app-protocol'
import { secureWebPreferences } from './web-preferences'
import { APP_NAME } from './title'
import { MIN_SIZE, restoreBounds } from './window-bounds'

/** URL of the renderer page: the dev server while developing, the built page on app:// otherwise. */
export function appUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? APP_PAGE_URL
}

export function createMainWindow(saved: WindowBounds | null = null): BrowserWindow {
  const { bounds, maximized } = restoreBounds(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  )
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: APP_NAME,
    webPreferences: secureWebPreferences(builtPaths.preload()),
  })
  // The title is main's (document name, unsaved mark), not the page's <title>.
  window.on('page-title-updated', (event) => event.preventDefault())
  window.once('ready-to-show', () => {
    if (maximized) window.maximize()
    window.show()
  })
  void window.loadURL(appUrl())
  return window
}
