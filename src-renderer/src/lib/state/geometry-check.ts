// Whether the current shapes and settings can be computed, and the core's reason when not.

import type { Conv2dOptions, ConvGeometry } from '../../../../core/geometry'
import { convGeometry } from '../../../../core/geometry'
import { ConvolabError } from '../../../../core/errors'

export type GeometryCheck = { ok: true; geometry: ConvGeometry } | { ok: false; error: ConvolabError }

export function checkGeometry(
  inputShape: readonly number[],
  weightShape: readonly number[],
  options: Conv2dOptions,
  biasLength: number | undefined,
): GeometryCheck {
  try {
    return { ok: true, geometry: convGeometry(inputShape, weightShape, options, biasLength) }
  } catch (error) {
    if (error instanceof ConvolabError) return { ok: false, error }
    return { ok: false, error: new ConvolabError('bad-request', { detail: String(error) }) }
  }
}
