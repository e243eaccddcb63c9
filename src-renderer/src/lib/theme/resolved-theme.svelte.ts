// Whether the page is dark right now: data-theme on <html> ('light', 'dark' or 'system') and, for
// 'system', the system's colour scheme. The stage and the canvases read it to pick their palette.

export class ResolvedTheme {
  dark = $state(false)

  /** Follows the root element and the system until the returned function is called. */
  watch(root: HTMLElement = document.documentElement): () => void {
    const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null
    const update = () => {
      const choice = root.dataset.theme ?? 'system'
      this.dark = choice === 'dark' || (choice === 'system' && !!media?.matches)
    }
    update()
    const observer = new MutationObserver(update)
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] })
    media?.addEventListener('change', update)
    return () => {
      observer.disconnect()
      media?.removeEventListener('change', update)
    }
  }
}

/** One for the page: every view reads the same answer. */
export const resolvedTheme = new ResolvedTheme()
