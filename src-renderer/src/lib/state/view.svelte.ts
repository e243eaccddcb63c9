// View state that is not the document and is not remembered: the workbench's tab, the dialogs
// open, and the file pickers the commands click.

export type WorkTab = 'animation' | 'backward' | 'check' | 'learn'
export const WORK_TABS: readonly WorkTab[] = ['animation', 'backward', 'check', 'learn']

export class View {
  tab = $state<WorkTab>('animation')
  helpOpen = $state(false)
  aboutOpen = $state(false)
  exporting = $state(false)
  /** The session file picker (DocumentControls'), clicked by the Open command. */
  sessionPicker: HTMLInputElement | null = null
}
