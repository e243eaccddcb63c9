// An error's or notice's code and values as a sentence in a language: what the UI shows, what the
// CLI prints, what the logs write in English.

import { CAUSE_PREFIX, plainMessage, type ErrorCode, type Language, type Params } from '../core/errors'
import { ERROR_TEMPLATES } from './error-templates'

/** Whether this build has words for a code (a code from a newer engine may not). */
export function hasMessage(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_TEMPLATES, code)
}

/** The values of a nested cause: the outer params under 'cause.', without the prefix. */
function causeValues(params: Params): Params {
  const inner: Params = {}
  for (const [key, value] of Object.entries(params)) if (key.startsWith(CAUSE_PREFIX)) inner[key.slice(CAUSE_PREFIX.length)] = value
  return inner
}

/** The message of a code and its values; an unknown code gives its plain rendering (no language). */
export function formatMessage(code: string, params: Params, language: Language): string {
  if (!hasMessage(code)) return plainMessage(code, params)
  const cause = typeof params.cause === 'string' ? formatMessage(params.cause, causeValues(params), language) : String(params.detail ?? '')
  return ERROR_TEMPLATES[code][language](params, cause)
}

/**
 * The message of anything thrown or answered: a ConvolabError, an error envelope or a notice
 * (anything with a code and params) in the language; any other Error by its own message.
 */
export function messageOf(error: unknown, language: Language = 'en'): string {
  const coded = error as { code?: unknown; params?: unknown } | null
  if (coded && typeof coded.code === 'string' && typeof coded.params === 'object' && coded.params !== null) {
    return formatMessage(coded.code, coded.params as Params, language)
  }
  return error instanceof Error ? error.message : String(error)
}
