// The recent files list: most recent first, one entry per path, at most RECENT_LIMIT entries.

import { z } from 'zod'
import type { RecentFile } from '../../contract'
import { absolutePathSchema } from '../../contract/schemas'

export const RECENT_LIMIT = 12

const recentFileSchema = z.object({ path: absolutePathSchema, name: z.string().max(1024), openedAt: z.number().finite() })

/** Entries of recent.json; unreadable entries (or a corrupt file) are skipped with a warning. */
export function readRecentFiles(text: string | null, warn: (message: string) => void): RecentFile[] {
  if (text === null) return []
  let files: unknown
  try {
    files = (JSON.parse(text) as { files?: unknown }).files
  } catch (error) {
    warn(`recent.json is not JSON (${(error as Error).message}); starting an empty list`)
    return []
  }
  if (!Array.isArray(files)) {
    warn('recent.json has no list of files; starting an empty list')
    return []
  }
  const valid: RecentFile[] = []
  for (const entry of files) {
    const parsed = recentFileSchema.safeParse(entry)
    if (parsed.success) valid.push(parsed.data)
    else warn('recent.json: an entry is not valid; it was dropped')
  }
  return valid.slice(0, RECENT_LIMIT)
}

export function writeRecentText(files: RecentFile[]): string {
  return JSON.stringify({ version: 1, files }, null, 2) + '\n'
}

export function withRecentFile(files: RecentFile[], file: RecentFile): RecentFile[] {
  return [file, ...files.filter((entry) => entry.path !== file.path)].slice(0, RECENT_LIMIT)
}
