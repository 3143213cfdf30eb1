// Lint: type-aware rules everywhere (no floating promises), and the layering of DESIGN.md:
// src/core is pure (no storage, HTTP, node: I/O or clock), src/engine takes time from its Clock,
// and only src/config/env.ts reads process.env.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const clockSyntax = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'Pass time in: no `new Date()` without arguments here (STYLE.md: time is a parameter).',
  },
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Pass time in: no `Date.now()` here (STYLE.md: time is a parameter).',
  },
  {
    selector: "MemberExpression[object.name='performance'][property.name='now']",
    message: 'Pass time in: no `performance.now()` here.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'web/dist/**',
      'data/**',
      'node_modules/**',
      'src/store/migrations/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a string-literal union instead of enum (STYLE.md).' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings from the Config object; only src/config/env.ts reads process.env.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'fs/*',
                'path',
                'http',
                'https',
                'net',
                'child_process',
                'crypto',
                'os',
              ],
              message: 'src/core is pure: no Node I/O.',
            },
            {
              group: [
                'pg',
                '@electric-sql/*',
                'drizzle-orm',
                'drizzle-orm/*',
                'fastify',
                'fastify-*',
                '@fastify/*',
                'pino',
                'prom-client',
              ],
              message: 'src/core is pure: no storage, HTTP or logging.',
            },
            {
              group: [
                '**/store/**',
                '**/engine/**',
                '**/api/**',
                '**/cli/**',
                '**/modules/**',
                '**/channels/**',
                '**/intake/**',
              ],
              message: 'src/core must not import the shell.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...clockSyntax,
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Pass randomness in: src/core is deterministic.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'src/core does no I/O.' },
        { name: 'setTimeout', message: 'src/core does not schedule.' },
        { name: 'setInterval', message: 'src/core does not schedule.' },
        { name: 'process', message: 'src/core does not touch the process.' },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...clockSyntax] },
  },
  {
    files: ['src/config/env.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // vitest's asymmetric matchers (expect.any, expect.stringContaining) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
