// The document: everything the user made that is saved, undone and reopened, as ONE typed object
// (input, kernel, bias, settings, the upstream gradient and target, the learning setup, the
// true-convolution view and the animation's region). View state (hover, zoom, tabs, colour map)
// lives elsewhere. Read from and written to the state objects that edit it.

import type { SessionLayer, SessionStack } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { Region } from '../animation/region'
import { sameRegion } from '../animation/region'
import type { SettingsForm } from '../settings/options'
import type { AnimationPlayer } from './animation.svelte'
import type { Backward, UpstreamSetup } from './backward.svelte'
import type { Explorer, InputOrigin } from './explorer.svelte'
import type { Learning, LearningSetup } from './learning.svelte'

export interface ConvDocument {
  readonly input: Tensor
  readonly origin: InputOrigin
  readonly weight: Tensor
  readonly bias: Float64Array
  readonly useBias: boolean
  readonly settings: Readonly<SettingsForm>
  /** The layer of the family (replaced, never changed in place). */
  readonly layer: SessionLayer
  /** The stack (replaced, never changed in place), or null. */
  readonly stack: SessionStack | null
  readonly upstream: Readonly<UpstreamSetup>
  readonly learning: Readonly<LearningSetup>
  readonly trueConvolution: boolean
  readonly region: Region | null
}

/** The state objects that edit the document. */
export interface DocumentOwners {
  explorer: Explorer
  backward: Backward
  learning: Learning
  player: AnimationPlayer
}

/** The document as the owners hold it now (live tensors, not copies); reads every field, so an effect calling it reruns on any edit. */
export function readDocument(owners: DocumentOwners): ConvDocument {
  const { explorer: app, backward, learning, player } = owners
  return {
    input: app.input,
    origin: app.origin,
    weight: app.weight,
    bias: app.bias,
    useBias: app.useBias,
    settings: { ...app.settings },
    layer: app.layer,
    stack: app.stack,
    upstream: backward.setup(),
    learning: learning.setup(),
    trueConvolution: player.trueConvolution,
    region: player.region,
  }
}

/** Puts a document into the owners (the input as given: callers copy a drawn one first). */
export function writeDocument(owners: DocumentOwners, doc: ConvDocument): void {
  const { explorer: app, backward, learning, player } = owners
  app.input = doc.input
  app.origin = doc.origin
  app.weight = doc.weight
  app.bias = doc.bias
  app.useBias = doc.useBias
  Object.assign(app.settings, doc.settings)
  app.layer = doc.layer
  app.stack = doc.stack
  app.batchIndex = Math.min(app.batchIndex, doc.input.shape[0] - 1)
  app.filter = Math.min(app.filter, doc.weight.shape[0] - 1)
  app.slice = Math.min(app.slice, doc.weight.shape[1] - 1)
  app.hover = null
  backward.restore(doc.upstream)
  learning.restore(doc.learning)
  player.trueConvolution = doc.trueConvolution
  player.region = doc.region
}

function sameFields<T extends object>(a: T, b: T): boolean {
  return (Object.keys(a) as (keyof T)[]).every((key) => Object.is(a[key], b[key]))
}

/**
 * Whether two documents differ in anything but the input (tensors compare by identity: they are
 * replaced, never changed in place, except a drawn input, which the history tracks itself).
 */
export function sameApartFromInput(a: ConvDocument, b: ConvDocument): boolean {
  return (
    a.origin === b.origin &&
    a.weight === b.weight &&
    a.bias === b.bias &&
    a.useBias === b.useBias &&
    sameFields(a.settings, b.settings) &&
    a.layer === b.layer &&
    a.stack === b.stack &&
    sameFields(a.upstream, b.upstream) &&
    sameFields(a.learning, b.learning) &&
    a.trueConvolution === b.trueConvolution &&
    sameRegion(a.region, b.region)
  )
}
