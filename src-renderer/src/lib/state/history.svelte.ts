// Undo and redo of every edit of the document (input, kernel, bias, settings, loads) as a list
// of immutable snapshots. Unchanged tensors are shared between snapshots; a changed one is
// copied once per step. One pointer gesture (a stroke, a painted kernel drag) is one step, and a
// burst of typing in one field is one step.

import { untrack } from 'svelte'
import { LIMITS } from '../../../../contract'
import type { Tensor } from '../../../../core/tensor'
import type { ConvDocument, DocumentOwners } from './document'
import { readDocument, sameApartFromInput, writeDocument } from './document'

/** One undo step: the whole document (its input never changed in place: the explorer edits its own copy). */
export interface DocumentSnapshot extends ConvDocument {
  /** Unique per step; the session compares it with the saved one to know about unsaved changes. */
  readonly id: number
}

export interface HistoryOptions {
  /** Most steps kept (older ones are forgotten first). */
  maxSteps?: number
  /** Most bytes of tensor values kept over all steps, shared tensors counted once. */
  maxBytes?: number
  /** Edits of one text field closer together than this are one step. */
  typingMs?: number
  now?: () => number
}

/** The live input a snapshot was taken from: a new object means the explorer changed it. */
interface Seen {
  input: Tensor
}

const TEXT_INPUTS = new Set(['text', 'number', 'search', ''])

function isTextField(element: Element | null): element is HTMLElement {
  if (!element) return false
  if (element instanceof HTMLTextAreaElement) return true
  return element instanceof HTMLInputElement && TEXT_INPUTS.has(element.getAttribute('type') ?? '')
}

function copyTensor(tensor: Tensor): Tensor {
  return { shape: [...tensor.shape], data: Float64Array.from(tensor.data) }
}

/** Inputs small enough to draw on are edited in place, so they are copied; larger ones never are. */
function editable(tensor: Tensor): boolean {
  return tensor.shape[2] <= LIMITS.maxDrawSide && tensor.shape[3] <= LIMITS.maxDrawSide
}

export class History {
  past = $state.raw<DocumentSnapshot[]>([])
  present = $state.raw<DocumentSnapshot>(null as unknown as DocumentSnapshot)
  future = $state.raw<DocumentSnapshot[]>([])

  readonly canUndo = $derived(this.past.length > 0)
  readonly canRedo = $derived(this.future.length > 0)

  private seen: Seen
  private nextId = 1
  private pointerDown = false
  private pending = false
  private separate = false
  private lastEdit: { element: HTMLElement; at: number; id: number } | null = null
  private readonly maxSteps: number
  private readonly maxBytes: number
  private readonly typingMs: number
  private readonly now: () => number

  constructor(
    private readonly owners: DocumentOwners,
    options: HistoryOptions = {},
  ) {
    this.maxSteps = options.maxSteps ?? 100
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024
    this.typingMs = options.typingMs ?? 1200
    this.now = options.now ?? (() => performance.now())
    this.seen = { input: owners.explorer.input }
    this.present = this.take(null)
  }

  /**
   * Reads everything an edit can change, so an effect that calls it reruns on every edit, and
   * records the edit. Call from a component effect.
   */
  observe(): void {
    const now = readDocument(this.owners)
    untrack(() => {
      if (!this.changed(now)) return
      // During a gesture the step is taken when it ends: one copy of the input per stroke.
      if (this.pointerDown) this.pending = true
      else this.record()
    })
  }

  /**
   * Listens for painting gestures (a press on a canvas or a grid) on the window; returns the
   * cleanup. Call from a component effect. Other presses (a list's own popup may swallow the
   * release) are not gestures.
   */
  attach(target: Window = window): () => void {
    const down = (event: Event) => {
      const element = event.target as Element | null
      if (typeof element?.closest === 'function' && element.closest('canvas, [role="grid"]')) this.pointerDown = true
    }
    const up = () => {
      if (!this.pointerDown) return
      this.pointerDown = false
      // Handlers of the same pointerup may still edit; record after them.
      setTimeout(() => {
        if (this.pending) this.record(true)
      })
    }
    target.addEventListener('pointerdown', down, true)
    target.addEventListener('pointerup', up, true)
    target.addEventListener('pointercancel', up, true)
    target.addEventListener('blur', up)
    return () => {
      target.removeEventListener('pointerdown', down, true)
      target.removeEventListener('pointerup', up, true)
      target.removeEventListener('pointercancel', up, true)
      target.removeEventListener('blur', up)
    }
  }

  /** The next edit is its own step (a load), never merged with typing before it. */
  separateNext(): void {
    this.separate = true
  }

  /** Records what changed now, as a step of its own (a load); returns the present step's id. */
  checkpoint(): number {
    this.separate = true
    this.record()
    this.separate = false
    return this.present.id
  }

  /**
   * Ends the step being made (a burst of typing, a gesture's edits not yet recorded): the present
   * step is what the page shows, and the next edit is a step of its own. Save calls it, so the
   * file holds the present step and stays one undo away while the user types on. Returns it.
   */
  settle(): DocumentSnapshot {
    this.record()
    this.lastEdit = null
    return this.present
  }

  undo(): boolean {
    this.flush()
    const previous = this.past.at(-1)
    if (!previous) return false
    this.future = [this.present, ...this.future]
    this.past = this.past.slice(0, -1)
    this.restore(previous)
    return true
  }

  redo(): boolean {
    this.flush()
    const next = this.future[0]
    if (!next) return false
    this.past = [...this.past, this.present]
    this.future = this.future.slice(1)
    this.restore(next)
    return true
  }

  /** A gesture's edits not yet recorded become their step now (before undo or redo). */
  private flush(): void {
    if (this.pending) this.record(true)
  }

  /** Bytes of tensor values held by all steps, shared tensors counted once. */
  bytes(): number {
    // A local tally, not state: nothing reads it reactively.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const arrays = new Set<Float64Array>()
    for (const step of [...this.past, this.present, ...this.future]) {
      arrays.add(step.input.data)
      arrays.add(step.weight.data)
      arrays.add(step.bias)
    }
    let total = 0
    for (const array of arrays) total += array.byteLength
    return total
  }

  private changed(now: ConvDocument = readDocument(this.owners)): boolean {
    return now.input !== this.seen.input || !sameApartFromInput(now, this.present)
  }

  /** Makes the current state a step; merges it into the last one while typing in the same field. */
  private record(gesture = false): void {
    this.pending = false
    if (!this.changed()) return
    const focused = typeof document === 'undefined' ? null : document.activeElement
    const at = this.now()
    const merge =
      !gesture &&
      !this.separate &&
      this.onlyValuesChanged() &&
      isTextField(focused) &&
      this.lastEdit?.element === focused &&
      this.lastEdit.id === this.present.id &&
      at - this.lastEdit.at < this.typingMs &&
      this.past.length > 0
    this.separate = false
    const step = this.take(this.present)
    if (merge) this.present = step
    else {
      this.past = [...this.past, this.present]
      this.present = step
    }
    this.future = []
    this.lastEdit = isTextField(focused) ? { element: focused, at, id: step.id } : null
    this.trim()
  }

  /** Typing changes values, never the input, its origin or the kernel's shape (loads do). */
  private onlyValuesChanged(): boolean {
    const app = this.owners.explorer
    const present = this.present
    return app.input === this.seen.input && app.origin === present.origin && app.weight.shape.join() === present.weight.shape.join()
  }

  /** A snapshot of the document now, sharing what did not change since `before`. */
  private take(before: DocumentSnapshot | null): DocumentSnapshot {
    const now = readDocument(this.owners)
    const inputChanged = !before || now.input !== this.seen.input
    // Kernels, biases and drawings are replaced, never changed in place, so they are shared as they are.
    const snapshot: DocumentSnapshot = Object.freeze({
      ...now,
      id: this.nextId++,
      input: inputChanged ? (editable(now.input) ? copyTensor(now.input) : now.input) : before.input,
      settings: Object.freeze(now.settings),
    })
    this.seen = { input: now.input }
    return snapshot
  }

  private restore(step: DocumentSnapshot): void {
    this.present = step
    this.lastEdit = null
    // The explorer draws on its input in place: it gets its own copy, the step stays as it was.
    const input = editable(step.input) ? copyTensor(step.input) : step.input
    writeDocument(this.owners, { ...step, input })
    this.seen = { input }
  }

  private trim(): void {
    let past = this.past
    if (past.length > this.maxSteps) past = past.slice(past.length - this.maxSteps)
    this.past = past
    while (this.past.length > 0 && this.bytes() > this.maxBytes) this.past = this.past.slice(1)
  }
}
