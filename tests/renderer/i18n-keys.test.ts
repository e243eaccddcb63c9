// Every interface text the renderer asks for exists in English and in Spanish: the keys written
// in the source (t('…'), translate(language, '…'), description: '…') are looked up in both
// catalogues, so a key added to the code but not to a language fails here.

import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { en } from '../../src-renderer/src/lib/i18n/en'
import { es } from '../../src-renderer/src/lib/i18n/es'

const SOURCE = resolve(__dirname, '../../src-renderer/src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.(svelte|ts)$/.test(entry.name) && !/\/i18n\//.test(join(dir, entry.name))
        ? [join(dir, entry.name)]
        : [],
  )
}

const USES = [
  /\bt\(\s*'([\w.-]+)'/g,
  /\btranslate\([^,()]+,\s*'([\w.-]+)'/g,
  /\bdescription:\s*'([\w.-]+)'/g,
  /\bt\(\s*`([\w.-]+)\$\{/g,
  /\btranslate\([^,()]+,\s*`([\w.-]+)\$\{/g,
]

describe('interface text used by the renderer', () => {
  const used = new Map<string, string>()
  for (const file of sourceFiles(SOURCE)) {
    const text = readFileSync(file, 'utf8')
    for (const pattern of USES) for (const match of text.matchAll(pattern)) used.set(match[1], file.slice(SOURCE.length + 1))
  }

  it('finds the keys in the source', () => {
    expect(used.size).toBeGreaterThan(100)
    expect(used.has('recovery.restore')).toBe(true)
  })

  it('has every key the source uses in both languages (a key ending in "." is a family: some key must start with it)', () => {
    const missing: string[] = []
    for (const [key, file] of used) {
      for (const [language, catalogue] of [
        ['en', en],
        ['es', es],
      ] as const) {
        const known = key.endsWith('.') ? Object.keys(catalogue).some((k) => k.startsWith(key)) : key in catalogue
        if (!known) missing.push(`${language}: ${key} (${file})`)
      }
    }
    expect(missing).toEqual([])
  })
})
