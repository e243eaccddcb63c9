// Registers the frames' font (DejaVu Sans, regular and bold) with the page, so the canvas draws
// the same glyphs as the exported files, which main draws with the same TTFs.

import { FONT_FAMILY, FONT_FILES } from '../../../../frames/text'
import regular from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url'
import bold from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url'

const URLS: Record<(typeof FONT_FILES)[number]['weight'], string> = { normal: regular, bold }

let loading: Promise<void> | null = null

/** Resolves when both faces are usable; where FontFace is missing (jsdom) it resolves at once. */
export function loadFrameFonts(): Promise<void> {
  if (typeof FontFace === 'undefined' || typeof document === 'undefined' || !document.fonts) return Promise.resolve()
  loading ??= Promise.all(
    FONT_FILES.map(async (file) => {
      const face = new FontFace(FONT_FAMILY, `url(${URLS[file.weight]})`, { weight: file.weight })
      document.fonts.add(await face.load())
    }),
  ).then(
    () => undefined,
    // The canvas falls back to the system's sans-serif; numbers stay right, only glyphs differ.
    () => undefined,
  )
  return loading
}
