// The transport inside Electron: the preload's window.convolab bridge (IPC underneath).

import type { ConvolabBridge, Transport } from '../../../../contract'

export function electronTransport(bridge: ConvolabBridge): Transport {
  return {
    host: 'electron',
    invoke: (method, request) => bridge.invoke(method, request) as never,
    onEvent: (listener) => bridge.onEvent(listener),
  }
}
