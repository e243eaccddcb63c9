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
/** AvgPool2d's divisor_override: any whole number but 0, or null for the window's own count. */
export const divisorOverride = z
  .number()
  .int()
  .refine((v) => v !== 0, { message: 'divisor_override must not be 0' })
  .nullable()
  .optional()
