// How the renderer reaches the engine, whichever host it runs in: the Transport it calls, the
// Electron preload's bridge and its IPC channel names.

import type { ContextMenuRequest, PageErrorReport } from './page-reports'
import type { EngineEvent } from './events'
import type { Result } from './envelope'
import type { MethodName, RequestOf, ResponseOf } from './methods'

/** What the renderer sees, whichever host it runs in (Electron preload or browser socket). */
export interface Transport {
  readonly host: 'electron' | 'browser'
  invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>
  onEvent(listener: (event: EngineEvent) => void): () => void
}

/** What the Electron preload exposes as `window.convolab` (the only bridge to main). */
export interface ConvolabBridge {
  /** The page's uncaught errors and unhandled rejections, for the log file (see page-reports.ts). */
  reportError(report: PageErrorReport): void
  /** A right-click on a value (a map cell): main shows the context menu with "Copy value". */
  showContextMenu(request: ContextMenuRequest): void
  invoke(method: MethodName, request: unknown): Promise<Result<unknown>>
  onEvent(listener: (event: EngineEvent) => void): () => void
}

/** Electron IPC channel names (the preload, sandboxed, keeps its own copy of these two strings). */
export const IPC_INVOKE = 'convolab:invoke'
export const IPC_EVENT = 'convolab:event'
