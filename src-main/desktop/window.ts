// The one window: sandboxed renderer, context isolation, no Node, our preload only.

import { BrowserWindow } from 'electron'
import { builtPaths } from '../built-paths'
import { secureWebPreferences } from './web-preferences'
import { pathToFileURL } from 'node:url'

/** URL of the renderer page: the dev server while developing, the built file otherwise. */
export function appUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(builtPaths.rendererPage()).href
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Convolab',
    webPreferences: secureWebPreferences(builtPaths.preload()),
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(appUrl())
  return window
}
