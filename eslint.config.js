// Lint configuration: typescript-eslint's type-aware recommended rules over every package.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import { engineBoundaries } from './eslint.layers.js';

const layers = engineBoundaries();

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '**/dist/',
      'data/',
      '.tmp/',
      'docs/',
      'eslint.config.js',
      'eslint.layers.js',
      '**/*.gen.ts',
      // The service worker is plain JS with JSDoc types, checked by tsc (packages/web/tsconfig.sw.json).
      'packages/web/public/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['packages/*/bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Domain code takes time from an injected Clock.' },
      ],
    },
  },
  {
    // The engine's folders are layers (eslint.layers.js, docs/architecture.md): an import that points up
    // or sideways fails the lint. Tests may reach across.
    files: ['packages/engine/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { boundaries },
    settings: { 'boundaries/elements': layers.elements },
    rules: {
      'boundaries/dependencies': ['error', { default: 'allow', policies: layers.policies }],
    },
  },
  {
    files: ['**/*.test.ts', 'bench/**', 'scripts/**', 'packages/*/test/**'],
    rules: {
      'no-restricted-properties': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
