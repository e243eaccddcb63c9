// The native window's title for this platform: on macOS the unsaved mark is the dot in the
// window's close button (setDocumentEdited), so the title itself carries none. No Electron
// import, so it is tested in Node; the format is the contract's, shared with the page.

import { APP_NAME, documentTitle } from '../../contract/title'

export { APP_NAME }

export function titleFor(name: string, dirty: boolean, platform: NodeJS.Platform): string {
  return documentTitle(name, dirty, platform !== 'darwin')
}
