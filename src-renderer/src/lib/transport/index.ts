// The renderer's one way to the engine. It picks the host at start (the Electron preload's
// bridge, or the browser mode's socket); nothing else in the renderer knows which it is.

import type { ConvolabBridge, Transport } from '../../../../contract'
import { electronTransport } from './electron'
import { socketTransport } from './socket'

declare global {
  interface Window {
    convolab?: ConvolabBridge
  }
}

let chosen: Promise<Transport> | null = null

export function getTransport(): Promise<Transport> {
  chosen ??= window.convolab ? Promise.resolve(electronTransport(window.convolab)) : socketTransport()
  chosen.catch(() => {
    chosen = null
  })
  return chosen
}

export type { Transport }
