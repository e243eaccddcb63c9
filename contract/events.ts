// Events main pushes to the renderer: menu commands, files opened from the OS, progress.

/** Events main pushes to the renderer (menus, progress, files opened from the OS). */
export type EngineEvent =
  | { type: 'menu'; command: MenuCommand }
  /**
   * purpose: what the menu item asked for (an .npy may be an input or a kernel); for files from
   * the OS or the command line it follows the extension (.convolab 'session', images 'image',
   * .npy 'tensor'). path: where the file is (Electron only); a 'session' passes it back to
   * openSession({ bytes, name, path }) so that Save writes to the same file.
   */
  | { type: 'open-file'; name: string; bytes: Uint8Array; purpose?: 'image' | 'kernel' | 'tensor' | 'session'; path?: string }
  | { type: 'progress'; task: 'gradcheck' | 'export' | 'image'; done: number; total: number }

export type MenuCommand =
  | 'open-image'
  | 'open-kernel'
  | 'open-tensor'
  | 'export'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-reset'
  | 'language-en'
  | 'language-es'
  | 'theme-light'
  | 'theme-dark'
  | 'theme-system'
  | 'about'
  | 'shortcuts'
  /** Help ▸ Lessons: the lesson gallery. */
  | 'lessons'
  /** View ▸ Present (F5): the stage full-window. */
  | 'present'
  /** File ▸ Save: the renderer calls saveSession with its document's path (none for a new one). */
  | 'save'
  /** File ▸ Save As: the renderer calls saveSession without a path (a save dialog in Electron). */
  | 'save-as'
