// The application menu as data (File, Edit, View, Help) in English or Spanish. Items that act
// on the page send a MenuCommand; the open items run a native dialog first. No Electron import
// at run time, so the template is tested without Electron.

import type { MenuItemConstructorOptions } from 'electron'
import type { Language } from '../../core/errors'
import type { MenuCommand } from '../../contract'

export type OpenPurpose = 'image' | 'kernel' | 'tensor'

export interface MenuActions {
  command(command: MenuCommand): void
  open(purpose: OpenPurpose): void
}

const LABELS = {
  en: {
    file: 'File', openImage: 'Open Image…', openKernel: 'Open Kernel…', openTensor: 'Open Tensor (.npy)…',
    export: 'Export…', quit: 'Quit', edit: 'Edit', undo: 'Undo', redo: 'Redo', view: 'View',
    zoomIn: 'Zoom In', zoomOut: 'Zoom Out', zoomReset: 'Actual Size', language: 'Language',
    theme: 'Theme', light: 'Light', dark: 'Dark', system: 'Follow the System', fullScreen: 'Full Screen',
    help: 'Help', shortcuts: 'Keyboard Shortcuts', about: 'About Convolab',
  },
  es: {
    file: 'Archivo', openImage: 'Abrir imagen…', openKernel: 'Abrir kernel…', openTensor: 'Abrir tensor (.npy)…',
    export: 'Exportar…', quit: 'Salir', edit: 'Edición', undo: 'Deshacer', redo: 'Rehacer', view: 'Ver',
    zoomIn: 'Acercar', zoomOut: 'Alejar', zoomReset: 'Tamaño real', language: 'Idioma',
    theme: 'Tema', light: 'Claro', dark: 'Oscuro', system: 'Seguir al sistema', fullScreen: 'Pantalla completa',
    help: 'Ayuda', shortcuts: 'Atajos de teclado', about: 'Acerca de Convolab',
  },
} as const

export function menuTemplate(language: Language, actions: MenuActions): MenuItemConstructorOptions[] {
  const t = LABELS[language]
  const send = (command: MenuCommand) => () => actions.command(command)
  return [
    {
      label: t.file,
      submenu: [
        { label: t.openImage, accelerator: 'CmdOrCtrl+O', click: () => actions.open('image') },
        { label: t.openKernel, accelerator: 'CmdOrCtrl+K', click: () => actions.open('kernel') },
        { label: t.openTensor, accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.open('tensor') },
        { type: 'separator' },
        { label: t.export, accelerator: 'CmdOrCtrl+E', click: send('export') },
        { type: 'separator' },
        { label: t.quit, role: 'quit' },
      ],
    },
    {
      label: t.edit,
      submenu: [
        { label: t.undo, accelerator: 'CmdOrCtrl+Z', click: send('undo') },
        { label: t.redo, accelerator: 'CmdOrCtrl+Shift+Z', click: send('redo') },
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
        { label: t.fullScreen, role: 'togglefullscreen' },
      ],
    },
    {
      label: t.help,
      submenu: [
        { label: t.shortcuts, accelerator: 'F1', click: send('shortcuts') },
        { label: t.about, click: send('about') },
      ],
    },
  ]
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
  }
}
