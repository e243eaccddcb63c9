// The page's uncaught errors and unhandled rejections, written to the log. Both hosts use it
// (Electron's IPC, browser mode's POST /log): each report is checked against the contract's
// schema and a page that throws in a loop cannot fill the disk (at most MAX_PER_MINUTE a minute,
// then one line saying how many were left out).

import { pageErrorReportSchema } from '../../contract/page-report-schemas'
import type { PageErrorReport } from '../../contract/page-reports'
import type { AppLog } from './log-file'

export const MAX_PER_MINUTE = 30

export function pageErrorWriter(log: Pick<AppLog, 'error' | 'warn'>, now: () => number = Date.now): (payload: unknown) => boolean {
  let windowStart = now()
  let written = 0
  let dropped = 0
  return (payload) => {
    const parsed = pageErrorReportSchema.safeParse(payload)
    if (!parsed.success) {
      log.warn('the page sent an error report that is not one (ignored)')
      return false
    }
    const time = now()
    if (time - windowStart >= 60_000) {
      if (dropped > 0) log.warn(`${dropped} more page errors in the last minute were not written`)
      windowStart = time
      written = 0
      dropped = 0
    }
    if (written >= MAX_PER_MINUTE) {
      dropped++
      return false
    }
    written++
    log.error(describePageError(parsed.data))
    return true
  }
}

export function describePageError(report: PageErrorReport): string {
  const what = report.kind === 'rejection' ? 'unhandled promise rejection in the page' : 'uncaught error in the page'
  const where = report.source ? ` at ${report.source}${report.line ? `:${report.line}${report.column ? `:${report.column}` : ''}` : ''}` : ''
  const stack = report.stack ? `\n${report.stack}` : ''
  return `${what}: ${report.message}${where}${stack}`
}
