// Starts the explorer with the transport of whichever host it runs in.

import { mount } from 'svelte'
import App from './App.svelte'
import { reportUncaughtErrors } from './lib/errors/report-errors'
import { languageFrom } from './lib/i18n'
import { getTransport } from './lib/transport'
import './app.css'

// First, so even an error while starting reaches the log file.
reportUncaughtErrors()
const target = document.getElementById('app')!
getTransport().then(
  (transport) => mount(App, { target, props: { transport, language: languageFrom(navigator.languages) } }),
  (error: unknown) => {
    target.textContent = `Convolab: ${String(error)}`
  },
)
