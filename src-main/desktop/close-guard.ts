// Closing the window with unsaved changes: ask Save / Don't save / Cancel, and for Save let the
// renderer save first (it holds the session), closing only once the file is written. A plain
// state machine, tested without Electron; the glue shows the dialog and does what it says.

export type CloseAnswer = 'save' | 'discard' | 'cancel'

/** What to do now: close the window, keep it open, ask the user, or ask the renderer to save. */
export type CloseAction = 'close' | 'stay' | 'ask' | 'save'

export class CloseGuard {
  private dirty = false
  /** Set once the user's answer allows the window to close. */
  private allowed = false
  private closeAfterSave = false

  setDirty(dirty: boolean): void {
    this.dirty = dirty
  }

  get isDirty(): boolean {
    return this.dirty
  }

  /** The window is about to close. */
  closeRequested(): CloseAction {
    if (this.allowed || !this.dirty) return 'close'
    return 'ask'
  }

  /** The user answered the dialog. 'close' means: close the window again (it is now allowed). */
  answered(answer: CloseAnswer): CloseAction {
    if (answer === 'cancel') return 'stay'
    if (answer === 'discard') {
      this.allowed = true
      return 'close'
    }
    this.closeAfterSave = true
    return 'save'
  }

  /** A save ended: written to a file (true) or cancelled / failed (false). */
  saveEnded(saved: boolean): CloseAction {
    if (!this.closeAfterSave) return 'stay'
    this.closeAfterSave = false
    if (!saved) return 'stay'
    this.dirty = false
    this.allowed = true
    return 'close'
  }
}

/** The dialog's buttons in order, and which answer each index is. */
export function closeDialogButtons(language: 'en' | 'es'): { buttons: string[]; answers: CloseAnswer[]; message: string; detail: string } {
  const es = language === 'es'
  return {
    buttons: es ? ['Guardar', 'No guardar', 'Cancelar'] : ['Save', "Don't Save", 'Cancel'],
    answers: ['save', 'discard', 'cancel'],
    message: es ? '¿Guardar los cambios de esta sesión?' : 'Save the changes to this session?',
    detail: es ? 'Si no los guarda, se perderán.' : "Your changes will be lost if you don't save them.",
  }
}
