// Runs of the app and how a crash is told from a clean exit. Each running process keeps a folder
// runs/<pid>/ with run.json (who it is) and its autosave; a clean exit removes the folder. A
// folder whose process is gone (or that predates a restart of the machine) was left by a run
// that crashed or was killed.

import { uptime } from 'node:os'
import { z } from 'zod'

export interface RunRecord {
  pid: number
  /** When the machine started, in seconds since 1970, as this run saw it (tells a restart apart). */
  bootTime: number
  startedAt: number
  host: string
  /** The document shown at the last autosave. */
  name?: string
  path?: string
}

const runRecordSchema = z.object({
  pid: z.number().int().positive(),
  bootTime: z.number().finite(),
  startedAt: z.number().finite(),
  host: z.string().max(32),
  name: z.string().max(1024).optional(),
  path: z.string().max(4096).optional(),
})

export interface RunEnvironment {
  pid: number
  bootTime: number
  isAlive(pid: number): boolean
}

/** A clock adjusted by less than this does not look like a restart of the machine. */
const BOOT_TOLERANCE_SECONDS = 600

export function currentBootTime(): number {
  return Math.round(Date.now() / 1000 - uptime())
}

/** True when the process exists (a process of another user counts: signal 0 is refused, not missing). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function thisRun(pid = process.pid): RunEnvironment {
  return { pid, bootTime: currentBootTime(), isAlive: processIsAlive }
}

export function parseRunRecord(text: string): RunRecord | null {
  try {
    const parsed = runRecordSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Whether the run that left `record` (null: unreadable, so only the folder's pid is known) has
 * ended without cleaning up. Our own pid on an old record means an earlier process had it.
 */
export function runIsOver(record: RunRecord | null, folderPid: number, env: RunEnvironment): boolean {
  const pid = record?.pid ?? folderPid
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === env.pid) return true
  if (record && Math.abs(record.bootTime - env.bootTime) > BOOT_TOLERANCE_SECONDS) return true
  return !env.isAlive(pid)
}
