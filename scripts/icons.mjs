// Renders build/icon.svg, the one icon source, to every file the platforms need:
//   build/icons/NxN.png (Linux icon set), build/icon.png (1024), build/icon.ico (Windows),
//   build/icon.icns (macOS).
// The results are committed, so packaging never needs this script; run `npm run icons`
// after changing the SVG (tests/packaging checks the committed files still match it).
// `node scripts/icons.mjs OUTDIR` writes the same files under OUTDIR instead of build/.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { icnsFromPngs, icoFromPngs } from './icon-containers.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const buildDir = join(root, 'build')

const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
// Windows picks from these for the taskbar, Explorer views and the installer; electron-builder
// refuses an .ico whose largest image is under 256 px.
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const ALL_SIZES = [...new Set([...LINUX_SIZES, ...ICO_SIZES])]

/** Rasterises the SVG directly at the target size, so small icons are sharp, not downscaled blur. */
async function renderIcon(svg, size) {
  // The SVG is drawn on 1024 user units at 72 dpi; scale the density to land on `size` pixels.
  const density = (72 * size) / 1024
  return sharp(svg, { density }).resize(size, size).png({ compressionLevel: 9, palette: false }).toBuffer()
}

async function main(outDir) {
  const svg = await readFile(join(buildDir, 'icon.svg'))
  const pngBySize = new Map()
  for (const size of ALL_SIZES) pngBySize.set(size, await renderIcon(svg, size))

  await mkdir(join(outDir, 'icons'), { recursive: true })
  for (const size of LINUX_SIZES) {
    await writeFile(join(outDir, 'icons', `${size}x${size}.png`), pngBySize.get(size))
  }
  await writeFile(join(outDir, 'icon.png'), pngBySize.get(1024))
  await writeFile(join(outDir, 'icon.ico'), icoFromPngs(ICO_SIZES.map((size) => ({ size, png: pngBySize.get(size) }))))
  await writeFile(join(outDir, 'icon.icns'), icnsFromPngs(pngBySize))
  console.log(`icons written to ${outDir}: ${LINUX_SIZES.length} PNGs, icon.png, icon.ico, icon.icns`)
}

await main(process.argv[2] ? resolve(process.argv[2]) : buildDir)
