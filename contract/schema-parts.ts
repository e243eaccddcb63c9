// Pieces every request schema is built from: whole-number ranges, names, file bytes.

import { z } from 'zod'
import { LIMITS } from './limits'

export const count = (min: number, max: number) => z.number().int().min(min).max(max)
export const name = z.string().min(1).max(1024)
export const bytes = z.instanceof(Uint8Array).refine((b) => b.length <= LIMITS.maxFileBytes, {
  message: `files of at most ${LIMITS.maxFileBytes} bytes`,
})
/** For methods that take no parameter: only `undefined` (what an omitted argument arrives as). */
export const nothing = z.undefined()
