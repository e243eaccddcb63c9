// Looking up interface text in the current language, and choosing the first language.

import type { Language } from '../../../../core/errors'
import type { MessageKey, Messages } from './en'
import { en } from './en'
import { es } from './es'

export type { Language, MessageKey }
export const LANGUAGES: readonly Language[] = ['en', 'es']
export const CATALOGUES: Record<Language, Messages> = { en, es }

export type Params = Record<string, string | number>

export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  const template = CATALOGUES[language][key] ?? en[key] ?? key
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** Spanish for any Spanish locale (es, es-AR, …), English otherwise. */
export function languageFrom(locales: readonly string[] | undefined): Language {
  for (const locale of locales ?? []) {
    const base = locale.toLowerCase().split('-')[0]
    if (base === 'es' || base === 'en') return base
  }
  return 'en'
}

/** Numbers as a student reads them: up to `digits` decimals, no trailing zeros, a real minus sign. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  const magnitude = Math.abs(value)
  const text =
    magnitude !== 0 && (magnitude >= 1e6 || magnitude < 10 ** -digits)
      ? value.toExponential(2)
      : String(Number(value.toFixed(digits)))
  return text.replace('-', '−')
}
