// The rules a machine checks (npm run lint): ESLint's and typescript-eslint's recommended sets,
// Svelte's, and the architecture's import boundaries:
//   core, contract and frames import nothing from src-main or src-renderer, and no Node built-in
//   (they run in the page too); frames imports no DOM-only package; src-renderer never imports
//   src-main (it talks to the engine through the contract).
//   messages (the English and Spanish words of core's codes) is for the UI and the CLI: core,
//   contract and frames never import it (they carry codes and values), and it imports only core.
// Dependencies point one way: renderer → contract ← main → core (README, STYLE.md); renderer and
// main → messages → core.

import boundaries from 'eslint-plugin-boundaries'
import svelte from 'eslint-plugin-svelte'
import { builtinRules } from 'eslint/use-at-your-own-risk'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// ESLint's own recommended rules (what @eslint/js exports as configs.recommended), read from the
// rules' metadata so no extra package is needed.
const eslintRecommended = Object.fromEntries([...builtinRules].filter(([, rule]) => rule.meta?.docs?.recommended).map(([name]) => [name, 'error']))

const LAYERS = ['core', 'messages', 'contract', 'frames', 'src-main', 'src-renderer']
const SVELTE_FILES = ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js']

/** Packages that need a DOM (d3's selection and everything built on it, Svelte). */
const DOM_ONLY_PACKAGES = ['d3', 'd3-selection', 'd3-zoom', 'd3-brush', 'd3-drag', 'd3-transition', 'd3-axis', 'svelte', 'svelte/*']

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      '.tsbuild/**',
      'test-results/**',
      'core/wasm/generated/**',
      'tests/reference/cases/**',
      'tests/reference/npy-formats/**',
      'tests/reference/images/**',
      'tests/reference/family/**',
      'tests/reference/stacks/**',
    ],
  },
  { rules: eslintRecommended },
  ...tseslint.configs.recommended,
  // Svelte's rules on Svelte's files only: its no-inner-declarations crashes on CommonJS scripts.
  // Layout is Prettier's (npm run format): no style rule may disagree with it.
  ...[...svelte.configs.recommended, ...svelte.configs.prettier].map((config) => ({ files: SVELTE_FILES, ...config })),
  {
    languageOptions: { globals: { ...globals.es2022 } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter kept for its position (a callback's signature).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // TypeScript itself reports undefined names, knowing the DOM's and Node's types (typescript-eslint's advice).
  { files: ['**/*.ts', '**/*.svelte'], rules: { 'no-undef': 'off' } },
  {
    files: SVELTE_FILES,
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['src-main/**', 'tests/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  { files: ['tests/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['bin/**/*.cjs', 'scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: LAYERS.map((layer) => `${layer}/**/*.{ts,svelte}`),
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS.map((layer) => ({ type: layer, pattern: layer })),
      'import/resolver': { node: { extensions: ['.ts', '.svelte.ts', '.js', '.mjs', '.svelte'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          // Packages and Node built-ins are checked too, not only the project's own files.
          checkAllOrigins: true,
          policies: [
            {
              from: { element: { types: { anyOf: ['core', 'contract', 'frames'] } } },
              disallow: { to: { element: { types: { anyOf: ['src-main', 'src-renderer'] } } } },
              message: 'core, contract and frames import nothing from src-main or src-renderer',
            },
            {
              from: { element: { types: { anyOf: ['core', 'contract', 'frames'] } } },
              disallow: { to: { element: { type: 'messages' } } },
              message: 'core, contract and frames carry codes and values, not words: messages/ is for the UI and the CLI',
            },
            {
              from: { element: { type: 'messages' } },
              disallow: { to: { element: { types: { anyOf: ['contract', 'frames', 'src-main', 'src-renderer'] } } } },
              message: 'messages imports only core (the codes and types it words)',
            },
            {
              from: { element: { types: { anyOf: ['core', 'messages', 'contract', 'frames'] } } },
              disallow: { to: { module: { origin: 'core' } } },
              message: 'core, messages, contract and frames run in the page too: no Node built-ins',
            },
            {
              from: { element: { type: 'frames' } },
              disallow: { to: { module: { origin: 'external', source: DOM_ONLY_PACKAGES } } },
              message: 'frames draws on any Canvas 2D: no DOM-only package',
            },
            {
              from: { element: { type: 'src-renderer' } },
              disallow: { to: { element: { type: 'src-main' } } },
              message: 'the renderer talks to the engine through the contract, never by importing src-main',
            },
          ],
        },
      ],
    },
  },
)
