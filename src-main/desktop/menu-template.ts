// The application menu as data (File, Edit, View, Help) in English or Spanish. Items that act
// on the page send a MenuCommand; the open items run a native dialog first. No Electron import
// at run time, so the template is tested without Electron.

import type { MenuItemConstructorOptions } from 'electron'
import type { Language } from '../../core/errors'
import type { MenuCommand, RecentFile } from '../../contract'

export type OpenPurpose = 'image' | 'kernel' | 'tensor' | 'session'

export interface MenuActions {
  command(command: MenuCommand): void
  open(purpose: OpenPurpose): void
  /** File ▸ Open Recent ▸ a file. */
  openRecent?(path: string): void
  /** Help ▸ Open the Log Folder: the folder of the log file and the crash reports, in the system's file manager. */
  openLogFolder?(): void
}

export interface MenuOptions {
  /** Menus follow the platform: the app menu and Cmd on macOS, Ctrl+Y for Redo on Windows and Linux. */
  platform?: NodeJS.Platform
  recent?: readonly RecentFile[]
}

const LABELS = {
  en: {
    openSession: 'Open Session…',
    openRecent: 'Open Recent',
    noRecent: 'No Recent Files',
    save: 'Save',
    saveAs: 'Save As…',
    window: 'Window',
    file: 'File',
    openImage: 'Open Image…',
    openKernel: 'Open Kernel…',
    openTensor: 'Open Tensor (.npy)…',
    export: 'Export…',
    quit: 'Quit',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    view: 'View',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    zoomReset: 'Actual Size',
    language: 'Language',
    theme: 'Theme',
    light: 'Light',
    dark: 'Dark',
    system: 'Follow the System',
    fullScreen: 'Full Screen',
    help: 'Help',
    shortcuts: 'Keyboard Shortcuts',
    about: 'About Convolab',
    logFolder: 'Open the Log Folder',
    lessons: 'Lessons…',
    present: 'Present',
  },
  es: {
    openSession: 'Abrir sesión…',
    openRecent: 'Abrir reciente',
    noRecent: 'No hay archivos recientes',
    save: 'Guardar',
    saveAs: 'Guardar como…',
    window: 'Ventana',
    file: 'Archivo',
    openImage: 'Abrir imagen…',
    openKernel: 'Abrir kernel…',
    openTensor: 'Abrir tensor (.npy)…',
    export: 'Exportar…',
    quit: 'Salir',
    edit: 'Edición',
    undo: 'Deshacer',
    redo: 'Rehacer',
    view: 'Ver',
    zoomIn: 'Acercar',
    zoomOut: 'Alejar',
    zoomReset: 'Tamaño real',
    language: 'Idioma',
    theme: 'Tema',
    light: 'Claro',
    dark: 'Oscuro',
    system: 'Seguir al sistema',
    fullScreen: 'Pantalla completa',
    help: 'Ayuda',
    shortcuts: 'Atajos de teclado',
    about: 'Acerca de Convolab',
    logFolder: 'Abrir la carpeta del registro',
    lessons: 'Lecciones…',
    present: 'Presentar',
  },
} as const

export function menuTemplate(language: Language, actions: MenuActions, options: MenuOptions = {}): MenuItemConstructorOptions[] {
  const t = LABELS[language]
  const mac = (options.platform ?? process.platform) === 'darwin'
  const send = (command: MenuCommand) => () => actions.command(command)
  const recent: MenuItemConstructorOptions[] = (options.recent ?? []).map((file) => ({
    label: file.name,
    toolTip: file.path,
    click: () => actions.openRecent?.(file.path),
  }))
  const file: MenuItemConstructorOptions = {
    label: t.file,
    submenu: [
      { label: t.openSession, accelerator: 'CmdOrCtrl+O', click: () => actions.open('session') },
      { label: t.openRecent, submenu: recent.length ? recent : [{ label: t.noRecent, enabled: false }] },
      { type: 'separator' },
      { label: t.openImage, accelerator: 'CmdOrCtrl+I', click: () => actions.open('image') },
      { label: t.openKernel, accelerator: 'CmdOrCtrl+K', click: () => actions.open('kernel') },
      { label: t.openTensor, accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('tensor') },
      { type: 'separator' },
      { label: t.save, accelerator: 'CmdOrCtrl+S', click: send('save') },
      { label: t.saveAs, accelerator: 'CmdOrCtrl+Shift+S', click: send('save-as') },
      { label: t.export, accelerator: 'CmdOrCtrl+E', click: send('export') },
      // macOS keeps Quit in the app menu.
      ...(mac ? [] : [{ type: 'separator' } as const, { label: t.quit, role: 'quit' } as const]),
    ],
  }
  const template: MenuItemConstructorOptions[] = [
    file,
    {
      label: t.edit,
      submenu: [
        { label: t.undo, accelerator: 'CmdOrCtrl+Z', click: send('undo') },
        // Redo is Shift+Cmd+Z on macOS, Ctrl+Y on Windows and Linux.
        { label: t.redo, accelerator: mac ? 'Cmd+Shift+Z' : 'Ctrl+Y', click: send('redo') },
        { type: 'separator' },
        // Text fields keep their native clipboard.
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: t.view,
      submenu: [
        { label: t.zoomIn, accelerator: 'CmdOrCtrl+=', click: send('zoom-in') },
        { label: t.zoomOut, accelerator: 'CmdOrCtrl+-', click: send('zoom-out') },
        { label: t.zoomReset, accelerator: 'CmdOrCtrl+0', click: send('zoom-reset') },
        { type: 'separator' },
        {
          label: t.language,
          submenu: [
            { label: 'English', type: 'radio', checked: language === 'en', click: send('language-en') },
            { label: 'Español', type: 'radio', checked: language === 'es', click: send('language-es') },
          ],
        },
        {
          label: t.theme,
          submenu: [
            { label: t.light, click: send('theme-light') },
            { label: t.dark, click: send('theme-dark') },
            { label: t.system, click: send('theme-system') },
          ],
        },
        { type: 'separator' },
        { label: t.present, accelerator: 'F5', click: send('present') },
        { label: t.fullScreen, role: 'togglefullscreen', accelerator: mac ? 'Ctrl+Cmd+F' : 'F11' },
      ],
    },
    ...(mac ? [{ label: t.window, role: 'windowMenu' } as const] : []),
    {
      label: t.help,
      role: 'help',
      submenu: [
        { label: t.lessons, click: send('lessons') },
        { label: t.shortcuts, accelerator: 'F1', click: send('shortcuts') },
        { label: t.logFolder, click: () => actions.openLogFolder?.() },
        // On macOS About lives in the app menu.
        ...(mac ? [] : [{ label: t.about, click: send('about') }]),
      ],
    },
  ]
  if (!mac) return template
  const appMenu: MenuItemConstructorOptions = {
    label: 'Convolab',
    submenu: [
      { label: t.about, click: send('about') },
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  }
  return [appMenu, ...template]
}

/** File filters of the open dialogs. */
export function openFilters(purpose: OpenPurpose, language: Language): Array<{ name: string; extensions: string[] }> {
  const es = language === 'es'
  switch (purpose) {
    case 'image':
      return [{ name: es ? 'Imágenes' : 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'] }]
    case 'kernel':
      return [{ name: 'Kernel', extensions: ['npy', 'csv', 'json'] }]
    case 'tensor':
      return [{ name: 'NumPy', extensions: ['npy'] }]
    case 'session':
      return [{ name: es ? 'Sesión de Convolab' : 'Convolab session', extensions: ['convolab'] }]
  }
}
