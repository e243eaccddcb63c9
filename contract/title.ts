// The title of a document's window or tab: its name, a mark for unsaved changes, the app's name.
// One function for both sides: main titles the native window with it, and the page titles itself
// with it at once, so the mark never waits for a round trip to the host.

export const APP_NAME = 'Convolab'

/** What a title shows before the name while there are unsaved changes. */
export const UNSAVED_MARK = '●'

/**
 * "● name — Convolab" with unsaved changes, "name — Convolab" without; "Convolab" for a blank
 * name. `markInTitle` is false where the window shows unsaved changes itself (macOS's close button).
 */
export function documentTitle(name: string, dirty: boolean, markInTitle = true): string {
  const shown = name.trim()
  if (!shown) return APP_NAME
  return `${dirty && markInTitle ? `${UNSAVED_MARK} ` : ''}${shown} — ${APP_NAME}`
}
