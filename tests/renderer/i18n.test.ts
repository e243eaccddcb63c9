import { describe, expect, it } from 'vitest'
import { en } from '../../src-renderer/src/lib/i18n/en'
import { es } from '../../src-renderer/src/lib/i18n/es'
import { formatNumber, languageFrom, translate } from '../../src-renderer/src/lib/i18n'

// Values filled in, plain ({name}) or choosing a plural form ({name, plural, …}).
// A brace after a plural category (one {…}, other {…}) is a branch's text, not a value.
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/(?<!(?:zero|one|two|few|many|other|=\d+)\s)\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]))].sort()

describe('interface text', () => {
  it('has every English key in Spanish and every Spanish key in English', () => {
    const english = Object.keys(en).sort()
    const spanish = Object.keys(es).sort()
    expect(english.filter((key) => !spanish.includes(key))).toEqual([])
    expect(spanish.filter((key) => !english.includes(key))).toEqual([])
  })

  it('fills the same values in both languages and leaves no text empty', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(es[key].trim(), key).not.toBe('')
      expect(placeholders(es[key]), key).toEqual(placeholders(en[key]))
    }
  })

  it("uses the seed's Spanish words", () => {
    expect(es['settings.stride']).toMatch(/paso/i)
    expect(es['settings.padding']).toMatch(/relleno/i)
    expect(es['settings.dilation']).toMatch(/dilatación/i)
    expect(es['settings.groups']).toMatch(/grupos/i)
    expect(es['output.title']).toMatch(/mapas de características/i)
  })

  it('substitutes values and follows the system language', () => {
    expect(translate('es', 'settings.outputShape', { shape: '(1, 1, 5, 5)' })).toBe('Forma de la salida y: (1, 1, 5, 5)')
    expect(languageFrom(['es-AR', 'en-US'])).toBe('es')
    expect(languageFrom(['fr-FR', 'en-GB'])).toBe('en')
    expect(languageFrom(['de'])).toBe('en')
    expect(formatNumber(-0.5)).toBe('−0.5')
    expect(formatNumber(1 / 3, 4)).toBe('0.3333')
    expect(formatNumber(Number.NaN)).toBe('NaN')
  })

  it('says counts in the plural form of each language (Intl.PluralRules)', () => {
    expect(translate('en', 'export.count', { count: 1 })).toBe('1 frame')
    expect(translate('en', 'export.count', { count: 2 })).toBe('2 frames')
    expect(translate('en', 'export.count', { count: 0 })).toBe('0 frames')
    expect(translate('es', 'export.count', { count: 1 })).toBe('1 fotograma')
    expect(translate('es', 'export.count', { count: 51 })).toBe('51 fotogramas')
    expect(translate('es', 'output.nonFinite', { count: 1 })).toBe('1 valor es NaN o infinito (magenta)')
    expect(translate('en', 'output.nonFinite', { count: 3 })).toBe('3 values are NaN or infinite (magenta)')
    expect(translate('en', 'check.failure', { failures: 1, checked: 1, tolerance: '1e-5' })).toBe('FAILED: 1 of 1 partial derivative is off by more than 1e-5')
    expect(translate('es', 'check.failure', { failures: 2, checked: 9, tolerance: '1e-5' })).toBe('FALLO: 2 de 9 derivadas parciales se desvían más de 1e-5')
    expect(translate('en', 'check.success', { checked: 28500 })).toBe('SUCCESS 28500 partial derivatives checked')
    expect(translate('es', 'check.success', { checked: 1 })).toBe('SUCCESS 1 derivada parcial comprobada')
    expect(translate('en', 'export.done', { name: 'a.gif', count: 1, seconds: '0.1' })).toBe('Saved a.gif: 1 frame in 0.1 s')
  })

  it('leaves no brace unfilled in any plural message, for any count', () => {
    for (const [language, catalogue] of [
      ['en', en],
      ['es', es],
    ] as const) {
      for (const key of Object.keys(catalogue) as (keyof typeof en)[]) {
        if (!catalogue[key].includes(', plural,')) continue
        const values = Object.fromEntries(placeholders(catalogue[key]).map((name) => [name, 1]))
        for (const count of [0, 1, 2, 21, 1000000]) {
          const params = Object.fromEntries(Object.keys(values).map((name) => [name, count]))
          expect(translate(language, key, params), `${language} ${key} ${count}`).not.toMatch(/[{}#]/)
        }
      }
    }
  })
})
