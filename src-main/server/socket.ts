// One browser tab's connection: frames in, engine requests, results and events out.
// Each connection gets its own engine (and worker), closed with the socket.

import type { WebSocket } from 'ws'
import { decodeMessage, encodeMessage, type WireMessage } from '../../contract/wire'
import { Engine, type EngineOptions } from '../engine/engine'
import { toEnvelope } from '../engine/envelope'

export function serveSocket(socket: WebSocket, engineOptions: EngineOptions): void {
  const engine = new Engine(engineOptions)
  const send = (message: WireMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(encodeMessage(message))
  }
  const unsubscribe = engine.onEvent((event) => send({ kind: 'event', event }))
  socket.on('message', async (data, isBinary) => {
    let message: WireMessage
    try {
      if (!isBinary) throw new Error('text frames are not accepted')
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data
      // Decode from a copy the engine owns: ws may hand over a view into memory it reuses for
      // later frames, and the decoded tensors are views into these bytes.
      message = decodeMessage(new Uint8Array(bytes)) as WireMessage
      if (message?.kind !== 'invoke' || !Number.isSafeInteger(message.id)) throw new Error('expected an invoke message')
    } catch (error) {
      // A frame that cannot be read has no id to answer: the connection is closed.
      engineOptions.log?.('bad frame on the socket', error)
      socket.close(1003, 'bad frame')
      return
    }
    const result = await engine.handle(message.method, message.request).catch((error) => toEnvelope(error))
    send({ kind: 'result', id: message.id, result })
  })
  socket.on('close', () => {
    unsubscribe()
    engine.close()
  })
}
