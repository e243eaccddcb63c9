import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Tests never touch the user's own settings, recent files or autosaves.
const testEnv = { CONVOLAB_DATA_DIR: join(tmpdir(), `convolab-test-data-${process.pid}`) }

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    // Builds the WebAssembly kernels from source first, so a bare `npx vitest` works on a clean checkout.
    globalSetup: ['./tests/setup/wasm.ts'],
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          include: ['tests/core/**/*.test.ts', 'tests/main/**/*.test.ts', 'tests/cli/**/*.test.ts', 'tests/frames/**/*.test.ts'],
          testTimeout: 60_000,
          env: testEnv,
        },
      },
      {
        plugins: [svelte({ configFile: 'src-renderer/svelte.config.mjs' }), svelteTesting()],
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['tests/renderer/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          // after the core and component suites, alone: its timing tests measure the app on the
          // machine, not the machine shared with thousands of other tests (projects with no
          // group order run at the same time)
          sequence: { groupOrder: 1 },
          // Keyboard and file-chooser events in headless Chromium are occasionally lost when the
          // 2-core machine is saturated; a test that fails twice in a row is a real failure.
          retry: 1,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          env: testEnv,
        },
      },
      {
        test: {
          // Builds the app if needed and packs it with electron-builder: slow, and one at a time.
          name: 'packaging',
          environment: 'node',
          include: ['tests/packaging/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          testTimeout: 60_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
