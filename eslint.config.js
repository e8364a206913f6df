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
  { files: ['lib/constructs/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [SDK] }] } },
  { files: ['lib/rules/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [RULES_ONLY] }] } },
  { files: ['test/**/*.ts', 'integ/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
