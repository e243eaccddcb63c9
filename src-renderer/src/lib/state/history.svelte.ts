// Undo and redo of every edit of the document (input, kernel, bias, settings, loads) as a list
// of immutable snapshots. Unchanged tensors are shared between snapshots; a changed one is
// copied once per step. One pointer gesture (a stroke, a painted kernel drag) is one step, and a
// burst of typing in one field is one step.

import { untrack } from 'svelte'
import { LIMITS } from '../../../../contract'
import type { Tensor } from '../../../../core/tensor'
import type { SettingsForm } from '../settings/options'
import type { Explorer, InputOrigin } from './explorer.svelte'
import { documentParts } from './session-parts'

export interface DocumentSnapshot {
  /** Unique per step; the session compares it with the saved one to know about unsaved changes. */
  readonly id: number
  /** Never changed in place: the explorer edits its own copy. */
  readonly input: Tensor
  readonly origin: InputOrigin
  readonly weight: Tensor
  readonly bias: Float64Array
  readonly useBias: boolean
  readonly settings: Readonly<SettingsForm>
  /** Registered document parts (session-parts.ts), by name. */
  readonly parts: Readonly<Record<string, unknown>>
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

/** The live objects a snapshot was taken from: a new object means the explorer changed it. */
interface Seen {
  input: Tensor
  weight: Tensor
  bias: Float64Array
}

const TEXT_INPUTS = new Set(['text', 'number', 'search', ''])

function isTextField(element: Element | null): element is HTMLElement {
  if (!element) return false
  if (element instanceof HTMLTextAreaElement) return true
  return element instanceof HTMLInputElement && TEXT_INPUTS.has(element.getAttribute('type') ?? '')
}

function sameSettings(a: SettingsForm, b: SettingsForm): boolean {
  return (Object.keys(a) as (keyof SettingsForm)[]).every((key) => Object.is(a[key], b[key]))
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
    private readonly app: Explorer,
    options: HistoryOptions = {},
  ) {
    this.maxSteps = options.maxSteps ?? 100
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024
    this.typingMs = options.typingMs ?? 1200
    this.now = options.now ?? (() => performance.now())
    this.seen = { input: app.input, weight: app.weight, bias: app.bias }
    this.present = this.take(null)
  }

  /**
   * Reads everything an edit can change, so an effect that calls it reruns on every edit, and
   * records the edit. Call from a component effect.
   */
  observe(): void {
    const { input, weight, bias, useBias, origin } = this.app
    const settings = { ...this.app.settings }
    const parts = this.captureParts()
    void [input, weight, bias, useBias, origin, settings]
    untrack(() => {
      if (!this.changed(parts)) return
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

  private captureParts(): Record<string, unknown> {
    const parts: Record<string, unknown> = {}
    for (const [name, part] of documentParts(this.app)) parts[name] = part.capture()
    return parts
  }

  private changed(parts: Record<string, unknown>): boolean {
    const app = this.app
    const present = this.present
    // A part registered after the last step is adopted without a step of its own.
    const adopted = Object.keys(parts).filter((name) => !(name in present.parts))
    if (adopted.length) this.present = { ...present, parts: { ...present.parts, ...Object.fromEntries(adopted.map((n) => [n, parts[n]])) } }
    return (
      app.input !== this.seen.input ||
      app.weight !== this.seen.weight ||
      app.bias !== this.seen.bias ||
      app.useBias !== present.useBias ||
      app.origin !== present.origin ||
      !sameSettings(app.settings, present.settings) ||
      Object.keys(parts).some((name) => !Object.is(parts[name], this.present.parts[name]))
    )
  }

  /** Makes the current state a step; merges it into the last one while typing in the same field. */
  private record(gesture = false): void {
    this.pending = false
    if (!this.changed(this.captureParts())) return
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
    const app = this.app
    const present = this.present
    return app.input === this.seen.input && app.origin === present.origin && app.weight.shape.join() === present.weight.shape.join()
  }

    /** A snapshot of the explorer now, sharing what did not change since `before`. */
  private take(before: DocumentSnapshot | null): DocumentSnapshot {
    const app = this.app
    const inputChanged = !before || app.input !== this.seen.input
    const snapshot: DocumentSnapshot = {
      id: this.nextId++,
      input: inputChanged ? (editable(app.input) ? copyTensor(app.input) : app.input) : before.input,
      origin: app.origin,
      // Kernels and biases are replaced, never changed in place, so they are shared as they are.
      weight: app.weight,
      bias: app.bias,
      useBias: app.useBias,
      settings: Object.freeze({ ...app.settings }),
      parts: Object.freeze(this.captureParts()),
    }
    this.seen = { input: app.input, weight: app.weight, bias: app.bias }
    return snapshot
  }

  private restore(step: DocumentSnapshot): void {
    const app = this.app
    this.present = step
    this.lastEdit = null
    // The explorer draws on its input in place: it gets its own copy, the step stays as it was.
    const input = editable(step.input) ? copyTensor(step.input) : step.input
    app.input = input
    app.origin = step.origin
    app.weight = step.weight
    app.bias = step.bias
    app.useBias = step.useBias
    Object.assign(app.settings, step.settings)
    app.batchIndex = Math.min(app.batchIndex, input.shape[0] - 1)
    app.filter = Math.min(app.filter, step.weight.shape[0] - 1)
    app.slice = Math.min(app.slice, step.weight.shape[1] - 1)
    app.hover = null
    for (const [name, part] of documentParts(app)) if (name in step.parts) part.restore(step.parts[name])
    this.seen = { input, weight: step.weight, bias: step.bias }
  }

  private trim(): void {
    let past = this.past
    if (past.length > this.maxSteps) past = past.slice(past.length - this.maxSteps)
    this.past = past
    while (this.past.length > 0 && this.bytes() > this.maxBytes) this.past = this.past.slice(1)
  }
}
