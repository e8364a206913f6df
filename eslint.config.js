// ESLint flat config. The import boundaries from DEVELOPERS.md are enforced here as rules:
//  - lib/storage/** and lambda/** never import aws-cdk-lib, constructs or lib/constructs/**
//  - lib/constructs/** never imports @aws-sdk/*, @smithy/* or run-time code (lib/storage, lambda)
//  - lib/rules/** imports neither side
const tseslint = require('typescript-eslint');

const CDK = {
  group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'constructs/*', '@aws-cdk/*', 'cdk-nag', '**/constructs/**', '**/lib/constructs', '**/lib/index'],
  message: 'Run-time code (lib/storage, lambda) must not import the CDK or lib/constructs: a handler bundle must stay free of aws-cdk-lib.',
};
const SDK = {
  group: ['@aws-sdk/*', '@smithy/*', '**/storage', '**/storage/**', '**/lambda/**'],
  message: 'Deploy-time code (lib/constructs) must not import the AWS SDK or run-time code (lib/storage, lambda).',
};
const RULES_ONLY = {
  group: [...CDK.group, ...SDK.group],
  message: 'lib/rules holds S3 rules as pure TypeScript: it imports neither the CDK side nor the SDK side.',
};

// Layers inside lib/storage point down only: types and errors, then core, then objects, then transfer; the
// capability folders (compatibility, archive, versioning, bucket-config) sit beside transfer; the facade
// (s3/s3-storage.ts) is on top and only the package index imports it. Each entry lists what a layer may NOT import.
const FACADE = {
  group: ['**/s3-storage', '**/s3/s3-storage', '**/s3-storage-base'],
  message: 'Nothing in lib/storage imports the S3Storage facade (only lib/storage/index.ts does): operations take an S3Context.',
};
const CAPABILITIES = ['compatibility', 'archive', 'versioning', 'bucket-config', 'encryption'];
const layer = (name, up, forbidden) => ({
  group: forbidden.map((f) => `${up}${f}/**`),
  message: `lib/storage layers point down only: ${name} may not import ${forbidden.join(', ')}.`,
});
const STORAGE_LAYERS = [
  {
    files: ['lib/storage/types/**/*.ts', 'lib/storage/errors.ts'],
    patterns: [
      {
        group: ['../s3/**', '**/s3/**', '../index', './index'],
        message: 'lib/storage/types and errors.ts are the bottom of the graph: they import no implementation.',
      },
    ],
  },
  { files: ['lib/storage/s3/core/**/*.ts'], patterns: [layer('core', '../', ['objects', 'transfer', ...CAPABILITIES])] },
  { files: ['lib/storage/s3/objects/**/*.ts'], patterns: [layer('objects', '../', ['transfer', ...CAPABILITIES])] },
  { files: ['lib/storage/s3/transfer/*/**/*.ts'], patterns: [layer('transfer', '../../', CAPABILITIES)] },
  {
    files: ['lib/storage/s3/transfer/shared/**/*.ts'],
    patterns: [layer('transfer/shared', '../', ['upload', 'download', 'copy']), layer('transfer', '../../', CAPABILITIES)],
  },
  {
    files: ['lib/storage/s3/compatibility/**/*.ts'],
    patterns: [
      {
        group: ['**/transfer/**', '**/archive/**', '**/versioning/**', '**/bucket-config/**', '**/encryption/**'],
        message: 'compatibility imports core and objects only.',
      },
    ],
  },
  ...['archive', 'versioning', 'bucket-config', 'encryption'].map((name) => ({
    files: [`lib/storage/s3/${name}/**/*.ts`],
    patterns: [
      {
        group: ['**/compatibility/**'],
        message: `${name} imports core, objects and transfer, never compatibility (the profile reaches it through the S3Context).`,
      },
    ],
  })),
];

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'cdk.out/**', '.venv/**', '.servers/**', 'integ/**/*.snapshot/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  { files: ['lib/storage/**/*.ts', 'lambda/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [CDK] }] } },
  { files: ['lib/storage/**/*.ts'], ignores: ['lib/storage/index.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [CDK, FACADE] }] } },
  // The facade's two halves: s3-storage.ts extends s3-storage-base.ts, and nothing else imports either.
  { files: ['lib/storage/s3/s3-storage.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [CDK, { ...FACADE, group: ['**/s3/s3-storage'] }] }] } },
  // A later entry replaces an earlier one's options for the same rule, so each layer repeats CDK and FACADE.
  ...STORAGE_LAYERS.map(({ files, patterns }) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns: [CDK, FACADE, ...patterns] }] } })),
  { files: ['lib/constructs/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [SDK] }] } },
  { files: ['lib/rules/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [RULES_ONLY] }] } },
  // Files stay small (STYLE.md): a file past 400 lines wants a second file. Counted as every line, blank or not.
  { files: ['lib/**/*.ts', 'bin/**/*.ts', 'lambda/**/*.ts'], rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] } },
  { files: ['test/**/*.ts', 'integ/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
