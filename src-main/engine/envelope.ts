// Errors as results in the engine: contract's one envelope builder, plus a log line for
// anything unexpected (an 'internal' envelope is a bug of ours, never a crash of the process).

import { ConvolabError } from '../../core'
import { errorEnvelope, type ErrorEnvelope } from '../../contract'

export type Logger = (message: string, error?: unknown) => void

export const consoleLogger: Logger = (message, error) => console.error(`convolab: ${message}`, error ?? '')

export function toEnvelope(error: unknown, log: Logger = consoleLogger): ErrorEnvelope {
  if (!(error instanceof ConvolabError)) log('unexpected error in the engine', error)
  return errorEnvelope(error)
}
