import { defineConfig } from 'vitest/config';

/**
 * One vitest run, four projects. Unit tests sit next to the code and touch no network; the
 * integration and browser projects each start their own DynamoDB Local (and, for browsers, the
 * whole local stack) in a global setup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'functions/src/**/*.test.ts', 'web/src/lib/**/*.test.ts', 'test/architecture/**/*.test.ts', 'infra/local/**/*.unit.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'cdk',
          include: ['infra/**/*.test.ts'],
          exclude: ['infra/local/**', '**/cdk.out/**', '**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'infra/local/**/*.test.ts'],
          exclude: ['infra/local/**/*.unit.test.ts'],
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/stack-global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
