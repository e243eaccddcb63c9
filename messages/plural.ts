// The form of a word for a count in a language (Intl.PluralRules), for the error templates.

import type { Language } from '../core/errors'

const pluralRules = { en: new Intl.PluralRules('en'), es: new Intl.PluralRules('es') }

/** 'value' for 1, 'values' otherwise (in each language's own rule). */
export function plural(language: Language, n: string | number, one: string, other: string): string {
  return pluralRules[language].select(Number(n)) === 'one' ? one : other
}

/** A count and its word in the right form: "1 value", "2 values", "1 valor". */
export function count(language: Language, n: string | number, one: string, other: string): string {
  return `${n} ${plural(language, n, one, other)}`
}
