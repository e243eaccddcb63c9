// What a user reads for an error a call throws, in a language: core throws a code and values,
// messages/ words them (as the UI and the CLI do).

import type { Language } from '../../core/errors'
import { ConvolabError } from '../../core/errors'
import { messageOf } from '../../messages'

/** The worded error `run` throws; fails the test when it throws nothing. */
export function refusalOf(run: () => unknown, language: Language = 'en'): string {
  try {
    run()
  } catch (error) {
    return messageOf(error, language)
  }
  throw new Error('expected a refusal, but nothing was thrown')
}

/** The ConvolabError `run` throws; fails the test when it throws nothing or something else. */
export function convolabErrorOf(run: () => unknown): ConvolabError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error
    throw error
  }
  throw new Error('expected a ConvolabError, but nothing was thrown')
}
