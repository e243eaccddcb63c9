import { describe, expect, it } from 'vitest'
import { en } from '../../src-renderer/src/lib/i18n/en'
import { es } from '../../src-renderer/src/lib/i18n/es'
import { formatNumber, languageFrom, translate } from '../../src-renderer/src/lib/i18n'

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

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
})
