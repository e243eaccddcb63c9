// Every app command as data (in the manner of Excalidraw's actions): its id, label, shortcut,
// what it does, and whether it makes an undo step. The Electron menu's events, the keyboard and
// the buttons all run commands from this one list.

import type { MenuCommand } from '../../../../contract'
import type { MessageKey } from '../i18n'
import type { KeyCombo } from '../keyboard/shortcuts'
import type { AppState } from '../state/app-state.svelte'

export type CommandId = MenuCommand | 'open-session' | 'tool-brush' | 'tool-eraser' | 'tool-fill' | 'tool-pointer'

export interface Command {
  id: CommandId
  label: MessageKey
  /** Key combinations; none for commands only in menus and on buttons. */
  keys: readonly KeyCombo[]
  /** Electron's menu has this accelerator: there the menu acts, the page does not. */
  inMenu: boolean
  /** Whether running it changes the document (one undo step); view and file commands do not. */
  undoable: boolean
  perform(state: AppState): void
  /** Whether it can run now (a disabled button, a key that does nothing); always when absent. */
  enabled?(state: AppState): boolean
}

/** A file input of the explorer's panels, chosen by what it accepts. */
function clickFileInput(accepts: string): void {
  document.querySelector<HTMLInputElement>(`input[type="file"][accept*="${accepts}"]`)?.click()
}

const tool = (id: 'tool-brush' | 'tool-eraser' | 'tool-fill' | 'tool-pointer', label: MessageKey, key: string): Command => ({
  id,
  label,
  keys: [{ key, plain: true }],
  inMenu: false,
  undoable: false,
  enabled: (state) => id === 'tool-pointer' || state.explorer.drawable,
  perform: (state) => (state.explorer.tool = id.slice('tool-'.length) as typeof state.explorer.tool),
})

const theme = (id: 'theme-light' | 'theme-dark' | 'theme-system', label: MessageKey): Command => ({
  id,
  label,
  keys: [],
  inMenu: true,
  undoable: false,
  perform: (state) => (state.preferences.theme = id.slice('theme-'.length) as typeof state.preferences.theme),
})

export const COMMANDS: readonly Command[] = [
  {
    id: 'undo',
    label: 'keys.undo',
    keys: [{ key: 'z', mod: true }],
    inMenu: true,
    undoable: false,
    enabled: (s) => s.history.canUndo,
    perform: (s) => void s.history.undo(),
  },
  {
    id: 'redo',
    label: 'keys.redo',
    keys: [
      { key: 'z', mod: true, shift: true },
      { key: 'y', mod: true, mac: false },
    ],
    inMenu: true,
    undoable: false,
    enabled: (s) => s.history.canRedo,
    perform: (s) => void s.history.redo(),
  },
  { id: 'save', label: 'keys.save', keys: [{ key: 's', mod: true }], inMenu: true, undoable: false, perform: (s) => void s.session.save() },
  {
    id: 'save-as',
    label: 'keys.saveAs',
    keys: [{ key: 's', mod: true, shift: true }],
    inMenu: true,
    undoable: false,
    perform: (s) => void s.session.save(true),
  },
  {
    id: 'open-session',
    label: 'keys.openSession',
    keys: [{ key: 'o', mod: true }],
    inMenu: true,
    undoable: true,
    perform: (s) => s.view.sessionPicker?.click(),
  },
  { id: 'open-image', label: 'keys.openImage', keys: [{ key: 'i', mod: true }], inMenu: true, undoable: true, perform: () => clickFileInput('image/png') },
  { id: 'open-kernel', label: 'keys.openKernel', keys: [{ key: 'k', mod: true }], inMenu: true, undoable: true, perform: () => clickFileInput('.npy') },
  // Electron's menu opens the file itself and sends it as an open-file event.
  { id: 'open-tensor', label: 'keys.openKernel', keys: [], inMenu: true, undoable: true, perform: () => clickFileInput('.npy') },
  {
    id: 'export',
    label: 'work.export',
    keys: [],
    inMenu: true,
    undoable: false,
    // the current layer's check: a ConvTranspose2d or pool exports its own frames
    enabled: (s) => s.explorer.computable,
    perform: (s) => (s.view.exporting = true),
  },
  {
    id: 'zoom-in',
    label: 'keys.zoomIn',
    keys: [
      { key: '=', mod: true },
      { key: '+', mod: true },
    ],
    inMenu: true,
    undoable: false,
    perform: (s) => s.preferences.zoomBy(1),
  },
  { id: 'zoom-out', label: 'keys.zoomOut', keys: [{ key: '-', mod: true }], inMenu: true, undoable: false, perform: (s) => s.preferences.zoomBy(-1) },
  { id: 'zoom-reset', label: 'keys.zoomReset', keys: [{ key: '0', mod: true }], inMenu: true, undoable: false, perform: (s) => s.preferences.zoomReset() },
  { id: 'language-en', label: 'app.language', keys: [], inMenu: true, undoable: false, perform: (s) => (s.explorer.language = 'en') },
  { id: 'language-es', label: 'app.language', keys: [], inMenu: true, undoable: false, perform: (s) => (s.explorer.language = 'es') },
  theme('theme-light', 'prefs.theme.light'),
  theme('theme-dark', 'prefs.theme.dark'),
  theme('theme-system', 'prefs.theme.system'),
  { id: 'about', label: 'about.button', keys: [], inMenu: true, undoable: false, perform: (s) => (s.view.aboutOpen = true) },
  { id: 'lessons', label: 'lessons.button', keys: [], inMenu: true, undoable: false, perform: (s) => (s.view.lessonsOpen = true) },
  { id: 'present', label: 'keys.present', keys: [{ key: 'F5' }], inMenu: true, undoable: false, perform: (s) => (s.view.presenting = !s.view.presenting) },
  {
    id: 'shortcuts',
    label: 'keys.shortcuts',
    keys: [{ key: 'F1' }, { key: '?', plain: true }],
    inMenu: false,
    undoable: false,
    perform: (s) => (s.view.helpOpen = true),
  },
  tool('tool-brush', 'keys.toolBrush', 'b'),
  tool('tool-eraser', 'keys.toolEraser', 'e'),
  tool('tool-fill', 'keys.toolFill', 'f'),
  tool('tool-pointer', 'keys.toolPointer', 'p'),
]

const BY_ID = new Map(COMMANDS.map((command) => [command.id, command]))

export function commandById(id: CommandId): Command {
  const command = BY_ID.get(id)
  if (!command) throw new Error(`no command ${id}`)
  return command
}

/** Runs a command if it can run now; true when it ran. */
export function runCommand(state: AppState, id: CommandId): boolean {
  const command = commandById(id)
  if (command.enabled && !command.enabled(state)) return false
  command.perform(state)
  return true
}
