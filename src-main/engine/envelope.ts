// Errors as results: a ConvolabError travels with its code and values; anything unexpected
// is logged and becomes a 'bad-request' envelope, never a crash of the process.

import { ConvolabError } from '../../core'
import type { ErrorEnvelope } from '../../contract'

export type Logger = (message: string, error?: unknown) => void

export const consoleLogger: Logger = (message, error) => console.error(`convolab: ${message}`, error ?? '')

export function toEnvelope(error: unknown, log: Logger = consoleLogger): ErrorEnvelope {
  if (error instanceof ConvolabError) {
    return { ok: false, code: error.code, params: error.params, message: error.message }
  }
  log('unexpected error in the engine', error)
  const detail = error instanceof Error ? error.message.split('\n')[0].slice(0, 200) : String(error).slice(0, 200)
  const envelope = new ConvolabError('bad-request', { detail })
  return { ok: false, code: envelope.code, params: envelope.params, message: envelope.message }
}

export function cancelledEnvelope(params: Record<string, string | number> = {}): ErrorEnvelope {
  const error = new ConvolabError('cancelled', params)
  return { ok: false, code: error.code, params: error.params, message: error.message }
}
