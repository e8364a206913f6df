/** Jest projects: unit (mocked SDK), constructs (synth only) and integration (a real S3 server). */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^bucketkit$': '<rootDir>/lib/index.ts',
    '^bucketkit/storage$': '<rootDir>/lib/storage/index.ts',
    '^bucketkit/storage/notifications$': '<rootDir>/lib/storage/notifications.ts',
    '^bucketkit/rules$': '<rootDir>/lib/rules/index.ts',
  },
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/lambda/**/*.test.ts', '<rootDir>/test/cli/**/*.test.ts'],
    },
    { ...common, displayName: 'rules', testMatch: ['<rootDir>/test/rules/**/*.test.ts'] },
    { ...common, displayName: 'constructs', testMatch: ['<rootDir>/test/constructs/**/*.test.ts'] },
    // npm pack + an offline install of the tarball into an empty project (about 15 s; no S3 server).
    { ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/helpers/integration-setup.ts'],
    },
  ],
};
