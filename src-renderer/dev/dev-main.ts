// Development entry: the explorer on the in-page engine, for working on the renderer alone.
// Not part of the built app (electron.vite.config.ts builds src-renderer/index.html only).

import { mount } from 'svelte'
import App from '../src/App.svelte'
import { fakeTransport } from '../src/lib/dev/fake-transport'
import { languageFrom } from '../src/lib/i18n'
import '../src/app.css'

const language = new URLSearchParams(location.search).get('lang')
mount(App, {
  target: document.getElementById('app')!,
  props: { transport: fakeTransport(), language: language === 'es' || language === 'en' ? language : languageFrom(navigator.languages) },
})
