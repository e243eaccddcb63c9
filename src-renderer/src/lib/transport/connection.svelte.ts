// The browser mode's connection to the local server, as the page shows it: connected, or
// reconnecting after the connection closed (with the close code that says why).

export type ConnectionState = 'connected' | 'reconnecting'

export const connection = $state({
  state: 'connected' as ConnectionState,
  /** The WebSocket close code of the last drop (1006: dropped without one, e.g. the server stopped). */
  closeCode: 0,
  /** Attempts made since the drop. */
  attempts: 0,
})

/** The i18n key that explains a close code to the user. */
export function closeReasonKey(code: number): string {
  switch (code) {
    case 1003:
      return 'connection.reason.unsupported'
    case 1002:
    case 1007:
      return 'connection.reason.badFrame'
    case 1008:
      return 'connection.reason.policy'
    case 1009:
      return 'connection.reason.tooBig'
    case 1011:
      return 'connection.reason.serverError'
    default:
      return 'connection.reason.lost'
  }
}
