// Language text lives with the UI and the CLI (messages/, src-renderer's i18n), not in core: core
// errors and notices carry a code and values. This test fails when words come back into core.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const CORE = join(__dirname, '..', '..', 'core')

function sources(folder: string): string[] {
  const found: string[] = []
  for (const name of readdirSync(folder)) {
    const path = join(folder, name)
    if (name === 'generated') continue
    if (statSync(path).isDirectory()) found.push(...sources(path))
    else if (name.endsWith('.ts')) found.push(path)
  }
  return found
}

/** Signs of words in a language: Spanish letters, { en, es } pairs, Spanish parameters, plural rules, branching on 'es'. */
const SIGNS: Array<[string, RegExp]> = [
  ['Spanish letters', /[áéíóúñÁÉÍÓÚÑ¿¡]/],
  ['an en/es pair', /(?:^|[\s{,])(?:en|es)\s*:/],
  ['a Spanish parameter', /\b\w+Es\s*[:,})]/],
  ['plural rules', /Intl\.PluralRules/],
  ["a branch on 'es'", /===\s*'es'|'es'\s*\?/],
  ['a message template', /messageIn|formatMessage/],
]

describe('core has no language text', () => {
  const files = sources(CORE)

  it('reads every core source file', () => {
    expect(files.length).toBeGreaterThan(30)
  })

  it('no core file holds words in a language (they belong in messages/)', () => {
    const found: string[] = []
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const [sign, pattern] of SIGNS) if (pattern.test(line)) found.push(`${relative(CORE, file)}:${index + 1} ${sign}: ${line.trim()}`)
        })
    }
    expect(found).toEqual([])
  })

  it('the checks would catch words (they are not vacuous)', () => {
    const samples = ['es: (p) => `falta ${p.flag}`', "{ name, nameEs: 'la entrada' }", "language === 'es' ? 'nota' : 'note'", 'new Intl.PluralRules(language)']
    for (const sample of samples)
      expect(
        SIGNS.some(([, pattern]) => pattern.test(sample)),
        sample,
      ).toBe(true)
  })
})
