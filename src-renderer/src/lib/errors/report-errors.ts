// The page's uncaught errors and unhandled promise rejections go to the host's log file (never
// silent): in Electron through the preload's bridge, in browser mode as a POST to the server.
// The browser still shows them in its console as well.

import type { ConvolabBridge } from '../../../../contract'
import { PAGE_LOG_PATH, type PageErrorReport } from '../../../../contract/page-reports'

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** A report from what the browser gives: an Error, or anything a promise was rejected with. */
export function reportOf(kind: PageErrorReport['kind'], reason: unknown, where: { source?: string; line?: number; column?: number } = {}): PageErrorReport {
  const error = reason instanceof Error ? reason : null
  let message: string
  if (error) message = `${error.name}: ${error.message}`
  else {
    try {
      message = typeof reason === 'string' ? reason : (JSON.stringify(reason) ?? String(reason))
    } catch {
      message = String(reason)
    }
  }
  const report: PageErrorReport = { kind, message: clip(message, 4000) }
  if (error?.stack) report.stack = clip(error.stack, 16000)
  if (where.source) report.source = clip(where.source, 2000)
  if (where.line) report.line = where.line
  if (where.column) report.column = where.column
  return report
}

/** Sends a report to browser mode's server: same origin, the session's cookie (and the token of the page's URL). */
export function postReport(report: PageErrorReport, location: Pick<Location, 'search'> = window.location): void {
  const token = new URLSearchParams(location.search).get('token')
  const url = token ? `${PAGE_LOG_PATH}?token=${encodeURIComponent(token)}` : PAGE_LOG_PATH
  void fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(report), keepalive: true }).catch(() => {
    // The server is gone: the browser's console still has the error.
  })
}

/** Listens for the page's uncaught errors and rejections for as long as it lives. */
export function reportUncaughtErrors(
  target: Window = window,
  bridge: ConvolabBridge | undefined = (target as Window & { convolab?: ConvolabBridge }).convolab,
): void {
  const send = (report: PageErrorReport): void => {
    try {
      if (bridge) bridge.reportError(report)
      else postReport(report, target.location)
    } catch {
      // Reporting must never become an error of its own.
    }
  }
  target.addEventListener('error', (event: ErrorEvent) => {
    // A resource that failed to load (an <img>) also fires 'error', without an error object or message.
    if (!event.error && !event.message) return
    send(reportOf('error', event.error ?? event.message, { source: event.filename, line: event.lineno, column: event.colno }))
  })
  target.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => send(reportOf('rejection', event.reason)))
}
