// View state that is not the document and is not remembered: the workbench's tab, the dialogs
// open, Present mode, the side panel, and the file pickers the commands click.

export type WorkTab = 'animation' | 'backward' | 'check' | 'learn' | 'matrix'
export const WORK_TABS: readonly WorkTab[] = ['animation', 'backward', 'check', 'learn', 'matrix']

export class View {
  tab = $state<WorkTab>('animation')
  helpOpen = $state(false)
  aboutOpen = $state(false)
  exporting = $state(false)
  lessonsOpen = $state(false)
  /** Present mode: the stage full-window with large type and the settings strip. */
  presenting = $state(false)
  /** The side panel (input, kernel, settings) is shown. */
  sideOpen = $state(true)
  /** The session file picker (DocumentControls'), clicked by the Open command. */
  sessionPicker: HTMLInputElement | null = null
}
