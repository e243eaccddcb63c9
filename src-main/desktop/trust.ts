// Which page may talk to main: only our own renderer document (app://convolab/index.html in the
// packaged app, the electron-vite dev server while developing). No Electron import, so it is tested in Node.

/** True when a frame's URL is the app's page (query and hash ignored). */
export function isAppUrl(frameUrl: string | undefined, appUrl: string): boolean {
  if (!frameUrl) return false
  try {
    const frame = new URL(frameUrl)
    const app = new URL(appUrl)
    // A custom scheme's URLs have no origin ("null"): compare the scheme, host and exact page.
    if (app.protocol !== 'http:' && app.protocol !== 'https:') {
      return frame.protocol === app.protocol && frame.host === app.host && frame.pathname === app.pathname && !frame.username && !frame.password
    }
    return frame.origin === app.origin
  } catch {
    return false
  }
}
