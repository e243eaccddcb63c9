// Every code an error or notice can carry has its words in English and Spanish (messages/), and
// every code the project's code raises is one of them.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConvolabError, ERROR_CODES, causeParams, nestedParams, plainMessage, type Params } from '../../core/errors'
import { STACK_PRESET_IDS } from '../../core/stack-presets'
import { ERROR_TEMPLATES, STACK_PRESETS, formatMessage, hasMessage, messageOf } from '../../messages'

const ROOT = join(__dirname, '..', '..')

/** Every .ts and .svelte file under a folder of the project (no build output). */
function sources(folder: string): string[] {
  const found: string[] = []
  for (const name of readdirSync(folder)) {
    const path = join(folder, name)
    if (name === 'node_modules' || name === 'generated') continue
    if (statSync(path).isDirectory()) found.push(...sources(path))
    else if (/\.(ts|svelte)$/.test(name)) found.push(path)
  }
  return found
}

/** Codes the renderer raises itself and words in its own catalogues (ErrorMessage.svelte's LOCAL). */
const RENDERER_CODES = new Set(['kernel-shape', 'open-not-yet'])

/** Values for any template: an axis and a tensor it knows, a count for everything else. */
const SAMPLE: Params = new Proxy({} as Params, {
  get: (_, key) => (key === 'axis' ? 'height' : key === 'tensor' ? 'input' : key === 'cause' ? undefined : '7'),
})

describe('the words of every code', () => {
  it('each code core declares has an English and a Spanish template, and no template is for an unknown code', () => {
    expect(Object.keys(ERROR_TEMPLATES).sort()).toEqual([...ERROR_CODES].sort())
    for (const code of ERROR_CODES) {
      expect(typeof ERROR_TEMPLATES[code].en, code).toBe('function')
      expect(typeof ERROR_TEMPLATES[code].es, code).toBe('function')
    }
  })

  it('each template says something in each language, with every value filled in', () => {
    for (const code of ERROR_CODES) {
      const en = formatMessage(code, SAMPLE, 'en')
      const es = formatMessage(code, SAMPLE, 'es')
      for (const text of [en, es]) {
        expect(text, code).not.toMatch(/undefined|\[object/)
        expect(text.trim().length, code).toBeGreaterThan(0)
      }
      // only a file name and its nested reason: the words are all in the reason
      if (code !== 'stack-file') expect(es, code).not.toBe(en)
    }
  })

  it('every code the project raises has words (core, contract, frames, src-main, src-renderer)', () => {
    const raised = /(?:ConvolabError|errorOf|nestedParams)\(\s*'([a-z0-9-]+)'|\bcode: '([a-z0-9-]+)'/g
    const seen = new Map<string, string>()
    for (const folder of ['core', 'contract', 'frames', 'src-main', 'src-renderer']) {
      for (const file of sources(join(ROOT, folder))) {
        for (const match of readFileSync(file, 'utf8').matchAll(raised)) seen.set(match[1] ?? match[2], relative(ROOT, file))
      }
    }
    expect(seen.size).toBeGreaterThan(50)
    // words passed as values ({ en: ..., es: ... }) bypass messages/: a nested reason is a code
    const worded = /ConvolabError\('[a-z0-9-]+',\s*\{[^}]*\b(?:en|es|\w+Es):/
    for (const folder of ['core', 'contract', 'frames', 'src-main', 'src-renderer']) {
      for (const file of sources(join(ROOT, folder))) expect(worded.test(readFileSync(file, 'utf8')), relative(ROOT, file)).toBe(false)
    }
    for (const [code, file] of seen) {
      if (RENDERER_CODES.has(code)) continue
      expect(hasMessage(code), `${code} (${file})`).toBe(true)
    }
  })

  it('a nested cause is worded inside its outer error, in the same language', () => {
    const inner = new ConvolabError('groups-divide-in', { groups: 2, inChannels: 3 })
    const outer = new ConvolabError('stack-layer', { index: 1, kind: 'Conv2d', shape: '(1, 3, 4, 4)', ...causeParams(inner) })
    expect(messageOf(outer, 'en')).toBe('layer 1 (Conv2d) cannot take its input (1, 3, 4, 4): groups 2 must divide in_channels 3')
    expect(messageOf(outer, 'es')).toBe('la capa 1 (Conv2d) no puede tomar su entrada (1, 3, 4, 4): grupos 2 debe dividir a in_channels 3')
    const file = new ConvolabError('stack-file', { name: 'S.json', ...nestedParams('stack-file-extra-key', { keys: 'x' }) })
    expect(messageOf(file, 'es')).toBe('S.json: clave desconocida x (una pila solo tiene "layers")')
    // anything else thrown is kept as its own message
    expect(formatMessage('stack-layer', { index: 0, kind: 'ReLU', shape: '(1)', ...causeParams(new Error('boom')) }, 'en')).toMatch(/: boom$/)
  })

  it("an error's own message and the envelope's carry no language: the code and its values", () => {
    const error = new ConvolabError('negative-padding', { value: -1 })
    expect(error.message).toBe(plainMessage('negative-padding', { value: -1 }))
    expect(error.message).toBe('negative-padding {"value":-1}')
    expect(messageOf(error, 'en')).toBe('padding must be 0 or more (got -1)')
    expect(messageOf(error, 'es')).toBe('el relleno debe ser 0 o más (se recibió -1)')
    // a code this build does not know (a newer engine) falls back to the plain text
    expect(formatMessage('from-the-future', { a: 1 }, 'es')).toBe('from-the-future {"a":1}')
    expect(hasMessage('from-the-future')).toBe(false)
  })
})

describe('stack preset names', () => {
  it('every preset core builds has a name and a description in both languages, in core order', () => {
    expect(STACK_PRESETS.map((preset) => preset.id)).toEqual([...STACK_PRESET_IDS])
    for (const preset of STACK_PRESETS) {
      for (const text of [preset.name.en, preset.name.es, preset.description.en, preset.description.es]) expect(text.length, preset.id).toBeGreaterThan(3)
    }
  })
})
