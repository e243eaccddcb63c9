// Every package the code imports is declared in package.json, so a fresh `npm ci` has it (a
// package that is only there as another's dependency can vanish with that package's next version).

import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..')
const FOLDERS = ['core', 'contract', 'frames', 'src-main', 'src-renderer', 'tests', 'bench', 'scripts', 'bin']
const SKIP = new Set(['node_modules', 'generated', 'out', 'dist'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return []
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|mts|mjs|cjs|js|svelte)$/.test(entry.name) ? [path] : []
  })
}

/** The package of an import specifier ('d3-scale', '@scope/name'), or null for files and built-ins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null
  const parts = specifier.split('?')[0].split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  return builtinModules.includes(name) ? null : name
}

describe('declared packages', () => {
  it('imports only packages listed in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})])
    const undeclared = new Map<string, string>()
    let imports = 0
    for (const file of FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(
        /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const name = packageOf(match[1] ?? match[2] ?? match[3])
        if (!name) continue
        imports++
        if (!declared.has(name)) undeclared.set(name, file.slice(ROOT.length + 1))
      }
    }
    expect(imports).toBeGreaterThan(50)
    expect(Object.fromEntries(undeclared)).toEqual({})
  })
})
