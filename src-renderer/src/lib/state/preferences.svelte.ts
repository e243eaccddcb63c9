// Preferences remembered between runs through the contract's settings (getSettings/setSettings):
// language, theme, colour map, decimals shown and animation speed. The theme and the zoom of
// the page are applied here; the rest lives on the explorer, where the views read it.

import type { Settings, SettingsPatch, ThemeChoice, Transport } from '../../../../contract'
import { COLOUR_MAPS, type ColourMap } from '../colour/scales'
import type { Language } from '../i18n'
import type { Explorer } from './explorer.svelte'

export const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark']
export const ZOOM_STEPS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2] as const

/** What the remembered settings say, for the keys the renderer owns. */
type Remembered = Pick<Settings, 'language' | 'theme' | 'colourMap' | 'decimals' | 'animationSpeed'>

export class Preferences {
  theme = $state<ThemeChoice>('system')
  zoom = $state(1)
  /** True once the remembered settings were read (or could not be): changes are saved after that. */
  loaded = $state(false)

  private remembered: Remembered | null = null
  /** The language the page started in: the system's (main.ts), what 'system' stands for. */
  private systemLanguage: Language = 'en'

  constructor(
    private readonly app: Explorer,
    private readonly transport: Transport,
  ) {}

  /** Reads the remembered settings and applies them. */
  async load(): Promise<void> {
    const result = await this.transport.invoke('getSettings', undefined)
    if (result.ok) {
      const settings = result.value
      this.systemLanguage = this.app.language
      if (settings.language !== 'system') this.app.language = settings.language
      this.theme = settings.theme
      if ((COLOUR_MAPS as readonly string[]).includes(settings.colourMap)) this.app.colourMap = settings.colourMap as ColourMap
      this.app.decimals = settings.decimals
      this.app.animationSpeed = settings.animationSpeed
      this.remembered = {
        language: settings.language,
        theme: settings.theme,
        colourMap: settings.colourMap,
        decimals: settings.decimals,
        animationSpeed: settings.animationSpeed,
      }
    }
    this.loaded = true
  }

  /**
   * Saves what changed since the settings were read. Reads every preference, so an effect that
   * calls it reruns on each change.
   */
  save(): void {
    const now = {
      language: this.app.language,
      theme: this.theme,
      colourMap: this.app.colourMap,
      decimals: this.app.decimals,
      animationSpeed: this.app.animationSpeed,
    }
    if (!this.loaded || !this.remembered) return
    const known = this.remembered
    const patch: SettingsPatch = {}
    // 'system' stays 'system' while the shown language is still the system's.
    const knownLanguage = known.language === 'system' ? this.systemLanguage : known.language
    if (now.language !== knownLanguage) patch.language = now.language
    if (now.theme !== known.theme) patch.theme = now.theme
    if (now.colourMap !== known.colourMap) patch.colourMap = now.colourMap
    if (now.decimals !== known.decimals) patch.decimals = now.decimals
    if (now.animationSpeed !== known.animationSpeed) patch.animationSpeed = now.animationSpeed
    if (Object.keys(patch).length === 0) return
    this.remembered = { ...known, ...patch }
    void this.transport.invoke('setSettings', patch)
  }

  /** The theme on the page: data-theme on the root element, read by app.css. */
  applyTheme(root: HTMLElement = document.documentElement): void {
    root.dataset.theme = this.theme
  }

  zoomBy(direction: 1 | -1): void {
    const index = ZOOM_STEPS.findIndex((step) => step >= this.zoom - 1e-9)
    const next = Math.min(ZOOM_STEPS.length - 1, Math.max(0, (index < 0 ? ZOOM_STEPS.length - 1 : index) + direction))
    this.zoom = ZOOM_STEPS[next]
  }

  zoomReset(): void {
    this.zoom = 1
  }

  /** The zoom of the page: CSS zoom of the body, so every panel and map grows together. */
  applyZoom(body: HTMLElement = document.body): void {
    body.style.zoom = this.zoom === 1 ? '' : String(this.zoom)
  }
}
