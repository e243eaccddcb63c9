// An in-page engine for tests and for developing the renderer without src-main: it runs core
// directly on the page's thread. Never imported by the production entry (main.ts).

import type { ComputeResult, EngineEvent, MapStack, Result, Settings, Transport } from '../../../../contract'
import { errorEnvelope } from '../../../../contract'
import { ConvolabError } from '../../../../core/errors'
import { conv2d } from '../../../../core/conv2d'
import type { Tensor } from '../../../../core/tensor'
import { decodeSessionFile } from '../../../../core/session-file'
import { concatBytes } from '../../../../core/bytes'

function toMapStack(tensor: Tensor): MapStack {
  const [n, c, h, w] = tensor.shape as [number, number, number, number]
  const planes = n * c
  const min = new Float64Array(planes).fill(Infinity)
  const max = new Float64Array(planes).fill(-Infinity)
  const nonFinite = new Uint32Array(planes)
  for (let p = 0; p < planes; p++) {
    for (let k = p * h * w; k < (p + 1) * h * w; k++) {
      const v = tensor.data[k]
      if (!Number.isFinite(v)) nonFinite[p]++
      else {
        if (v < min[p]) min[p] = v
        if (v > max[p]) max[p] = v
      }
    }
  }
  return { shape: [n, c, h, w], displayH: h, displayW: w, data: Float32Array.from(tensor.data), min, max, nonFinite }
}

export interface FakeTransport extends Transport {
  emit(event: EngineEvent): void
  /** Every method called, in order. */
  calls: string[]
}

/** Answers the compute methods instead of the in-page ones (tests pass the real engine here). */
export type EngineDelegate = (method: string, request: unknown) => Promise<Result<unknown>> | null

export function fakeTransport(engine?: EngineDelegate): FakeTransport {
  const inputs = new Map<string, Tensor>()
  const listeners = new Set<(event: EngineEvent) => void>()
  const calls: string[] = []
  let nextInput = 1
  // The data folder's methods, kept in memory: settings, the last autosave, no recovery.
  let settings: Settings = { language: 'system', theme: 'system', colourMap: 'auto', decimals: 4, animationSpeed: 1, lastFolders: {}, window: null }
  let autosaved: string | null = null
  // Session uploads (sessionChunk), joined when saved or autosaved.
  const uploads = new Map<string, Uint8Array[]>()
  const sessionFile = (request: { upload?: string; text?: string }): Uint8Array => {
    if (request.text !== undefined) return new TextEncoder().encode(request.text)
    const pieces = uploads.get(request.upload!)
    uploads.delete(request.upload!)
    if (!pieces) throw new ConvolabError('bad-request', { detail: `no session upload ${request.upload}` })
    return concatBytes(pieces)
  }
  const digest = (bytes: Uint8Array): string => `${bytes.length}:${bytes.reduce((h, b) => (h * 31 + b) >>> 0, 7)}`

  const handlers: Record<string, (request: never) => unknown> = {
    setInput(request: Tensor) {
      const inputId = `input-${nextInput++}`
      inputs.set(inputId, { shape: [...request.shape], data: Float64Array.from(request.data) })
      return { inputId }
    },
    compute(
      request: Parameters<Transport['invoke']>[1] & { requestId: number; inputId: string; weight: Tensor; bias: Tensor | null; options: object },
    ): ComputeResult {
      const input = inputs.get(request.inputId)
      if (!input) throw new ConvolabError('unknown-input')
      const started = performance.now()
      const { output, geometry } = conv2d(input, request.weight, request.bias, request.options)
      return {
        requestId: request.requestId,
        geometry,
        output: toMapStack(output),
        kernel: 'in-page scalar',
        timings: { computeMs: performance.now() - started },
      }
    },
    readTensorFile(request: { bytes: Uint8Array; name: string }) {
      if (!request.name.endsWith('.json')) throw new ConvolabError('file-type', { name: request.name, expected: '.json' })
      const parsed = JSON.parse(new TextDecoder().decode(request.bytes)) as { shape: number[]; data: number[] }
      return { shape: parsed.shape, data: Float64Array.from(parsed.data) }
    },
    getSettings: () => settings,
    setSettings(patch: Partial<Settings>) {
      settings = { ...settings, ...patch, lastFolders: { ...settings.lastFolders, ...patch.lastFolders } }
      return settings
    },
    recovery: () => null,
    discardRecovery: () => undefined,
    recentFiles: () => [],
    sessionChunk(request: { upload: string; index: number; bytes: Uint8Array }) {
      if (request.index === 0) uploads.set(request.upload, [])
      const pieces = uploads.get(request.upload)
      if (!pieces || pieces.length !== request.index) throw new ConvolabError('bad-request', { detail: 'sessionChunk: out of order' })
      pieces.push(request.bytes.slice())
      return { received: pieces.reduce((n, p) => n + p.length, 0) }
    },
    autosave(request: { upload?: string; text?: string }) {
      const file = sessionFile(request)
      decodeSessionFile(file)
      const written = digest(file) !== autosaved
      autosaved = digest(file)
      return { written, savedAt: Date.now() }
    },
    saveSession(request: { upload?: string; text?: string; suggestedName?: string }) {
      decodeSessionFile(sessionFile(request))
      const name = request.suggestedName?.endsWith('.convolab') ? request.suggestedName : `${request.suggestedName ?? 'untitled'}.convolab`
      return request.text !== undefined ? { kind: 'download', name, text: request.text } : { kind: 'download', name }
    },
    openSession(request: { bytes: Uint8Array; name: string }) {
      return { session: decodeSessionFile(request.bytes), name: request.name }
    },
    setDocumentState: (state: { name: string; dirty: boolean }) => ({ title: `${state.dirty ? '● ' : ''}${state.name} — Convolab` }),
    about: () => ({ version: 'dev', host: 'browser', kernel: 'in-page scalar', versions: {} }),
    decodeImage(request: { name: string }) {
      throw new ConvolabError('image-decode', { name: request.name, detail: 'the in-page engine decodes no images' })
    },
  }

  return {
    host: 'browser',
    calls,
    async invoke(method, request) {
      calls.push(method)
      const delegated = engine?.(method, request)
      if (delegated) return (await delegated) as never
      const handler = handlers[method]
      try {
        if (!handler) throw new ConvolabError('bad-request', { detail: `${method} is not in the in-page engine` })
        return { ok: true, value: handler(request as never) } as Result<never>
      } catch (error) {
        return errorEnvelope(error) as never
      }
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(event) {
      for (const listener of listeners) listener(event)
    },
  }
}
