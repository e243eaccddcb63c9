// What the page tells its host besides engine calls: its uncaught errors (for the log file) and
// the value under a right-click (for the desktop context menu's "Copy value"). Shared by the
// Electron preload, main, the browser-mode server and the renderer; main and the server check
// every report with the schemas of page-report-schemas.ts (kept apart: the page does not load zod).

/** An uncaught error or an unhandled promise rejection in the page. */
export interface PageErrorReport {
  kind: 'error' | 'rejection'
  message: string
  stack?: string
  /** The script and position, when the browser gives them. */
  source?: string
  line?: number
  column?: number
}

/** A right-click in the page that main answers with the native context menu. */
export interface ContextMenuRequest {
  /** Text "Copy value" puts on the clipboard (a map cell's value, as the page shows it). */
  value: string
}

/** Browser mode: the page posts its error reports here (token-checked like every request). */
export const PAGE_LOG_PATH = '/log'
/** Largest report body the server reads. */
export const PAGE_LOG_MAX_BYTES = 32 * 1024

/** Electron IPC channels of the reports (one-way: the page expects no answer). */
export const IPC_PAGE_ERROR = 'convolab:page-error'
export const IPC_CONTEXT_MENU = 'convolab:context-menu'
