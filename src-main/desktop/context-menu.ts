// The right-click menu as data, in English or Spanish: in a text field Cut, Copy, Paste and
// Select All (each enabled as the field allows); on selected text Copy; on a value the page
// points at (a map cell) "Copy value". No Electron import at run time, so it is tested without Electron.

import type { MenuItemConstructorOptions } from 'electron'
import type { Language } from '../../core/errors'

/** What Electron's 'context-menu' event tells of the place clicked (the fields used here). */
export interface EditContext {
  isEditable: boolean
  selectionText: string
  editFlags: { canCut: boolean; canCopy: boolean; canPaste: boolean; canSelectAll: boolean }
}

const LABELS = {
  en: { cut: 'Cut', copy: 'Copy', paste: 'Paste', selectAll: 'Select All', copyValue: 'Copy Value', copyValueOf: 'Copy Value {value}' },
  es: { cut: 'Cortar', copy: 'Copiar', paste: 'Pegar', selectAll: 'Seleccionar todo', copyValue: 'Copiar valor', copyValueOf: 'Copiar valor {value}' },
} as const

/** The menu of a field or a selection; null when there is nothing to offer (no menu is shown). */
export function editMenuTemplate(language: Language, context: EditContext): MenuItemConstructorOptions[] | null {
  const t = LABELS[language]
  if (context.isEditable) {
    return [
      { label: t.cut, role: 'cut', enabled: context.editFlags.canCut },
      { label: t.copy, role: 'copy', enabled: context.editFlags.canCopy },
      { label: t.paste, role: 'paste', enabled: context.editFlags.canPaste },
      { type: 'separator' },
      { label: t.selectAll, role: 'selectAll', enabled: context.editFlags.canSelectAll },
    ]
  }
  if (context.selectionText.trim()) return [{ label: t.copy, role: 'copy', enabled: context.editFlags.canCopy }]
  return null
}

/** The menu of a value the page pointed at: "Copy Value 0.25" puts the value on the clipboard. */
export function valueMenuTemplate(language: Language, value: string, copy: (text: string) => void): MenuItemConstructorOptions[] {
  const t = LABELS[language]
  // A short value is shown in the item; a long one would make the menu as wide as the screen.
  const label = value.length <= 24 ? t.copyValueOf.replace('{value}', value) : t.copyValue
  return [{ label, click: () => copy(value) }]
}
