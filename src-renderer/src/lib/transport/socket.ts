// The transport in a browser: the local server's WebSocket, binary frames of the shared wire
// codec (typed arrays travel as raw bytes, large messages in parts). The token comes from the
// page URL or the cookie.
//
// A dropped connection is reopened by itself (backoff 0.25 s doubling to 5 s) and the document
// stays as it is: calls that only read or compute are sent again on the new connection; the
// inputs the engine stored by id (setInput, decodeImage) are stored again on the new engine
// the first time a call names them (the page keeps using its old ids, mapped here); the last
// compute is run again before a call that reads its results (probe, regionValues). Calls that
// change files (saves, autosaves, their pieces) fail with 'connection-lost' and are retried by
// their owners.

import type { EngineEvent, ErrorEnvelope, MethodName, Result, TensorPayload, Transport } from '../../../../contract'
import { errorOf } from '../../../../contract'
import type { WireMessage } from '../../../../contract/wire'
import { encodeFrames, FrameAssembler } from '../../../../contract/wire-parts'
import { connection } from './connection.svelte'

export const SOCKET_PATH = '/engine'

/** Safe to send again after a drop: they read, compute or store by id, and change no file. */
const RESENDABLE = new Set<string>([
  'setInput',
  'decodeImage',
  'readTensorFile',
  'compute',
  'probe',
  'regionValues',
  'checkGradients',
  'gradcheck',
  'learnStep',
  'cancel',
  'about',
  'getSettings',
  'setSettings',
  'recentFiles',
  'recovery',
  'openSession',
  'setDocumentState',
])
/** Calls that read the results of the engine's last compute. */
const READS_LAST_COMPUTE = new Set<string>(['probe', 'regionValues'])
/** How many stored inputs are kept for storing again after a drop (the most recently named). */
const KEPT_INPUTS = 4

function lost(): ErrorEnvelope {
  return errorOf('connection-lost')
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token')
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}${SOCKET_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`
}

interface Call {
  method: string
  request: unknown
  resolve: (result: Result<unknown>) => void
  /** The connection it was sent on; 0 while waiting for one. */
  sentOn: number
  /** The transport's own call (an input stored again): its id is not remembered as the page's. */
  internal?: boolean
}

interface StoredInput {
  tensor: TensorPayload
  /** Its id on connection `on`; `storing` while it is being stored there. */
  id: string
  on: number
  storing?: Promise<string | null>
}

export interface SocketOptions {
  /** Backoff of reconnection attempts, ms: first delay and longest. */
  retryMs?: [number, number]
}

/** Connects (rejects when the first connection cannot be made), then keeps the connection up. */
export async function socketTransport(url: string = socketUrl(window.location), options: SocketOptions = {}): Promise<Transport> {
  const [firstDelay, longestDelay] = options.retryMs ?? [250, 5000]
  const listeners = new Set<(event: EngineEvent) => void>()
  const calls = new Map<number, Call>()
  const inputs = new Map<string, StoredInput>()
  let nextId = 1
  let sentMessages = 0
  let socket: WebSocket | null = null
  /** Counts connections: ids and the last compute belong to one of them. */
  let generation = 0
  let lastCompute: { request: unknown; on: number } | null = null

  const transmit = (call: Call, id: number, request: unknown): void => {
    call.sentOn = generation
    for (const frame of encodeFrames({ kind: 'invoke', id, method: call.method, request } satisfies WireMessage, sentMessages++)) socket!.send(frame)
  }

  /** A call of the transport's own (storing inputs again, the last compute again). */
  const internal = (method: string, request: unknown): Promise<Result<unknown>> =>
    new Promise((resolve) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return resolve(lost())
      const id = nextId++
      const call: Call = { method, request, resolve, sentOn: 0, internal: true }
      calls.set(id, call)
      transmit(call, id, request)
    })

  /** The id an input has on the current connection, storing it again there if needed. */
  const liveInputId = async (original: string): Promise<string> => {
    const stored = inputs.get(original)
    if (!stored) return original
    inputs.delete(original)
    inputs.set(original, stored) // most recently named last
    if (stored.on === generation) return (await stored.storing) ?? stored.id
    const on = generation
    stored.on = on
    stored.storing = internal('setInput', stored.tensor).then((result) => {
      stored.storing = undefined
      if (!result.ok) return null
      stored.id = (result.value as { inputId: string }).inputId
      return stored.id
    })
    return (await stored.storing) ?? original
  }

  const remember = (original: string, tensor: TensorPayload): void => {
    inputs.set(original, { tensor, id: original, on: generation })
    while (inputs.size > KEPT_INPUTS) inputs.delete(inputs.keys().next().value!)
  }

  /** The request with the old connection's input ids replaced by the current ones. */
  const mapped = async (method: string, request: unknown): Promise<unknown> => {
    if (request === null || typeof request !== 'object' || ArrayBuffer.isView(request)) return request
    const record = request as Record<string, unknown>
    let out = record
    for (const key of ['inputId', 'targetId']) {
      const original = record[key]
      if (typeof original !== 'string') continue
      const live = await liveInputId(original)
      if (live !== original) out = { ...out, [key]: live }
    }
    if (READS_LAST_COMPUTE.has(method) && lastCompute && lastCompute.on !== generation) {
      const again = lastCompute
      again.on = generation
      await internal('compute', await mapped('compute', again.request))
    }
    return out
  }

  const send = async (id: number, call: Call): Promise<void> => {
    const request = await mapped(call.method, call.request)
    if (!calls.has(id)) return
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      call.sentOn = 0 // sent again when the connection is back
      return
    }
    if (call.method === 'compute') lastCompute = { request: call.request, on: generation }
    transmit(call, id, request)
  }

  const settle = (id: number, result: Result<unknown>): void => {
    const call = calls.get(id)
    if (!call) return
    calls.delete(id)
    if (call.internal) {
      // Stored again or computed again for the page: nothing to remember.
    } else if (result.ok && call.method === 'setInput') {
      remember((result.value as { inputId: string }).inputId, call.request as TensorPayload)
    } else if (result.ok && call.method === 'decodeImage') {
      const value = result.value as { inputId: string; tensor: TensorPayload }
      remember(value.inputId, value.tensor)
    }
    call.resolve(result)
  }

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.binaryType = 'arraybuffer'
      const assembler = new FrameAssembler()
      let opened = false
      ws.onopen = () => {
        opened = true
        resolve(ws)
      }
      ws.onerror = () => {
        if (!opened) reject(new Error('cannot connect to the Convolab server'))
      }
      ws.onclose = (event) => {
        // Closed before it opened (refused, or the server went away mid-handshake): an attempt that failed.
        if (!opened) return reject(new Error('cannot connect to the Convolab server'))
        if (socket === ws) dropped(event.code)
      }
      ws.onmessage = (message) => {
        let data: WireMessage | undefined
        try {
          data = assembler.push(new Uint8Array(message.data as ArrayBuffer)) as WireMessage | undefined
        } catch {
          return
        }
        if (data?.kind === 'result') settle(data.id, data.result as Result<unknown>)
        else if (data?.kind === 'event') for (const listener of listeners) listener(data.event as EngineEvent)
      }
    })

  const attach = (ws: WebSocket): void => {
    socket = ws
    generation++
    connection.state = 'connected'
    connection.attempts = 0
    for (const [id, call] of calls) if (call.sentOn === 0) void send(id, call)
  }

  const dropped = (code: number): void => {
    socket = null
    connection.state = 'reconnecting'
    connection.closeCode = code
    connection.attempts = 0
    for (const [id, call] of calls) {
      if (RESENDABLE.has(call.method) && !call.internal) call.sentOn = 0
      else {
        calls.delete(id)
        call.resolve(lost())
      }
    }
    retry(firstDelay)
  }

  const retry = (delay: number): void => {
    setTimeout(() => {
      connection.attempts++
      connect().then(attach, () => retry(Math.min(longestDelay, delay * 2)))
    }, delay)
  }

  attach(await connect())

  return {
    host: 'browser',
    invoke: (method: MethodName, request: unknown) =>
      new Promise((resolve) => {
        const open = socket !== null && socket.readyState === WebSocket.OPEN
        // While reconnecting, calls that change files fail at once (their owners try again later).
        if (!open && !RESENDABLE.has(method)) return resolve(lost() as never)
        const id = nextId++
        const call: Call = { method, request, resolve: resolve as (result: Result<unknown>) => void, sentOn: 0 }
        calls.set(id, call)
        if (open) void send(id, call)
      }),
    onEvent: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as Transport
}
