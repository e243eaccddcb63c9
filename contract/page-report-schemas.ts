// zod schemas of the page's reports (page-reports.ts): main and the browser-mode server check
// every report with these before using it; lengths are bounded so a report cannot flood the log.

import { z } from 'zod'

const text = (max: number) => z.string().max(max)

export const pageErrorReportSchema = z.object({
  kind: z.enum(['error', 'rejection']),
  message: text(4000),
  stack: text(16000).optional(),
  source: text(2000).optional(),
  line: z.number().int().min(0).optional(),
  column: z.number().int().min(0).optional(),
})

export const contextMenuRequestSchema = z.object({
  value: text(200),
})
