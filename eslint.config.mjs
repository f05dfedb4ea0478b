// Lint rules that keep the code safe to run on Temporal; formatting is Prettier's job.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Workflow code is replayed: it may not reach the outside world. Types may still cross.
const sideEffectModules = [
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
  'better-sqlite3',
  'pg',
  'nodemailer',
  'express',
  'date-holidays',
  'luxon',
];

export default defineConfig(
  { ignores: ['node_modules/', '.data/', '.venv/', '.cache/', 'coverage/', 'dist/', 'src/db/generated/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits is a step that may never happen, or happen out of order.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sideEffectModules.map((name) => ({
            name,
            message: 'Workflow code must be deterministic: do this in an activity.',
            allowTypeImports: true,
          })),
          patterns: [
            {
              // The project's own side-effecting layers, reached from anywhere under workflows/.
              regex: '^(\\.\\./)+(src|activities|prisma)(/|$)|^@prisma/',
              message: 'Workflow code must be deterministic: import only types from outside workflows/.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // The domain is the lowest layer: pure words and rules that import nothing else of the project
  // (types included) and nothing of Temporal. See ARCHITECTURE.md, "Layers".
  ...[
    { files: ['workflows/domain/*.ts'], outside: '^\\.\\./' },
    { files: ['workflows/domain/*/**/*.ts'], outside: '^\\.\\./\\.\\./' },
  ].map(({ files, outside }) => ({
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sideEffectModules.map((name) => ({ name, message: 'The domain is pure: no I/O.' })),
          patterns: [
            {
              regex: outside,
              message: 'The domain imports nothing above it: move the shared word into workflows/domain/.',
            },
            {
              regex: '^@temporalio/|^@prisma/',
              message: 'The domain is pure logic: Temporal belongs to the workflows above it.',
            },
          ],
        },
      ],
    },
  })),
  // Infrastructure and activities serve the entry points and never reach up to them.
  {
    files: ['activities/**/*.ts', 'src/{db,notifications,temporal,auth,web,care,cases,metrics,cem}/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.*/)?(api|tools)(/|$)|^\\.{1,2}/(.*/)?(config|worker|start|supervisor)$',
              message: 'A lower layer imports nothing from the entry points (see ARCHITECTURE.md, "Layers").',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  // The console's one script runs in the browser.
  {
    files: ['src/api/console/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', setInterval: 'readonly' },
    },
  },
  prettier,
);
