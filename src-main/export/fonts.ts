// Registers the frames' font with @napi-rs/canvas, read from the npm package: the same TTF the
// renderer loads, so exported frames use the glyphs the app shows, on any machine.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { GlobalFonts } from '@napi-rs/canvas'
import { FONT_FAMILY, FONT_FILES } from '../../frames/text'

let registered = false

export function registerFrameFont(): void {
  if (registered) return
  const resolve = createRequire(__filename).resolve
  // From bytes rather than by path: fs reads inside the packaged app's archive, native code cannot.
  for (const file of FONT_FILES) GlobalFonts.register(readFileSync(resolve(file.module)), FONT_FAMILY)
  registered = true
}
