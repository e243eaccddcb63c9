// A file that is not a valid session is refused with a reason word, the field path and values
// (core/session-corrupt.ts), never a validator's English sentence: the Spanish message of every
// kind of corrupt session holds no English word, and each names the field at fault.

import { unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { Params, Session } from '../../core'
import { decodeSessionFile, encodeSessionFile, normalTensor, parseSession, seededSource, serializeSession } from '../../core'
import { messageOf } from '../../messages'
import { convolabErrorOf } from '../support/refusal'

const source = seededSource(2)
const session: Session = {
  input: normalTensor([1, 1, 4, 4], source),
  weight: normalTensor([1, 1, 3, 3], source),
  bias: null,
  options: { stride: 1 },
  layer: { type: 'conv2d' },
  gradOutput: { kind: 'ones' },
  view: {},
  learning: { target: { kind: 'preset', preset: 'sobel-x' }, learningRate: 0.1, steps: 5, start: 'random', seed: 1 },
}
const good = serializeSession(session)

/** The document with one change. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cases reach into any part of the parsed JSON
function edited(change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(good)
  change(doc)
  return JSON.stringify(doc)
}

/** Words of an English sentence that are neither a value of the error nor a name both languages share. */
function englishWords(en: string, params: Params): string[] {
  const values = Object.values(params).join(' ').toLowerCase()
  const shared = new Set(['no', 'convolab', 'json', 'utf', 'zip', 'base64', 'float64', 'format', 'version', 'null', 'true', 'false'])
  return [...new Set(en.toLowerCase().match(/[a-z]{2,}/g) ?? [])].filter((word) => !shared.has(word) && !values.includes(word))
}

const CASES: Array<[string, () => unknown, RegExp]> = [
  ['a number given as text', () => parseSession(edited((doc) => (doc.options.stride = '2'))), /options\.stride/],
  ['an empty shape', () => parseSession(edited((doc) => (doc.input.shape = []))), /input\.shape debe tener al menos 1 elementos/],
  ['a zero in a shape', () => parseSession(edited((doc) => (doc.input.shape = [0, 1, 4, 4]))), /input\.shape\.0 debe ser al menos 1/],
  ['an unknown layer', () => parseSession(edited((doc) => (doc.layer = { type: 'conv3d' }))), /layer\.type debe ser uno de "conv2d"/],
  ['a negative learning rate', () => parseSession(edited((doc) => (doc.learning.learningRate = -1))), /learning\.learningRate debe ser más de 0/],
  ['a text for a flag', () => parseSession(edited((doc) => (doc.view = 'x'))), /view debe ser un objeto/],
  ['not JSON', () => parseSession(good.slice(0, 40)), /el texto no es JSON/],
  ['another format', () => parseSession(edited((doc) => (doc.format = 'other'))), /"format" no es "convolab-session"/],
  ['a version that is not a number', () => parseSession(edited((doc) => (doc.version = 'x'))), /"version" es "x"/],
  ['data that is not base64', () => parseSession(edited((doc) => (doc.weight.data = '!!!!'))), /weight: los datos no están en base64/],
  ['neither a zip nor text', () => decodeSessionFile(new Uint8Array([0xff, 0xfe, 0x00])), /el archivo no es ni un zip ni texto UTF-8/],
  ['a zip without its document', () => decodeSessionFile(zipSync({ 'input.npy': new Uint8Array(8) })), /el zip no tiene session\.json/],
  [
    'a zip without a member',
    // the document names input.npy, which this zip lacks
    () => decodeSessionFile(zipSync({ 'session.json': unzipSync(encodeSessionFile(session))['session.json'] })),
    /input: el archivo no tiene el miembro input\.npy/,
  ],
]

describe('a corrupt session is refused in the reader’s language', () => {
  it.each(CASES)('%s: the Spanish message names the field and quotes no English', (_, open, spanish) => {
    const error = convolabErrorOf(open)
    expect(error.code).toBe('session-corrupt')
    expect(error.params.detail).toBeUndefined()
    const en = messageOf(error, 'en')
    const es = messageOf(error, 'es')
    expect(es).toMatch(/^no es una sesión válida de Convolab: /)
    expect(es).toMatch(spanish)
    expect(en).toMatch(/^this is not a valid Convolab session: /)
    const english = englishWords(en.replace('this is not a valid Convolab session: ', ''), error.params)
    expect(english.length, en).toBeGreaterThan(0)
    for (const word of english) expect(es.toLowerCase(), `"${word}" of "${en}" in "${es}"`).not.toMatch(new RegExp(`\\b${word}\\b`))
  })

  it('says in English what the validator found, in words of its own', () => {
    const error = convolabErrorOf(() => parseSession(edited((doc) => (doc.options.stride = '2'))))
    expect(messageOf(error, 'en')).toBe('this is not a valid Convolab session: options.stride has none of the forms allowed')
    const shape = convolabErrorOf(() => parseSession(edited((doc) => (doc.input.shape = [0, 1, 4, 4]))))
    expect(messageOf(shape, 'en')).toBe('this is not a valid Convolab session: input.shape.0 must be at least 1')
    const rate = convolabErrorOf(() => parseSession(edited((doc) => (doc.learning.learningRate = 0))))
    expect(messageOf(rate, 'en')).toBe('this is not a valid Convolab session: learning.learningRate must be more than 0')
  })
})
