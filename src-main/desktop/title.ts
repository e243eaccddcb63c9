// The window title: the document's name, a mark for unsaved changes, the app's name. No Electron
// import, so it is tested in Node; browser mode uses the same title for its tab.

export const APP_NAME = 'Convolab'

/**
 * "● name — Convolab" with unsaved changes, "name — Convolab" without. On macOS the mark is the
 * dot in the window's close button (setDocumentEdited), so the title itself carries none.
 */
export function titleFor(name: string, dirty: boolean, platform: NodeJS.Platform): string {
  const shown = name.trim()
  if (!shown) return APP_NAME
  const mark = dirty && platform !== 'darwin' ? '● ' : ''
  return `${mark}${shown} — ${APP_NAME}`
}
