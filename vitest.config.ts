import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Quiet runs: the handlers' loggers are silent (a test that checks log lines sets its own level, or spies on the
    // logger). The SDK's Node 20 end-of-support notice is known (this machine runs Node 20, Lambda Node 22).
    env: {
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash dynalite, tesseract and synth.
    maxWorkers: 2,
  },
});
