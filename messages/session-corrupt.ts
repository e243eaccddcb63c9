// The words of why a file is not a valid session ('session-corrupt'): core gives a reason word,
// the field path and the values; a refused field's schema issue is worded here too, so a
// Spanish message quotes no English validator sentence.

import type { Language, Params } from '../core/errors'

type Words = (p: Params) => string

/** Type names a schema expects, as words. */
const TYPE_EN: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a text',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  null: 'null',
  tuple: 'a list',
}
const TYPE_ES: Record<string, string> = {
  number: 'un número',
  int: 'un entero',
  string: 'un texto',
  boolean: 'true o false',
  object: 'un objeto',
  record: 'un objeto',
  array: 'una lista',
  null: 'null',
  tuple: 'una lista',
}

function bound(p: Params, es: boolean, small: boolean): string {
  const inclusive = p.inclusive !== 0
  const items = p.origin === 'array' || p.origin === 'string'
  if (es) {
    const what = items ? (p.origin === 'array' ? ' elementos' : ' caracteres') : ''
    const verb = items ? 'tener' : 'ser'
    const rule = small ? (inclusive ? 'al menos' : 'más de') : inclusive ? 'como mucho' : 'menos de'
    return `debe ${verb} ${rule} ${p.bound}${what}`
  }
  const what = items ? (p.origin === 'array' ? ' items' : ' characters') : ''
  const verb = items ? 'have' : 'be'
  const rule = small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'
  return `must ${verb} ${rule} ${p.bound}${what}`
}

/** What is wrong with a refused field, by the schema issue's code. */
function fieldWords(p: Params, language: Language): string {
  const es = language === 'es'
  const types = es ? TYPE_ES : TYPE_EN
  const expected = String(p.expected ?? '')
  switch (p.issue) {
    case 'invalid_type':
      return es ? `debe ser ${types[expected] ?? expected}` : `must be ${types[expected] ?? expected}`
    case 'too_small':
      return bound(p, es, true)
    case 'too_big':
      return bound(p, es, false)
    case 'invalid_value':
    case 'invalid_union':
      if (p.allowed !== undefined) return es ? `debe ser uno de ${p.allowed}` : `must be one of ${p.allowed}`
      return es ? 'no tiene ninguna de las formas admitidas' : 'has none of the forms allowed'
    case 'invalid_format':
      return es ? 'no tiene el formato esperado' : 'does not have the expected format'
    case 'custom':
      if (p.rule === 'selected-in-stack') return es ? 'no es una capa de la pila' : 'is not a layer of the stack'
      return es ? 'no es válido' : 'is not valid'
    case 'unrecognized_keys':
      return es ? `tiene claves desconocidas: ${p.keys}` : `has unknown keys: ${p.keys}`
    default:
      return es ? 'no es válido' : 'is not valid'
  }
}

const at = (p: Params): string => (p.path ? `${p.path}: ` : '')

const REASONS: Record<string, { en: Words; es: Words }> = {
  'not-json': { en: () => 'the text is not JSON', es: () => 'el texto no es JSON' },
  'not-zip-or-text': { en: () => 'the file is neither a zip nor UTF-8 text', es: () => 'el archivo no es ni un zip ni texto UTF-8' },
  'zip-unreadable': { en: () => 'the zip cannot be read', es: () => 'el zip no se puede leer' },
  'zip-no-document': { en: (p) => `the zip has no ${p.name}`, es: (p) => `el zip no tiene ${p.name}` },
  'member-too-large': {
    en: (p) => `${p.name} unpacks to ${p.size} bytes, more than a session holds`,
    es: (p) => `${p.name} ocupa ${p.size} bytes al descomprimirse, más de lo que cabe en una sesión`,
  },
  'wrong-format': { en: (p) => `"format" is not "${p.expected}"`, es: (p) => `"format" no es "${p.expected}"` },
  'bad-version': { en: (p) => `"version" is ${p.value}`, es: (p) => `"version" es ${p.value}` },
  'no-migration': { en: (p) => `no migration from version ${p.version}`, es: (p) => `no hay migración desde la versión ${p.version}` },
  'not-base64': { en: (p) => `${at(p)}the data is not base64`, es: (p) => `${at(p)}los datos no están en base64` },
  'member-missing': { en: (p) => `${at(p)}the file has no member ${p.member}`, es: (p) => `${at(p)}el archivo no tiene el miembro ${p.member}` },
  'member-shape': { en: (p) => `${at(p)}${p.member} has the shape ${p.shape}`, es: (p) => `${at(p)}${p.member} tiene la forma ${p.shape}` },
  'member-dtype': {
    en: (p) => `${at(p)}${p.member} is ${p.got}, not ${p.expected}`,
    es: (p) => `${at(p)}${p.member} es ${p.got}, no ${p.expected}`,
  },
  field: {
    en: (p) => `${p.path ? p.path : 'the document'} ${fieldWords(p, 'en')}`,
    es: (p) => `${p.path ? p.path : 'el documento'} ${fieldWords(p, 'es')}`,
  },
}

/** Why the session was refused, in the language (an older engine's `detail` as it came). */
export function sessionCorruptWords(p: Params, language: Language): string {
  const reason = REASONS[String(p.reason)]
  return reason ? reason[language](p) : String(p.detail ?? p.reason ?? '')
}
