// The remembered settings: defaults, reading settings.json key by key (a corrupt file or a bad
// value falls back to the default with a warning, never a crash), and merging a partial change.

import type { Settings, SettingsPatch } from '../../contract'
import { settingSchemas } from '../../contract/schemas'

export const SETTINGS_VERSION = 1

export const DEFAULT_SETTINGS: Settings = {
  language: 'system',
  theme: 'system',
  // The renderer's default: viridis, or a diverging blue-red for signed values (both colour-blind safe).
  colourMap: 'auto',
  decimals: 4,
  animationSpeed: 1,
  lastFolders: {},
  window: null,
}

export function defaultSettings(): Settings {
  return { ...DEFAULT_SETTINGS, lastFolders: {} }
}

/** Settings from the text of settings.json; `warn` hears about every value that was replaced. */
export function readSettings(text: string | null, warn: (message: string) => void): Settings {
  const settings = defaultSettings()
  if (text === null) return settings
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    warn(`settings.json is not JSON (${(error as Error).message}); using the defaults`)
    return settings
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    warn('settings.json does not hold an object; using the defaults')
    return settings
  }
  const record = document as Record<string, unknown>
  const chosen = settings as unknown as Record<string, unknown>
  for (const [key, schema] of Object.entries(settingSchemas)) {
    if (!(key in record)) continue
    const parsed = schema.safeParse(record[key])
    if (parsed.success) chosen[key] = parsed.data
    else warn(`settings.json: ${key} is not valid (${parsed.error.issues[0].message}); using the default`)
  }
  return settings
}

export function writeSettingsText(settings: Settings): string {
  return JSON.stringify({ version: SETTINGS_VERSION, ...settings }, null, 2) + '\n'
}

/** The settings with a validated partial change applied; lastFolders merges folder by folder. */
export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  const { lastFolders, ...rest } = patch
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined))
  const folders = Object.fromEntries(Object.entries(lastFolders ?? {}).filter(([, value]) => value !== undefined))
  return { ...current, ...defined, lastFolders: { ...current.lastFolders, ...folders } }
}
