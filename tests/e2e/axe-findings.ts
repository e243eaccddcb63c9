// axe-core run by Playwright on the page as it is (or inside one element): its moderate,
// serious and critical findings as lines a failed test prints. One helper for every e2e file
// that asserts a screen is axe clean (a11y.test.ts keeps its own counting report).

import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const axePath = createRequire(__filename).resolve('axe-core/axe.min.js')

interface Violation {
  id: string
  impact: string
  nodes: { target: string[] }[]
}

/** The findings on `page`, or only inside the element `within` selects. */
export async function axeFindings(page: Page, within?: string): Promise<string[]> {
  await page.addScriptTag({ path: axePath })
  const violations = (await page.evaluate(async (selector) => {
    const axe = (window as unknown as { axe: { run(context: Element | Document): Promise<{ violations: Violation[] }> } }).axe
    const context = selector ? document.querySelector(selector) : document
    if (!context) throw new Error(`axe: nothing matches ${selector}`)
    return (await axe.run(context)).violations
  }, within)) as Violation[]
  return violations
    .filter((v) => ['moderate', 'serious', 'critical'].includes(v.impact))
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    )
}
