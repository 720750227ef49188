import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { POWERTOOLS_DEV: 'true', AWS_REGION: 'us-east-1' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash dynalite, tesseract and synth.
    maxWorkers: 2,
  },
});
