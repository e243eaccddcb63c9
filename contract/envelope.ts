// Results as they cross the contract: a value, or an error envelope with a code and values so the
// renderer can say it in its language (messages/ words them; the contract carries no language).
// The one builder of envelopes for every side.

import { ConvolabError, type ErrorCode } from '../core/errors'

/** An error, with the code and values so the renderer can say it in its language. */
export interface ErrorEnvelope {
  ok: false
  code: string
  params: Record<string, string | number>
  /**
   * The code and values as plain text, in no language (core's plainMessage): for logs and tests,
   * and for a code this build's messages/ does not know. What the user reads comes from
   * formatMessage(code, params, language) in messages/.
   */
  message: string
}

export type Result<T> = { ok: true; value: T } | ErrorEnvelope

export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

/**
 * The envelope of anything thrown: a ConvolabError (something the user caused, or 'cancelled')
 * keeps its code; anything else is a bug of ours and becomes 'internal' with its first line.
 */
export function errorEnvelope(error: unknown): ErrorEnvelope {
  const known = error instanceof ConvolabError ? error : new ConvolabError('internal', { detail: firstLine(error) })
  return { ok: false, code: known.code, params: known.params, message: known.message }
}

/** The envelope of a code and its values, e.g. errorOf('cancelled', { requestId }). */
export function errorOf(code: ErrorCode, params: Record<string, string | number> = {}): ErrorEnvelope {
  return errorEnvelope(new ConvolabError(code, params))
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0].slice(0, 200)
}
