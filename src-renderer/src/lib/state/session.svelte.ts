// The open document: its name and file, unsaved changes (the undo step it was saved at), Save,
// Save As and Open through the contract, autosave to the data folder, and recovery after a crash.

import type { ErrorEnvelope, OpenSessionRequest, Recovery, Transport } from '../../../../contract'
import { ConvolabError } from '../../../../core/errors'
import type { Session } from '../../../../core/session'
import { translate } from '../i18n'
import { sendSession } from '../transport/session-upload'
import type { DocumentOwners } from './document'
import type { Explorer } from './explorer.svelte'
import type { History } from './history.svelte'
import type { AutosaveClock } from './autosave-timing'
import { AUTOSAVE_QUIET_MS, autosaveDue } from './autosave-timing'
import { applySession, sessionOf } from './session-document'

export interface SessionOptions {
  /** How often unsaved work is autosaved, in ms. */
  autosaveMs?: number
  /** Browser mode: offer the file (its pieces, in order) as a download. */
  download?: (name: string, file: Uint8Array[]) => void
  /** The page zoom saved with the view, and how to restore it. */
  zoom?: () => number
  setZoom?: (zoom: number) => void
}

function envelope(error: unknown): ErrorEnvelope {
  const e = error instanceof ConvolabError ? error : new ConvolabError('bad-request', { detail: String(error) })
  return { ok: false, code: e.code, params: e.params, message: e.message }
}

export class SessionStore {
  /** The file's name; null for a document never saved or opened. */
  name = $state<string | null>(null)
  /** Where main keeps the file (Electron); Save writes back to it. */
  path = $state<string | undefined>(undefined)
  /** The undo step the file holds. */
  savedId = $state(0)
  /** An autosave left by a run that did not end cleanly, offered at start. */
  recovery = $state.raw<Recovery | null>(null)
  /** The title the host gave the window, e.g. "● untitled — Convolab". */
  title = $state('Convolab')

  /** Unsaved changes: the present undo step is not the one the file holds. */
  get dirty(): boolean {
    return this.history.present.id !== this.savedId
  }

  private autosavedId = 0
  private autosaving = false
  private readonly autosaveMs: number

  private readonly app: Explorer

  constructor(
    private readonly owners: DocumentOwners,
    private readonly history: History,
    private readonly transport: Transport,
    private readonly options: SessionOptions = {},
  ) {
    this.app = owners.explorer
    this.savedId = history.present.id
    this.autosavedId = history.present.id
    this.autosaveMs = options.autosaveMs ?? 10_000
  }

  /** The name shown in the title, in the user's language for a new document. */
  displayName(): string {
    return this.name ?? translate(this.app.language, 'session.untitled')
  }

  /** Asks for an autosave left by a crash; the page then offers to restore it. */
  async checkRecovery(): Promise<void> {
    const result = await this.transport.invoke('recovery', undefined)
    if (result.ok) this.recovery = result.value
    else if (result.code !== 'bad-request') this.app.report(result)
  }

  /** Restores the recovered work as an undoable step; it stays unsaved until saved. */
  async restoreRecovery(): Promise<void> {
    const recovered = this.recovery
    if (!recovered) return
    this.recovery = null
    this.load(recovered.session)
    this.name = recovered.name ?? null
    this.path = recovered.path
    await this.transport.invoke('discardRecovery', undefined)
    await this.autosave()
  }

  async discardRecovery(): Promise<void> {
    this.recovery = null
    await this.transport.invoke('discardRecovery', undefined)
  }

  /**
   * The document as a session, or null (said to the user) when it cannot be written. Settings
   * that cannot be computed are saved as they are: they are part of the user's work.
   */
  document(): Session | null {
    try {
      return sessionOf(this.owners, this.options.zoom?.())
    } catch (error) {
      this.app.report(envelope(error))
      return null
    }
  }

  /** Save (to the document's file when it has one) or Save As (asNew): true once written or downloaded. */
  async save(asNew = false): Promise<boolean> {
    const document = this.document()
    if (document === null) return false
    const stepId = this.history.present.id
    const path = asNew ? undefined : this.path
    // The file travels in pieces (a large photo is never one message), then Save names it.
    const sent = await sendSession(this.transport, document)
    if (!sent.ok) {
      this.app.report(sent)
      return false
    }
    const result = await this.transport.invoke('saveSession', {
      upload: sent.upload,
      ...(path ? { path } : {}),
      suggestedName: this.name ?? translate(this.app.language, 'session.untitled'),
    })
    if (!result.ok) {
      this.app.report(result)
      return false
    }
    const saved = result.value
    if (saved.kind === 'cancelled') return false
    if (saved.kind === 'download') {
      this.options.download?.(saved.name, sent.pieces)
      this.name = saved.name
    } else {
      this.name = saved.name
      this.path = saved.path
    }
    this.savedId = stepId
    return true
  }

  /** Opens a .convolab file; a refused one is said and nothing changes. */
  async open(request: OpenSessionRequest): Promise<boolean> {
    const result = await this.transport.invoke('openSession', request)
    if (!result.ok) {
      this.app.report(result)
      return false
    }
    this.load(result.value.session)
    this.name = result.value.name
    this.path = result.value.path
    this.savedId = this.history.present.id
    await this.autosave()
    return true
  }

  /** A session put into the explorer as one undo step of its own. */
  private load(session: Session): void {
    const zoom = applySession(this.owners, session)
    if (zoom !== undefined) this.options.setZoom?.(zoom)
    this.history.checkpoint()
  }

  /** Saves unsaved work to the data folder when it changed since the last autosave. */
  async autosave(): Promise<void> {
    const stepId = this.history.present.id
    if (this.autosaving || stepId === this.autosavedId) return
    this.autosaving = true
    try {
      const sent = await sendSession(this.transport, sessionOf(this.owners, this.options.zoom?.()))
      if (!sent.ok) return
      const result = await this.transport.invoke('autosave', {
        upload: sent.upload,
        ...(this.name ? { name: this.name } : {}),
        ...(this.path ? { path: this.path } : {}),
      })
      if (result.ok) this.autosavedId = stepId
    } finally {
      this.autosaving = false
    }
  }

  /**
   * Autosaves every few seconds once the edits have paused (autosave-timing); returns the cleanup.
   * Call from a component effect.
   */
  startAutosave(): () => void {
    const now = Date.now()
    const clock: AutosaveClock = { stepId: this.history.present.id, changedAt: now, savedAt: now }
    const timer = setInterval(
      () => {
        if (autosaveDue(clock, this.history.present.id, Date.now(), this.autosaveMs)) void this.autosave()
      },
      Math.min(this.autosaveMs, AUTOSAVE_QUIET_MS / 3),
    )
    return () => clearInterval(timer)
  }

  /** Tells the host the document's name and unsaved state; reads both, so an effect reruns on change. */
  async announce(): Promise<void> {
    const name = this.displayName()
    const dirty = this.dirty
    const result = await this.transport.invoke('setDocumentState', { name, dirty })
    this.title = result.ok ? result.value.title : `${dirty ? '● ' : ''}${name} — Convolab`
  }
}
