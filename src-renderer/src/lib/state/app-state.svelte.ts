// The app's state, created once at the root (App.svelte) and shared with every component by
// context (context.ts): the document's editors (explorer, backward, learning, player), the view,
// undo history, preferences, the open session and the command list. `start` wires them to each
// other and to the engine, with effects that live as long as the window.

import type { Transport } from '../../../../contract'
import type { Language } from '../../../../core/errors'
import type { CommandId } from '../commands/commands'
import { runCommand } from '../commands/commands'
import { isMacPlatform } from '../keyboard/shortcuts'
import { MATRIX_MAX_SIDE } from '../matrix/layer-matrix'
import { AnimationPlayer } from './animation.svelte'
import { Backward } from './backward.svelte'
import type { DocumentOwners } from './document'
import { Explorer } from './explorer.svelte'
import type { HistoryOptions } from './history.svelte'
import { History } from './history.svelte'
import { Learning } from './learning.svelte'
import { Preferences } from './preferences.svelte'
import { SessionStore } from './session.svelte'
import { Stage } from './stage.svelte'
import { View } from './view.svelte'

export interface AppStateOptions {
  language?: Language
  history?: HistoryOptions
  autosaveMs?: number
  /** Browser mode: offer a saved session as a file download. */
  download?: (name: string, file: Uint8Array[]) => void
}

export class AppState implements DocumentOwners {
  readonly explorer: Explorer
  readonly backward: Backward
  readonly player: AnimationPlayer
  readonly learning: Learning
  readonly stage: Stage
  readonly view = new View()
  readonly history: History
  readonly preferences: Preferences
  readonly session: SessionStore
  readonly mac = isMacPlatform()

  constructor(
    readonly transport: Transport,
    options: AppStateOptions = {},
  ) {
    this.explorer = new Explorer(transport)
    if (options.language) this.explorer.language = options.language
    this.backward = new Backward(this.explorer)
    this.player = new AnimationPlayer(this.explorer)
    this.learning = new Learning(this.explorer, this.backward)
    this.stage = new Stage(this.explorer, this.player)
    this.history = new History(this, options.history)
    this.preferences = new Preferences(this.explorer, transport)
    this.session = new SessionStore(this, this.history, transport, {
      ...(options.autosaveMs !== undefined ? { autosaveMs: options.autosaveMs } : {}),
      download: options.download,
      zoom: () => this.preferences.zoom,
      setZoom: (zoom) => (this.preferences.zoom = zoom),
      // A Mac window shows unsaved changes in its close button, as main's title does; a browser tab cannot.
      markInTitle: !(transport.host === 'electron' && this.mac),
    })
  }

  /** The views that show gradients are open: the engine computes the backward pass with the maps. */
  readonly needsGradient = $derived.by(
    () =>
      this.view.tab === 'backward' ||
      (this.view.tab === 'animation' && this.player.kind !== 'forward') ||
      this.view.exporting ||
      // the Matrix tab shows dE/dy and dE/dx beside Cᵀ (on the small inputs it draws)
      (this.view.tab === 'matrix' && Math.max(this.explorer.input.shape[2], this.explorer.input.shape[3]) <= MATRIX_MAX_SIDE),
  )

  /** Runs a command of the list (menu, keyboard, buttons); false when it cannot run now. */
  run(id: CommandId): boolean {
    return runCommand(this, id)
  }

  /**
   * Wires the state to the engine and to itself for the life of the window; returns the cleanup.
   * Call once, from the root component.
   */
  start(): () => void {
    return $effect.root(() => {
      $effect(() => this.explorer.connect())
      $effect(() => this.explorer.requestCompute())
      // The upstream gradient travels with the maps while a view shows gradients.
      $effect(() => {
        this.explorer.engineGradient = this.needsGradient ? this.backward.spec : null
      })
      $effect(() => {
        if (this.needsGradient && this.backward.choice === 'mse') void this.backward.refreshPresetTarget()
      })
      // The stage's values follow the maps while the animation or the export shows them.
      $effect(() => {
        if (this.view.tab === 'animation' || this.view.exporting) void this.stage.refresh()
      })
      // A learning run belongs to its input, settings and target.
      $effect(() => this.learning.follow())
      $effect(() => () => this.learning.dispose())
      $effect(() => () => this.player.dispose())
      $effect(() => this.history.attach())
      $effect(() => this.history.observe())
      $effect(() => this.preferences.save())
      $effect(() => this.preferences.applyTheme())
      $effect(() => this.preferences.applyZoom())
      $effect(() => this.session.startAutosave())
      $effect(() => void this.session.announce())
      $effect(() => {
        document.title = this.session.title
        document.documentElement.lang = this.explorer.language
      })
      // A newly loaded image is a significant change: autosave it once its undo step is taken.
      $effect(() => {
        if (this.explorer.origin.kind !== 'image') return
        const timer = setTimeout(() => void this.session.autosave())
        return () => clearTimeout(timer)
      })
      void this.preferences.load()
      void this.session.checkRecovery()
    })
  }
}
