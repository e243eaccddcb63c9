// Errors a user can cause, and notices of what a reader did: a code and the values involved,
// never words. The words, in English and Spanish, live in messages/ (used by the UI and the CLI).

export type Language = 'en' | 'es'

export type Params = Record<string, string | number>

/**
 * Every code a ConvolabError may carry. A new code goes here and gets its English and Spanish
 * template in messages/error-templates.ts (the type checker refuses one without the other).
 * Codes under "causes" are never thrown alone: they say why a stack file or layer was refused,
 * nested in 'stack-file', 'stack-file-layer' or 'stack-layer' (see nestedParams).
 */
export const ERROR_CODES = [
  // geometry and tensors
  'not-positive-int',
  'bad-rank',
  'data-size',
  'groups-divide-in',
  'groups-divide-out',
  'weight-channels',
  'bias-size',
  'same-stride',
  'negative-padding',
  'kernel-too-large',
  'reflect-padding',
  'circular-padding',
  'padding-mode',
  'padding-value',
  'pair-value',
  'too-large',
  'output-padding-too-large',
  'output-size-range',
  'output-size-and-padding',
  'transposed-output-too-small',
  'pool-padding',
  'pool-output-too-small',
  'divisor-zero',
  'avg-pool-dilation',
  'pool-no-weights',
  'layer-value',
  'boolean-value',
  'whole-number',
  'flag-required',
  'no-tie-free-input',
  'tensor-shape',
  'grad-output-shape',
  'input-channels',
  'empty-dimension',
  'non-finite',
  // stacks
  'stack-layer',
  'stack-unit',
  'stack-no-layer',
  'stack-not-computed',
  'stack-memory',
  'stack-file',
  'stack-file-layer',
  // causes of a refused stack file or layer
  'stack-file-json',
  'stack-file-not-object',
  'stack-file-extra-key',
  'stack-file-too-many-layers',
  'stack-file-layer-not-object',
  'stack-file-type-required',
  'stack-file-type-unknown',
  'stack-file-option-unknown',
  'stack-file-option-value',
  'stack-file-weight-rank',
  'stack-file-weight-mismatch',
  // files and formats
  'npy-magic',
  'npy-truncated',
  'npy-header',
  'npy-dtype',
  'npy-version',
  'image-decode',
  'image-too-large',
  'image-pixels',
  'file-too-large',
  'file-missing',
  'file-type',
  'file-write',
  'csv-value',
  'csv-empty',
  'csv-ragged',
  'csv-shape',
  'json-tensor',
  'session-corrupt',
  'session-newer',
  'session-extension',
  'path-not-allowed',
  // exports of a session's animation
  'animation-for-layer',
  'animation-unavailable',
  'unit-animation',
  'region-outside',
  // the command line's own words
  'cli-option',
  'flag-value',
  // notices (NOTICE_CODES)
  'csv-header',
  'image-alpha',
  'image-16bit',
  'image-cmyk',
  'max-pool-tie',
  // the engine and the app
  'bad-request',
  'internal',
  'unknown-input',
  'cancelled',
  'connection-lost',
  'no-data-folder',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Something a reader did that the user should know (not an error): a code and its values. */
export interface Notice {
  code: string
  params: Params
}

/** Codes that are notices of what a reader did, not errors: shown as a note, not as an error. */
const NOTICE_CODES = new Set(['csv-header', 'image-16bit', 'image-alpha', 'image-cmyk', 'max-pool-tie'])

export function isNoticeCode(code: string): boolean {
  return NOTICE_CODES.has(code)
}

/**
 * A code and its values as plain text, in no language ("too-large {"name":"x",...}"): the
 * Error's message, for logs and for a code a reader of the envelope does not know.
 */
export function plainMessage(code: string, params: Params): string {
  return `${code} ${JSON.stringify(params)}`
}

export class ConvolabError extends Error {
  readonly code: ErrorCode
  readonly params: Params

  constructor(code: ErrorCode, params: Params = {}) {
    super(plainMessage(code, params))
    this.name = 'ConvolabError'
    this.code = code
    this.params = params
  }
}

export function isConvolabError(value: unknown): value is ConvolabError {
  return value instanceof ConvolabError
}

/** The prefix of a nested cause's values in its outer error's params. */
export const CAUSE_PREFIX = 'cause.'

/**
 * Params that carry another error as the cause of this one, flat (params hold no objects):
 * { cause: code, 'cause.name': ..., ... }. messages/ says the cause inside the outer message.
 */
export function nestedParams(code: ErrorCode, params: Params = {}): Params {
  const nested: Params = { cause: code }
  for (const [key, value] of Object.entries(params)) nested[CAUSE_PREFIX + key] = value
  return nested
}

/** The cause of an error as params: a ConvolabError nested by its code, anything else as `detail`. */
export function causeParams(cause: unknown): Params {
  if (cause instanceof ConvolabError) return nestedParams(cause.code, cause.params)
  return { detail: String((cause as Error)?.message ?? cause) }
}
