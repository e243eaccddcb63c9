// The key a shortcut names, on any keyboard layout: on a non-Latin layout (Cyrillic, Greek,
// Hebrew, Arabic…) a letter key types its own script's letter, so Ctrl+Z would never match; the
// physical key's Latin letter (event.code 'KeyZ') is used instead, as browsers' own shortcuts do.
// Latin layouts (AZERTY, Dvorak) keep the letter they type, so Ctrl+Z stays where its Z is.

export type LayoutKeyPress = Pick<KeyboardEvent, 'key'> & { code?: string }

/** event.key, lower case for a single character, or the Latin letter of a non-Latin letter key. */
export function latinKey(event: LayoutKeyPress): string {
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  if (/^[^\x20-\x7e]$/u.test(key) && /\p{L}/u.test(key) && /^Key[A-Z]$/.test(event.code ?? '')) return (event.code as string).slice(3).toLowerCase()
  return key
}
