// The root's state shared by context: App.svelte sets it once, every component reads it with
// these typed helpers instead of receiving it through props.

import { getContext, setContext } from 'svelte'
import type { AppState } from './app-state.svelte'

const KEY = Symbol('convolab state')

export function setAppState(state: AppState): AppState {
  setContext(KEY, state)
  return state
}

export function getAppState(): AppState {
  const state = getContext<AppState | undefined>(KEY)
  if (!state) throw new Error('getAppState: no app state; the component must be inside App (or a test must set one)')
  return state
}

/** The context map a component needs to find the state (for mounting one outside App: tests). */
export function appStateContext(state: AppState): Map<symbol, AppState> {
  return new Map([[KEY, state]])
}
