// The app's log: one file in the data folder (logs/convolab.log), kept small by rotation
// (past 2 MB it becomes convolab.old.log and a new file starts), written by electron-log. Electron's
// main and browser mode's server write the same file, so a user sends one file whatever the host.

import log from 'electron-log/node'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { ConvolabError } from '../../core/errors'
import { messageOf } from '../../messages'
import type { Logger } from '../engine/envelope'

export const LOG_FOLDER = 'logs'
export const LOG_FILE_NAME = 'convolab.log'
/** Past this size the file is renamed convolab.old.log (replacing the previous one) and restarted. */
export const LOG_MAX_BYTES = 2 * 1024 * 1024

export function logFolder(dataDir: string): string {
  return join(dataDir, LOG_FOLDER)
}

export function logFilePath(dataDir: string): string {
  return join(logFolder(dataDir), LOG_FILE_NAME)
}

type Level = 'error' | 'warn' | 'info'

export interface AppLog {
  readonly file: string
  error(message: string, error?: unknown): void
  warn(message: string, detail?: unknown): void
  info(message: string, detail?: unknown): void
  /** Errors of one part of the app ("renderer", "worker"), tagged with its name. */
  scoped(scope: string): Pick<AppLog, 'error' | 'warn' | 'info'>
  /** The engine's and storage's Logger, writing here. */
  readonly logger: Logger
  /** Logs the process's uncaught exceptions and unhandled rejections (an app's or a server's process, never a test runner's). */
  catchProcessErrors(): void
}

/**
 * An error with its stack (and its cause's), a ConvolabError first in English words (its own
 * message is its code and values); anything else as Node's inspect prints it.
 */
export function describe(detail: unknown): string {
  if (detail instanceof Error) {
    const words = detail instanceof ConvolabError ? `${messageOf(detail, 'en')}\n` : ''
    const own = words + (detail.stack ?? `${detail.name}: ${detail.message}`)
    return detail.cause !== undefined ? `${own}\ncaused by ${describe(detail.cause)}` : own
  }
  return typeof detail === 'string' ? detail : inspect(detail, { depth: 4, breakLength: Infinity })
}

/** Local time as 2026-12-01 14:17:32.269. */
function stamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`
}

/**
 * A log writing to `<dataDir>/logs/convolab.log`. Each data folder gets its own electron-log
 * instance (tests start several servers in one process); errors also go to the console.
 */
export function openLog(dataDir: string, processName: 'main' | 'server'): AppLog {
  const file = logFilePath(dataDir)
  const logger = log.create({ logId: `convolab:${processName}:${file}` })
  logger.transports.file.resolvePathFn = () => file
  logger.transports.file.maxSize = LOG_MAX_BYTES
  logger.transports.file.level = 'info'
  logger.transports.file.format = ({ message, data }) => [
    `[${stamp(message.date)}] [${message.level}] [${processName}]${message.scope ? ` (${message.scope})` : ''} ${data.join(' ')}`,
  ]
  // The terminal shows problems only; the file keeps the story around them.
  logger.transports.console.level = 'warn'
  logger.transports.console.format = ({ message, data }) => [`[convolab ${processName}]${message.scope ? ` (${message.scope})` : ''} ${data.join(' ')}`]
  const write = (level: Level, scope: string | null) => (message: string, detail?: unknown) => {
    const target = scope ? logger.scope(scope) : logger
    target[level](detail === undefined || detail === '' ? message : `${message} ${describe(detail)}`)
  }
  const scoped = (scope: string | null) => ({ error: write('error', scope), warn: write('warn', scope), info: write('info', scope) })
  let catching = false
  return {
    file,
    ...scoped(null),
    scoped: (scope) => scoped(scope),
    logger: (message, error) => write('error', null)(message, error),
    catchProcessErrors() {
      if (catching) return
      catching = true
      process.on('uncaughtException', (error) => write('error', null)('uncaught exception', error))
      process.on('unhandledRejection', (reason) => write('error', null)('unhandled promise rejection', reason))
    },
  }
}
