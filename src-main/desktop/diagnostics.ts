// What a user can send when something goes wrong: the log file and Electron's crash reports
// (minidumps), both under the data folder's logs/, kept on this computer (nothing is uploaded).
// Thin glue over electron's crashReporter; the log itself is logging/log-file.ts.

import type { App, CrashReporter } from 'electron'
import { dirname, join } from 'node:path'
import type { AppLog } from '../logging/log-file'

export const CRASH_FOLDER = 'crashes'

/**
 * Logs uncaught errors of main and starts the crash reporter; call before the app is ready (the crash reporter must
 * start early), in the one Convolab that runs (a second launch only hands over its files).
 */
export function startDiagnostics(app: App, crashReporter: CrashReporter, log: AppLog): void {
  log.catchProcessErrors()
  try {
    app.setPath('crashDumps', join(dirname(log.file), CRASH_FOLDER))
    crashReporter.start({ uploadToServer: false, productName: 'Convolab' })
  } catch (error) {
    log.warn('the crash reporter could not start', error)
  }
}
