// zod schemas of the data folder's requests: sessions, autosave, settings, recent files.

import { z } from 'zod'
import type { DocumentMethods } from './documents'
import { LIMITS } from './limits'
import type { RequestSchemas } from './methods'
import { bytes, count, name, nothing } from './schema-parts'

/** An absolute path of any platform (main checks it further against the paths it handed out). */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), { message: 'a path has no NUL characters' })
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), { message: 'an absolute path' })

const sessionText = z.string().min(1).max(LIMITS.maxFileBytes)
const fileName = name.refine((n) => !/[\\/\0]/.test(n), { message: 'a file name, without folders' })

const saveSessionRequestSchema = z.object({
  text: sessionText,
  path: absolutePathSchema.optional(),
  suggestedName: fileName.optional(),
})

const openSessionRequestSchema = z.union([z.object({ bytes, name: fileName, path: absolutePathSchema.optional() }), z.object({ path: absolutePathSchema })])

const autosaveRequestSchema = z.object({
  text: sessionText,
  name: fileName.optional(),
  path: absolutePathSchema.optional(),
})

const documentStateSchema = z.object({ name: z.string().max(1024), dirty: z.boolean() })

const folderPurposes = ['session', 'image', 'kernel', 'tensor', 'export'] as const
const windowBoundsSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: count(100, 100_000),
  height: count(100, 100_000),
  maximized: z.boolean(),
})

/** Each setting's schema: the settings file is checked key by key, so one bad value costs only itself. */
export const settingSchemas = {
  language: z.enum(['system', 'en', 'es']),
  theme: z.enum(['system', 'light', 'dark']),
  colourMap: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  decimals: count(0, 12),
  animationSpeed: z.number().min(0.1).max(10),
  lastFolders: z.object(
    Object.fromEntries(folderPurposes.map((p) => [p, absolutePathSchema.optional()])) as Record<
      (typeof folderPurposes)[number],
      z.ZodOptional<typeof absolutePathSchema>
    >,
  ),
  window: windowBoundsSchema.nullable(),
} as const

/** A partial change: unknown keys are dropped (zod strips them); a bad value refuses the whole change. */
const settingsPatchSchema = z.object({
  language: settingSchemas.language.optional(),
  theme: settingSchemas.theme.optional(),
  colourMap: settingSchemas.colourMap.optional(),
  decimals: settingSchemas.decimals.optional(),
  animationSpeed: settingSchemas.animationSpeed.optional(),
  lastFolders: settingSchemas.lastFolders.optional(),
  window: settingSchemas.window.optional(),
})

/** One schema per data-folder method. */
export const documentSchemas: RequestSchemas<DocumentMethods> = {
  saveSession: saveSessionRequestSchema,
  openSession: openSessionRequestSchema,
  autosave: autosaveRequestSchema,
  recovery: nothing,
  discardRecovery: nothing,
  getSettings: nothing,
  setSettings: settingsPatchSchema,
  recentFiles: nothing,
  addRecentFile: absolutePathSchema,
  setDocumentState: documentStateSchema,
}
