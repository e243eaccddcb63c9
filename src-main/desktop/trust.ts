// Which page may talk to main: only our own renderer document (file:// in the packaged app,
// the electron-vite dev server while developing). No Electron import, so it is tested in Node.

/** True when a frame's URL is the app's page (query and hash ignored). */
export function isAppUrl(frameUrl: string | undefined, appUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const frame = new URL(frameUrl)
    const app = new URL(appUrl)
    if (app.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === app.pathname
    return frame.origin === app.origin
  } catch {
    return false
  }
}
