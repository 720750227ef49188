import { fileURLToPath } from 'node:url';

// How a Lambda handler is bundled: shared by the CDK construct (NodejsFunction) and the bundle benchmark,
// so the benchmark measures exactly what gets deployed.

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies that call it (several SDK and Powertools
 * internals do) need one, so every bundle starts with a real require bound to the module's URL.
 */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Absolute so esbuild finds it whatever its working directory. */
const envCredentials = fileURLToPath(new URL('../lambdas/adapters/runtime/env-credentials.ts', import.meta.url));

export const bundleOptions = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  alias: { '@aws-sdk/credential-provider-node': envCredentials },
} as const;
