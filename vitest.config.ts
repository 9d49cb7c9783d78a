import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      // Unit tests touch no database or queue, so they start without Postgres and Redis.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      // Integration tests fail the run, not skip, when Postgres (with pgvector) or Redis is missing.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'] } },
    ],
  },
})
