// The open document: its name and file, unsaved changes (the document as the file holds it,
// compared by value with the present undo step), the window's title, Save, Save As and Open
// through the contract, autosave to the data folder, and recovery after a crash.

import type { ErrorEnvelope, OpenSessionRequest, Recovery, Transport } from '../../../../contract'
import { documentTitle } from '../../../../contract/title'
import { ConvolabError } from '../../../../core/errors'
import type { Session } from '../../../../core/session'
import { translate } from '../i18n'
import { sendSession } from '../transport/session-upload'
import type { DocumentOwners } from './document'
import type { Explorer } from './explorer.svelte'
import type { DocumentSnapshot, History } from './history.svelte'
import { sameDocument } from './same-document'
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
  /** The title carries the unsaved mark (not where the window shows it itself: macOS's close button). */
  markInTitle?: boolean
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
  /**
   * The document as the file holds it (as saved or opened; the blank document at start). Kept as
   * the undo step it was, not as a flag flipped on every step, so undo and redo compare against it.
   * Null after restoring recovered work: no step is known to be what its file holds.
   */
  saved = $state.raw<DocumentSnapshot | null>(null)
  /** An autosave left by a run that did not end cleanly, offered at start. */
  recovery = $state.raw<Recovery | null>(null)

  /** Unsaved changes: the present undo step holds other values than the file. */
  readonly dirty = $derived.by(() => this.saved === null || !sameDocument(this.history.present, this.saved))

  /**
   * The page's title, e.g. "● untitled — Convolab": made here, in the same step as the state it
   * shows, so it never waits for the host's answer (which lags undo and redo while the page draws).
   */
  readonly title = $derived.by(() => documentTitle(this.displayName(), this.dirty, this.options.markInTitle ?? true))

  /**
   * Saves and opens in order of start; `fileSetBy` is the newest that set the file (name and
   * saved document), so a Save answering after a newer Save or an Open changes neither.
   */
  private started = 0
  private fileSetBy = 0
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
    this.saved = history.present
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

  /** Restores the recovered work as an undoable step; it stays unsaved until saved, even undone. */
  async restoreRecovery(): Promise<void> {
    const recovered = this.recovery
    if (!recovered) return
    this.recovery = null
    this.fileSetBy = ++this.started
    this.load(recovered.session)
    this.saved = null
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
    // What the page shows becomes the present step first, so the file and the step are the same work.
    const step = this.history.settle()
    const document = this.document()
    if (document === null) return false
    const order = ++this.started
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
    if (saved.kind === 'download') this.options.download?.(saved.name, sent.pieces)
    // Two saves on their way: the document is the newer one's, whichever answers last.
    if (order <= this.fileSetBy) return true
    this.fileSetBy = order
    this.name = saved.name
    if (saved.kind !== 'download') this.path = saved.path
    this.saved = step
    return true
  }

  /** Opens a .convolab file; a refused one is said and nothing changes. */
  async open(request: OpenSessionRequest): Promise<boolean> {
    const result = await this.transport.invoke('openSession', request)
    if (!result.ok) {
      this.app.report(result)
      return false
    }
    this.fileSetBy = ++this.started
    this.load(result.value.session)
    this.name = result.value.name
    this.path = result.value.path
    this.saved = this.history.present
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

  /**
   * Tells the host the document's name and unsaved state (the native window's title and edited
   * mark, the question before closing); reads both, so an effect reruns on change. The page's own
   * title does not wait for the answer.
   */
  async announce(): Promise<void> {
    await this.transport.invoke('setDocumentState', { name: this.displayName(), dirty: this.dirty })
  }
}
