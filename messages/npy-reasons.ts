// The words of why a .npy file cannot be read ('npy-header', 'npy-truncated'): core gives a
// reason word and the values (a position, a byte count), worded here in English and Spanish.

import type { Language, Params } from '../core/errors'

type Words = (p: Params) => string

const REASONS: Record<string, { en: Words; es: Words }> = {
  // the header's Python literal
  'expected-char': { en: (p) => `expected '${p.char}' at position ${p.at}`, es: (p) => `se esperaba '${p.char}' en la posición ${p.at}` },
  'unterminated-string': { en: () => 'a text is not closed', es: () => 'un texto no está cerrado' },
  'unexpected-char': { en: (p) => `unexpected character '${p.char}' at position ${p.at}`, es: (p) => `carácter inesperado '${p.char}' en la posición ${p.at}` },
  'number-too-large': { en: (p) => `the number ${p.value} is too large`, es: (p) => `el número ${p.value} es demasiado grande` },
  'expected-separator': {
    en: (p) => `expected ',' or '${p.char}' at position ${p.at}`,
    es: (p) => `se esperaba ',' o '${p.char}' en la posición ${p.at}`,
  },
  'too-deep': { en: () => 'it is nested too deeply', es: () => 'está anidado demasiado hondo' },
  'unexpected-end': { en: () => 'it ends too early', es: () => 'termina antes de tiempo' },
  'key-not-string': { en: () => 'dictionary keys must be texts', es: () => 'las claves del diccionario deben ser textos' },
  'text-after': {
    en: (p) => `unexpected text after the dictionary at position ${p.at}`,
    es: (p) => `texto inesperado tras el diccionario en la posición ${p.at}`,
  },
  // the header's fields
  'not-text': { en: () => 'it is not valid text', es: () => 'no es un texto válido' },
  'not-dict': { en: () => 'it is not a dictionary', es: () => 'no es un diccionario' },
  keys: {
    en: (p) => `its keys are ${p.keys}, expected descr, fortran_order, shape`,
    es: (p) => `sus claves son ${p.keys}, se esperaban descr, fortran_order, shape`,
  },
  'fortran-order': { en: () => 'fortran_order must be True or False', es: () => 'fortran_order debe ser True o False' },
  'shape-not-tuple': { en: () => 'shape must be a tuple', es: () => 'shape debe ser una tupla' },
  'shape-dim': { en: (p) => `shape has the dimension ${p.dim}`, es: (p) => `shape tiene la dimensión ${p.dim}` },
  // a file cut short
  'version-missing': { en: () => 'the format version is missing', es: () => 'falta la versión del formato' },
  'header-length-missing': { en: () => 'the header length is missing', es: () => 'falta la longitud de la cabecera' },
  'header-short': {
    en: (p) => `the header needs ${p.needed} bytes, ${p.left} are left`,
    es: (p) => `la cabecera necesita ${p.needed} bytes y quedan ${p.left}`,
  },
  'data-short': {
    en: (p) => `shape ${p.shape} needs ${p.needed} bytes of data, ${p.present} are present`,
    es: (p) => `la forma ${p.shape} necesita ${p.needed} bytes de datos y hay ${p.present}`,
  },
}

/** Why the .npy file cannot be read, in the language (an older engine's `detail` as it came). */
export function npyReasonWords(p: Params, language: Language): string {
  const reason = REASONS[String(p.reason)]
  return reason ? reason[language](p) : String(p.detail ?? p.reason ?? '')
}
