// One browser tab's connection: frames in, engine requests, results and events out.
// Each connection gets its own engine (and worker), closed with the socket. Nothing a client
// sends can stop the server: a frame that cannot be read closes that connection only, with a
// close code and a reason the page shows, and socket errors are logged, never thrown.

import type { WebSocket } from 'ws'
import { encodeFrames, FrameAssembler, WireError } from '../../contract/wire-parts'
import type { WireMessage } from '../../contract/wire'
import { Engine, type EngineOptions } from '../engine/engine'
import { errorEnvelope } from '../../contract'

/** Close codes the page explains (RFC 6455 numbers; 1002 and 1009 also come from ws itself). */
export const CLOSE = { unsupported: 1003, badData: 1007, policy: 1008, tooBig: 1009, serverError: 1011 } as const

export function serveSocket(socket: WebSocket, engineOptions: EngineOptions): void {
  const log = engineOptions.log ?? ((...args: unknown[]) => console.error(...args))
  const engine = new Engine(engineOptions)
  const assembler = new FrameAssembler()
  let sent = 0
  const close = (code: number, reason: string): void => {
    log(`browser mode: closing a connection (${code}): ${reason}`)
    // The reason travels in the close frame, at most 123 bytes.
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason.slice(0, 120))
  }
  const send = (message: WireMessage): void => {
    if (socket.readyState !== socket.OPEN) return
    try {
      for (const frame of encodeFrames(message, sent++)) socket.send(frame)
    } catch (error) {
      close(CLOSE.serverError, `a reply could not be sent: ${(error as Error).message}`)
    }
  }
  const unsubscribe = engine.onEvent((event) => send({ kind: 'event', event }))

  // ws reports unreadable frames (reserved opcodes, unmasked frames, over the size limit, bad
  // UTF-8) here and closes the connection itself with the matching code: without a listener
  // Node would treat the error as uncaught and the whole server would exit.
  socket.on('error', (error) => log('browser mode: a connection failed', (error as Error).message))

  socket.on('message', (data, isBinary) => {
    let message: WireMessage | undefined
    try {
      if (!isBinary) throw new WireError('text frames are not accepted', CLOSE.unsupported)
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data
      message = assembler.push(bytes) as WireMessage | undefined
      if (message === undefined) return
      if (message?.kind !== 'invoke' || !Number.isSafeInteger(message.id) || typeof message.method !== 'string') {
        throw new WireError('expected an invoke message', CLOSE.badData)
      }
    } catch (error) {
      // A frame that cannot be read has no id to answer: this connection is closed, no other.
      const code = error instanceof WireError ? error.closeCode : CLOSE.badData
      close(code, (error as Error).message)
      return
    }
    const { id, method, request } = message
    engine
      .handle(method, request)
      .catch((error: unknown) => errorEnvelope(error))
      .then((result) => send({ kind: 'result', id, result }))
      .catch((error: unknown) => log('browser mode: a reply failed', error))
  })
  socket.on('close', () => {
    unsubscribe()
    engine.close()
  })
}
