// Parts of the document that live outside the explorer's own state (the upstream gradient the
// backward view sets, for instance): registered here so that undo, save, open and autosave
// carry them too, without the explorer knowing those views.

import type { Explorer } from './explorer.svelte'

/**
 * One part of the document. `capture` must return an immutable value (a new object after every
 * change, never one changed in place) and should read reactive state, so an edit is noticed.
 */
export interface DocumentPart<T = unknown> {
  capture(): T
  restore(value: T): void
}

const registries = new WeakMap<Explorer, Map<string, DocumentPart>>()

/** The parts registered for this explorer, by name. */
export function documentParts(app: Explorer): Map<string, DocumentPart> {
  let parts = registries.get(app)
  if (!parts) registries.set(app, (parts = new Map()))
  return parts
}

/**
 * Registers a part; returns the function that removes it (call it when the view is destroyed).
 * The name 'gradOutput' is saved as the session's upstream gradient (a SessionGradOutput, or
 * null for none); any other name is saved in the session's view state.
 */
export function registerDocumentPart<T>(app: Explorer, name: string, part: DocumentPart<T>): () => void {
  const parts = documentParts(app)
  parts.set(name, part as DocumentPart)
  return () => {
    if (parts.get(name) === part) parts.delete(name)
  }
}
