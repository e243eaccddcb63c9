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
  return fill(choosePlurals(language, template, params), params)
}

function fill(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

const pluralRules = new Map<Language, Intl.PluralRules>()

/** The CLDR plural category of a count in a language ('one', 'other', …). */
export function pluralCategory(language: Language, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(language)
  if (!rules) pluralRules.set(language, (rules = new Intl.PluralRules(language)))
  return rules.select(count)
}

/**
 * ICU's plural form in a message, `{count, plural, one {# frame} other {# frames}}`: the branch
 * Intl.PluralRules picks for the count (an exact `=0 {…}` first), with # standing for the count.
 */
function choosePlurals(language: Language, template: string, params: Params): string {
  const start = /\{(\w+), plural,/g
  let out = ''
  let from = 0
  for (let match = start.exec(template); match; match = start.exec(template)) {
    const branches = new Map<string, string>()
    let at = match.index + match[0].length
    for (;;) {
      const head = /^\s*(=?\w+)\s*\{/.exec(template.slice(at))
      if (!head) break
      let depth = 1
      let end = at + head[0].length
      for (; end < template.length && depth > 0; end++) depth += template[end] === '{' ? 1 : template[end] === '}' ? -1 : 0
      branches.set(head[1], template.slice(at + head[0].length, end - 1))
      at = end
    }
    const close = template.indexOf('}', at)
    const value = params[match[1]]
    const count = Number(value)
    const branch = branches.get(`=${count}`) ?? branches.get(pluralCategory(language, count)) ?? branches.get('other') ?? ''
    out += template.slice(from, match.index) + branch.replace(/#/g, String(value))
    from = close + 1
    start.lastIndex = from
  }
  return out + template.slice(from)
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
  const text = magnitude !== 0 && (magnitude >= 1e6 || magnitude < 10 ** -digits) ? value.toExponential(2) : String(Number(value.toFixed(digits)))
  return text.replace('-', '−')
}
