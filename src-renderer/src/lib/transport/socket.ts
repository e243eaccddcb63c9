// The transport in a browser: the local server's WebSocket, binary frames of the shared wire
// codec (typed arrays travel as raw bytes). The token comes from the page URL or the cookie.

import type { EngineEvent, ErrorEnvelope, Result, Transport } from '../../../../contract'
import { errorOf } from '../../../../contract'
import { decodeMessage, encodeMessage, type WireMessage } from '../../../../contract/wire'

export const SOCKET_PATH = '/engine'

function lostEnvelope(detail: string): ErrorEnvelope {
  return errorOf('bad-request', { detail })
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${SOCKET_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

/** Connects once; if the socket drops, pending calls fail and the next call reconnects. */
export async function socketTransport(url: string = socketUrl(window.location)): Promise<Transport> {
  const listeners = new Set<(event: EngineEvent) => void>()
  const pending = new Map<number, (result: Result<unknown>) => void>()
  let nextId = 1
  let socket: Promise<WebSocket> | null = null

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => resolve(ws)
      ws.onerror = () => reject(new Error('cannot connect to the Convolab server'))
      ws.onclose = () => {
        socket = null
        for (const resolvePending of pending.values()) resolvePending(lostEnvelope('the connection to the engine was lost'))
        pending.clear()
      }
      ws.onmessage = (message) => {
        let data: WireMessage
        try {
          data = decodeMessage(new Uint8Array(message.data as ArrayBuffer)) as WireMessage
        } catch {
          return
        }
        if (data.kind === 'result') {
          const resolvePending = pending.get(data.id)
          pending.delete(data.id)
          resolvePending?.(data.result as Result<unknown>)
        } else if (data.kind === 'event') {
          for (const listener of listeners) listener(data.event as EngineEvent)
        }
      }
    })

  const open = (): Promise<WebSocket> => {
    socket ??= connect().catch((error) => {
      socket = null
      throw error
    })
    return socket
  }
  await open()

  return {
    host: 'browser',
    invoke: async (method, request) => {
      let ws: WebSocket
      try {
        ws = await open()
      } catch (error) {
        return lostEnvelope((error as Error).message) as never
      }
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void)
        ws.send(encodeMessage({ kind: 'invoke', id, method, request } satisfies WireMessage))
      })
    },
    onEvent: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
