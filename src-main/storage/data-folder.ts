// Where Convolab keeps its settings, recent files and autosaves. Electron's userData is this same
// folder (main sets it), and browser mode computes it without Electron, so both hosts share it.

import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_FOLDER_NAME = 'Convolab'

/**
 * CONVOLAB_DATA_DIR when set (tests, portable installs); otherwise the platform's place for
 * application data: ~/Library/Application Support on macOS, %APPDATA% on Windows,
 * $XDG_CONFIG_HOME (or ~/.config) elsewhere.
 */
export function dataFolder(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.CONVOLAB_DATA_DIR) return resolve(env.CONVOLAB_DATA_DIR)
  return join(appDataFolder(env, platform, home), APP_FOLDER_NAME)
}

/** The folder that holds every application's data folder (Electron's app.getPath('appData')). */
export function appDataFolder(env: Record<string, string | undefined>, platform: NodeJS.Platform, home: string): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support')
  if (platform === 'win32') return env.APPDATA || join(home, 'AppData', 'Roaming')
  return env.XDG_CONFIG_HOME || join(home, '.config')
}
