// Lint for the server, the tests, the benchmarks and the console (`npm run lint`, part of `npm test`).
// Type-aware: the rules that catch real bugs in async code — a promise nobody awaits, a promise
// where a boolean or a callback's result was expected — need the type checker. Import cycles, type
// imports included, are found by import-x.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ROUTES_BUILD_NO_QUERY =
  'A route builds no query: call a domain function (reads take ctx.db, writes run inside ctx.write) — see "Recipe: add a route" in docs/architecture.md.';

/**
 * Routes are thin: under src/http/routes/ a route declares itself, hands `ctx.db` to a domain read
 * function or runs a domain write function inside `ctx.write`, and shapes the answer. The store's
 * statements live in the domain modules. test/routes-are-thin.test.ts runs this block on the routes
 * and checks that it catches each way of querying.
 */
export const routesAreThin = {
  files: ['src/http/routes/**/*.ts'],
  rules: {
    // Kysely's builders and its sql`` tag.
    'no-restricted-imports': ['error', { paths: [{ name: 'kysely', message: ROUTES_BUILD_NO_QUERY }] }],
    'no-restricted-syntax': [
      'error',
      {
        // Every Kysely query starts with one of these, on the reader or on a transaction.
        selector:
          'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|updateTable|insertInto|replaceInto|deleteFrom|mergeInto|executeQuery|transaction|connection)$/]',
        message: ROUTES_BUILD_NO_QUERY,
      },
      { selector: "TaggedTemplateExpression[tag.name='sql']", message: ROUTES_BUILD_NO_QUERY },
      {
        // deps.store.db, deps.store.transaction(…), deps.store.notifyOnCommit(…), …: the store is
        // handed whole to a domain function; only its capability flags are read here.
        selector: "MemberExpression[object.type='MemberExpression'][object.property.name='store'][property.name!='capabilities']",
        message: ROUTES_BUILD_NO_QUERY,
      },
    ],
  },
};

// The floors of src/, top to bottom (docs/architecture.md, "Floors"): a module imports from its own
// floor or a lower one, never from a higher one.
const FLOORS = [
  ['src/main.ts'],
  ['src/cli'],
  ['src/runtime'],
  ['src/http'],
  ['src/fleet', 'src/runbook'],
  ['src/backyard', 'src/api-client'],
  ['src/maintenance', 'src/tenancy', 'src/menus', 'src/logging', 'src/kubernetes', 'src/handover'],
  ['src/store'],
  ['src/config'],
];
// The leaves: data and small helpers that import nothing but other leaves, so every floor (and the
// console, for the kinds and the switches) may import them.
const LEAVES = [
  'src/util',
  'src/i18n',
  'src/backyard/kinds',
  'src/maintenance/switches.ts',
  'src/maintenance/drain-plan.ts',
  'src/maintenance/write-functions.ts',
  'src/errors.ts',
  'src/version.ts',
  // The answers' schemas and their types: what the console, the runbooks and the CLI read.
  'src/http/wire',
  'src/http/wire-types.ts',
  // Data the answers' schemas name: the roles and the column types.
  'src/tenancy/roles.ts',
  'src/menus/columns.ts',
];
const ROOMS = FLOORS.flat();
/** The leaves inside `room`, relative to it (what a zone from that room excepts). */
const leavesIn = (room) => LEAVES.filter((leaf) => leaf.startsWith(`${room}/`)).map((leaf) => `./${leaf.slice(room.length + 1)}`);
const FLOOR_ZONES = [
  ...FLOORS.flatMap((floor, level) =>
    floor.map((room) => ({
      target: FLOORS.slice(level + 1).flat(),
      from: room,
      except: leavesIn(room),
      message: `${room} is on a higher floor (docs/architecture.md, "Floors"): move what both need down, or pass it in.`,
    })),
  ).filter((zone) => zone.target.length > 0),
  ...ROOMS.map((room) => ({
    target: LEAVES,
    from: room,
    except: leavesIn(room),
    message: 'a leaf imports only leaves (docs/architecture.md, "Floors").',
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'test-output/**', 'node_modules/**', 'web/dist/**', '.scratch/**', 'deploy/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'web/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: FLOOR_ZONES }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // An async method that does not await implements a port whose other side does (the SQLite
      // store beside the PostgreSQL one, a no-op driver beside real ones): that is not a bug.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and benchmarks read answers' JSON bodies as `any` on purpose: they check the wire shape
    // at run time, field by field, as a client would. The async rules and the cycle rule still apply.
    files: ['test/**/*.ts', 'src/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  routesAreThin,
  {
    // A source file that outgrows 400 lines holds more than one concern: split it by concern (as
    // src/fleet/store/ and src/fleet/drivers/ are) rather than raise this. Tests may be longer.
    files: ['src/**/*.ts', 'src/**/*.tsx', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
);
