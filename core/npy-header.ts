// The .npy header is a Python literal dict; this reads the small subset NumPy writes
// (dicts, tuples, lists, strings, integers, True/False/None) and nothing else, so that
// garbage ends in an 'npy-header' error rather than an exception or a hang.

import type { Params } from './errors'
import { ConvolabError } from './errors'

export type PyValue = string | number | boolean | null | PyValue[] | PyTuple | PyDict
export interface PyTuple {
  tuple: PyValue[]
}
export interface PyDict {
  dict: Map<string, PyValue>
}

/** Deeper nesting than this is not a header NumPy wrote; refusing it keeps the stack small. */
const MAX_DEPTH = 32

/** The header's Python literal cannot be read: a reason word and its values (messages/ words them). */
function fail(reason: string, params: Params = {}): never {
  throw new ConvolabError('npy-header', { reason, ...params })
}

export function parsePythonLiteral(text: string): PyValue {
  let at = 0

  const skipSpace = (): void => {
    while (at < text.length && /\s/.test(text[at])) at++
  }

  const expect = (char: string): void => {
    skipSpace()
    if (text[at] !== char) fail('expected-char', { char, at })
    at++
  }

  const parseString = (): string => {
    const quote = text[at++]
    let result = ''
    while (at < text.length && text[at] !== quote) {
      if (text[at] === '\\') {
        at++
        if (at >= text.length) break
      }
      result += text[at++]
    }
    if (at >= text.length) fail('unterminated-string')
    at++
    return result
  }

  const parseNumber = (): number => {
    const match = /^[+-]?\d+L?/.exec(text.slice(at, at + 40))
    if (!match) fail('unexpected-char', { char: text[at], at })
    at += match[0].length
    const value = Number(match[0].replace('L', ''))
    if (!Number.isSafeInteger(value)) fail('number-too-large', { value: match[0] })
    return value
  }

  // Items up to the closing bracket, with Python's optional trailing comma.
  const parseItems = <T>(close: string, item: () => T): T[] => {
    const items: T[] = []
    for (;;) {
      skipSpace()
      if (text[at] === close) {
        at++
        return items
      }
      items.push(item())
      skipSpace()
      if (text[at] === ',') at++
      else if (text[at] !== close) fail('expected-separator', { char: close, at })
    }
  }

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('too-deep')
    skipSpace()
    const char = text[at]
    if (char === undefined) fail('unexpected-end')
    if (char === "'" || char === '"') return parseString()
    if (char === '(') {
      at++
      return { tuple: parseItems(')', () => parseValue(depth + 1)) }
    }
    if (char === '[') {
      at++
      return parseItems(']', () => parseValue(depth + 1))
    }
    if (char === '{') {
      at++
      const dict = new Map<string, PyValue>()
      parseItems('}', () => {
        const key = parseValue(depth + 1)
        if (typeof key !== 'string') fail('key-not-string')
        expect(':')
        dict.set(key, parseValue(depth + 1))
      })
      return { dict }
    }
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length
        return value
      }
    }
    return parseNumber()
  }

  const value = parseValue(0)
  skipSpace()
  if (at !== text.length) fail('text-after', { at })
  return value
}
