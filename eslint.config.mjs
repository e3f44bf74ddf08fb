// Lint that guards the layers (ARCHITECTURE.md's import table) and catches dropped promises.
// Formatting is prettier's job (.prettierrc.json); eslint-config-prettier turns off rules that clash.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Import restrictions: `paths` are package names, `patterns` are gitignore-style module patterns. */
const restrict = (patterns, paths = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: paths.map((name) => ({ name, message: `${name} is used only in ${ONLY_IN[name]} (ARCHITECTURE.md).` })),
      patterns,
    },
  ],
});
/** Packages one folder owns: the kernel's (netlink, koffi) and the cluster store client (etcd3). */
const ONLY_IN = { netlink: 'helper/kernel', koffi: 'helper/kernel', etcd3: 'helper/cluster' };
const KERNEL_ONLY = ['netlink', 'koffi', 'etcd3'];
const HELPER_INTERNALS = [
  '**/helper/core/*',
  '**/helper/drivers/**',
  '**/helper/kernel/**',
  '**/helper/store/**',
  '**/helper/ipam/**',
  '**/helper/dns/**',
  '**/helper/sandbox/**',
  '**/helper/cluster/**',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-results/', 'bench/results/', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // A `let` read by a callback before its one assignment (a clean-up hook) is not a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The e2e harness loads playwright-core and mocha from the VS Code host's prefix at run time
  // (outside node_modules, untyped): require() of a computed path, and `any` for what it returns.
  { files: ['test/e2e/**/*.ts'], rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' } },
  // Only helper/kernel talks to the kernel: netlink and koffi nowhere else; etcd3 only in helper/cluster.
  { files: ['**/*.ts'], ignores: ['helper/kernel/**', 'helper/cluster/**'], rules: restrict([], KERNEL_ONLY) },
  { files: ['helper/kernel/**/*.ts'], rules: restrict([], ['etcd3']) },
  // helper/cluster: the store client and this host's membership; it knows model/, errors and log only.
  {
    files: ['helper/cluster/**/*.ts'],
    rules: restrict(
      [
        {
          group: [
            '../core/**',
            '../api/**',
            '../cli/**',
            '../cnmd/**',
            '../drivers/**',
            '../kernel/**',
            '../store/**',
            '../ipam/**',
            '../dns/**',
            '../sandbox/**',
          ],
          message: 'helper/cluster imports only model/, helper/errors and helper/log.',
        },
      ],
      ['netlink', 'koffi'],
    ),
  },
  // model/ imports nothing of the project.
  {
    files: ['model/**/*.ts'],
    rules: restrict([{ group: ['../*', '!./*'], message: 'model/ imports nothing outside model/.' }], KERNEL_ONLY),
  },
  // The API sees the core only through its interface (core/controller.ts).
  {
    files: ['helper/api/**/*.ts'],
    ignores: ['helper/api/**/*.test.ts', 'helper/api/testing/**'],
    rules: restrict(
      [
        { group: ['../core/*', '!../core/controller.js'], message: 'helper/api imports only the core interface (core/controller.ts).' },
        {
          group: ['../diagnose/*', '!../diagnose/diagnostics.js'],
          message: 'helper/api sees helper/diagnose only through diagnostics.ts.',
        },
        {
          group: ['../drivers/**', '../kernel/**', '../store/**', '../ipam/**', '../dns/**', '../sandbox/**'],
          message: 'helper/api imports only the core interface (core/controller.ts).',
        },
      ],
      KERNEL_ONLY,
    ),
  },
  // transport/ (client connections: host URLs, ssh tunnels, the exec stream) is shared by the CLI
  // and the extension; it imports model/ only.
  {
    files: ['transport/**/*.ts'],
    rules: restrict(
      [{ group: ['../helper/**', '../extension/**', '../language-server/**'], message: 'transport/ imports only model/.' }],
      KERNEL_ONLY,
    ),
  },
  // The extension imports model/, transport/ and its own code only.
  {
    files: ['extension/**/*.ts'],
    rules: restrict(
      [
        {
          group: ['../../helper/**', '../helper/**', '../../language-server/**', '../language-server/**'],
          message: 'extension/ imports only model/, transport/ and its own code.',
        },
      ],
      KERNEL_ONLY,
    ),
  },
  // The CLI and language server reach cnmd only through its API client.
  {
    files: ['helper/cli/**/*.ts', 'language-server/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: restrict(
      [{ group: HELPER_INTERNALS.map((p) => p.replace('**/helper/', '../**/')), message: 'talk to cnmd through helper/api/client.ts.' }],
      KERNEL_ONLY,
    ),
  },
  prettier,
);
