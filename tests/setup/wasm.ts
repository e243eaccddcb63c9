// vitest globalSetup: builds the WebAssembly kernels (core/wasm/generated) before any test
// imports them, so `npm test` works on a clean checkout. A no-op when they are up to date.
// @ts-expect-error: plain ESM build script without type declarations
import { buildWasm } from '../../scripts/build-wasm.mjs'

export default async function setup(): Promise<void> {
  await buildWasm({ quiet: true })
}
