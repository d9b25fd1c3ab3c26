// One linter, type-aware rules as errors. Packages must not import frameworks: the direction of
// imports is the architecture (see docs/adr/0001-workspace-layout.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'e2e/artifacts/**',
      'test-results/**',
      'playwright-report/**',
      'bench/out/**',
      'data/**',
      '**/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: 'packages never import express: keep HTTP in apps/server.' },
            { name: 'react', message: 'packages never import react: keep UI in apps/web.' },
            { name: 'react-dom', message: 'packages never import react: keep UI in apps/web.' },
          ],
          patterns: [
            {
              group: ['@kubetrail/server', '@kubetrail/web', '**/apps/**'],
              message: 'packages never import apps.',
            },
            { group: ['@kubetrail/*/src/*'], message: "import a package's front door, not its inner files." },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@kubetrail/store',
                '@kubetrail/parsers',
                '@kubetrail/correlate',
                '@kubetrail/simulator',
                'express',
              ],
              message: 'the web app imports only @kubetrail/model.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
