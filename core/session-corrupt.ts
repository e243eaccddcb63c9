// The refusal of a file that is not a valid session ('session-corrupt'), in no language: a reason
// word, the field path it concerns and the values involved. messages/ words each reason in
// English and Spanish (a validator's own English sentence is never passed on).

import type { Params } from './errors'
import { ConvolabError } from './errors'

/** Why a session file was refused. */
export type SessionCorruptReason =
  | 'not-json'
  | 'not-zip-or-text'
  | 'zip-unreadable'
  | 'zip-no-document'
  | 'member-too-large'
  | 'wrong-format'
  | 'bad-version'
  | 'no-migration'
  | 'not-base64'
  | 'member-missing'
  | 'member-shape'
  | 'member-dtype'
  /** A field of the document has a value its schema refuses; `issue` says how. */
  | 'field'

export function sessionCorrupt(reason: SessionCorruptReason, params: Params = {}): ConvolabError {
  return new ConvolabError('session-corrupt', { reason, ...params })
}

/** The parts of a schema validator's issue (zod's) that say what is wrong, without its sentence. */
export interface FieldIssue {
  code: string
  path: ReadonlyArray<PropertyKey>
  expected?: unknown
  values?: readonly unknown[]
  options?: readonly unknown[]
  keys?: readonly string[]
  minimum?: unknown
  maximum?: unknown
  inclusive?: boolean
  origin?: string
  /** A custom rule's own values: `rule` names it. */
  params?: Record<string, unknown>
}

const literal = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value))

/**
 * The values of a refused field: its path ('stack.layers.0.stride'), the issue's code
 * ('invalid_type', 'too_small', 'invalid_value', 'invalid_union', ...) and what it expected.
 */
export function fieldIssue(issue: FieldIssue): ConvolabError {
  const params: Params = { path: issue.path.map(String).join('.'), issue: issue.code }
  if (typeof issue.expected === 'string') params.expected = issue.expected
  const allowed = issue.values ?? issue.options
  if (allowed) params.allowed = allowed.map(literal).join(', ')
  if (issue.keys) params.keys = issue.keys.join(', ')
  if (issue.origin) params.origin = issue.origin
  if (typeof issue.params?.rule === 'string') params.rule = issue.params.rule
  const bound = issue.code === 'too_small' ? issue.minimum : issue.code === 'too_big' ? issue.maximum : undefined
  if (typeof bound === 'number' || typeof bound === 'bigint') {
    params.bound = Number(bound)
    params.inclusive = issue.inclusive === false ? 0 : 1
  }
  return sessionCorrupt('field', params)
}
