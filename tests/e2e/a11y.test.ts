// The automated accessibility check: axe-core run by Playwright on every screen of browser mode
// (the main screen in both themes and languages, the recovery offer, the help and about dialogs,
// each workbench tab including the animation view, and the export dialog). Moderate, serious and
// critical violations fail; every count is printed for the release note.

import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { serializeSession } from '../../core/session'
import { buildApp, launchChromium, newDataFolder, SHOTS, startServe, type ServeProcess } from './session-server'

const axePath = createRequire(__filename).resolve('axe-core/axe.min.js')

interface AxeViolation {
  id: string
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null
  help: string
  nodes: { target: string[]; failureSummary?: string }[]
}

let browser: Browser
let server: ServeProcess
const report: Record<string, Record<string, number>> = {}
const rules: Record<string, string[]> = {}

async function openPage(locale: string, colorScheme: 'light' | 'dark'): Promise<Page> {
  // The page's CSP allows only its own scripts; the check's script is added by the test.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, colorScheme, bypassCSP: true })
  const page = await context.newPage()
  await page.goto(server.url)
  await page.getByTestId('output-shape').waitFor()
  return page
}

/** Runs axe on the page as it is; returns the moderate, serious and critical violations, counts every impact. */
async function check(page: Page, screen: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath })
  const violations = (await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } }).axe.run(document)
    return result.violations
  })) as AxeViolation[]
  const counts: Record<string, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 }
  for (const violation of violations) counts[violation.impact ?? 'minor'] += violation.nodes.length
  report[screen] = counts
  rules[screen] = violations.map((violation) => `${violation.id} (${violation.impact})`)
  await page.screenshot({ path: join(SHOTS, `a11y-${screen}.png`) })
  const grave = violations.filter((violation) => violation.impact === 'moderate' || violation.impact === 'serious' || violation.impact === 'critical')
  if (grave.length)
    console.log(
      screen,
      JSON.stringify(
        grave.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ')) })),
        null,
        1,
      ),
    )
  return grave
}

beforeAll(async () => {
  buildApp()
  mkdirSync(SHOTS, { recursive: true })
  const dataDir = newDataFolder()
  // A run that did not end cleanly left this autosave: the first page offers to restore it.
  mkdirSync(join(dataDir, 'recovery'), { recursive: true })
  const session = serializeSession({
    input: { shape: [1, 1, 4, 4], data: new Float64Array(16).fill(0.5) },
    weight: { shape: [1, 1, 2, 2], data: Float64Array.from([1, -1, -1, 1]) },
    bias: null,
    options: { stride: 1, padding: 0, dilation: 1, groups: 1, paddingMode: 'zeros' },
    gradOutput: { kind: 'ones' },
    view: {},
  })
  writeFileSync(join(dataDir, 'recovery', 'autosave.convolab'), session)
  server = await startServe(dataDir)
  browser = await launchChromium()
})

afterAll(async () => {
  console.log(
    `axe-core violations (nodes) by impact:\n${Object.entries(report)
      .map(([screen, counts]) => `  ${screen}: ${JSON.stringify(counts)} ${rules[screen].join(', ')}`)
      .join('\n')}`,
  )
  await browser?.close()
  await server?.stop()
})

describe('accessibility (axe-core), browser mode', () => {
  it('main screen with the recovery offer, light theme, English', async () => {
    const page = await openPage('en-US', 'light')
    const offer = page.getByRole('dialog', { name: 'Restore your unsaved work?' })
    await offer.waitFor()
    expect(await check(page, 'main-recovery-light-en')).toEqual([])
    await offer.getByRole('button', { name: 'Discard' }).click()
    await page.context().close()
  })

  it('main screen, dark theme, Spanish', async () => {
    const page = await openPage('es-ES', 'dark')
    await page.getByRole('tab', { name: 'Animación' }).waitFor()
    expect(await check(page, 'main-dark-es')).toEqual([])
    await page.context().close()
  })

  for (const [locale, scheme, help, about, aboutButton] of [
    ['en-US', 'light', 'Keyboard shortcuts', 'About Convolab', 'About'],
    ['es-ES', 'dark', 'Atajos de teclado', 'Acerca de Convolab', 'Acerca de'],
  ] as const) {
    it(`help and about dialogs, ${scheme} theme, ${locale}`, async () => {
      const page = await openPage(locale, scheme)
      const tag = `${scheme}-${locale.slice(0, 2)}`
      await page.keyboard.press('F1')
      await page.getByRole('dialog', { name: help }).waitFor()
      expect(await check(page, `help-${tag}`)).toEqual([])
      await page.keyboard.press('Escape')
      await page.getByRole('button', { name: aboutButton, exact: true }).click()
      await page.getByRole('dialog', { name: about }).waitFor()
      expect(await check(page, `about-${tag}`)).toEqual([])
      await page.context().close()
    })
  }

  it('animation view and the other workbench tabs', async () => {
    const page = await openPage('en-US', 'light')
    for (const tab of ['Animation', 'Backward: gradient maps', 'Gradient check', 'Learn the kernel']) {
      await page.getByRole('tab', { name: tab }).click()
      await expect.poll(() => page.getByRole('tab', { name: tab }).getAttribute('aria-selected')).toBe('true')
      await page.getByRole('tabpanel').scrollIntoViewIfNeeded()
      expect(await check(page, `tab-${tab.split(':')[0].toLowerCase().replace(/ /g, '-')}`)).toEqual([])
    }
    await page.context().close()
  })

  it('export dialog', async () => {
    const page = await openPage('en-US', 'dark')
    await page.getByRole('button', { name: 'Export…' }).click()
    await page.getByRole('dialog', { name: 'Export' }).waitFor()
    expect(await check(page, 'export-dark-en')).toEqual([])
    await page.context().close()
  })
})
