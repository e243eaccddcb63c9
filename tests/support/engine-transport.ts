// A transport for component tests: the real engine (src-main/engine, its compute in this same
// thread with core's scalar kernel) answers the compute methods, the in-page fake answers the
// data-folder methods (settings, sessions, autosave) from memory.

import type { AppStateOptions } from '../../src-renderer/src/lib/state/app-state.svelte'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { appStateContext } from '../../src-renderer/src/lib/state/context'
import type { FakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'

const ENGINE_METHODS = new Set([
  'setInput',
  'decodeImage',
  'compute',
  'probe',
  'gradcheck',
  'checkGradients',
  'regionValues',
  'learnStep',
  'filteredTarget',
  'cancel',
])

export interface EngineTransport extends FakeTransport {
  engine: Engine
}

export function engineTransport(): EngineTransport {
  const engine = new Engine({ host: 'browser', spawn: sameThreadWorker() })
  const transport = fakeTransport((method, request) => (ENGINE_METHODS.has(method) ? engine.handle(method, request) : null))
  engine.onEvent((event) => transport.emit(event))
  return Object.assign(transport, { engine })
}

/** A started app state on the engine transport, and the context to mount a component with it. */
export function testState(options: AppStateOptions = {}) {
  const transport = engineTransport()
  const state = new AppState(transport, { language: 'en', ...options })
  const stop = state.start()
  return {
    state,
    transport,
    context: appStateContext(state),
    stop: () => {
      stop()
      transport.engine.close()
    },
  }
}

/** Waits until `check` passes (engine answers arrive a few macrotasks later). */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('until: timed out')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
