import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The SDK's Node 20 end-of-support notice is known (this machine runs Node 20, Lambda Node 22); it only buries test output.
    env: { POWERTOOLS_DEV: 'true', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash dynalite, tesseract and synth.
    maxWorkers: 2,
  },
});
