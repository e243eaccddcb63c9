// Renders build/icon.svg, the one icon source, to every file the platforms need:
//   build/icons/NxN.png (Linux icon set), build/icon.png (1024), build/icon.ico (Windows),
//   build/icon.icns (macOS).
// The results are committed, so packaging never needs this script; run `npm run icons`
// after changing the SVG (tests/packaging checks the committed files still match it).
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { icnsFromPngs, icoFromPngs } from './icon-containers.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const buildDir = join(root, 'build')

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const ALL_SIZES = [...new Set([...LINUX_SIZES, ...ICO_SIZES])]

/** Rasterises the SVG directly at the target size, so small icons are sharp, not downscaled blur. */
export async function renderIcon(svg, size) {
  // The SVG is drawn on 1024 user units at 72 dpi; scale the density to land on `size` pixels.
  const density = (72 * size) / 1024
  return sharp(svg, { density })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: false })
    .toBuffer()
}

async function main() {
  const svg = await readFile(join(buildDir, 'icon.svg'))
  const pngBySize = new Map()
  for (const size of ALL_SIZES) pngBySize.set(size, await renderIcon(svg, size))

  await mkdir(join(buildDir, 'icons'), { recursive: true })
  for (const size of LINUX_SIZES) {
    await writeFile(join(buildDir, 'icons', `${size}x${size}.png`), pngBySize.get(size))
  }
  await writeFile(join(buildDir, 'icon.png'), pngBySize.get(1024))
  await writeFile(join(buildDir, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: pngBySize.get(size) }))))
  await writeFile(join(buildDir, 'icon.icns'), icnsFromPngs(pngBySize))
  console.log(`icons written to build/: ${LINUX_SIZES.length} PNGs, icon.png, icon.ico, icon.icns`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
