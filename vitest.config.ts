// Two tiers, one config: `unit` is pure logic (no sockets, no files, no Redis); `integration`
// talks to a real Redis and to the vendor sandbox over real HTTPS, one file at a time.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globals: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-redis.ts'],
          // Every file is also a slot audit: what it sends must keep to one cluster slot per unit.
          setupFiles: ['test/support/slot-audit-setup.ts'],
          // Files share one Redis (each test uses its own key prefix) and kill real processes:
          // run them one after another so their timings do not disturb each other.
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
