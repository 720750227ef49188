// How a Lambda handler is bundled: shared by the CDK construct (NodejsFunction) and the bundle benchmark,
// so the benchmark measures exactly what gets deployed.

export const lambdaTarget = 'node22';

/** ESM bundles still contain CommonJS dependencies that call `require`; give them one. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const bundleOptions = {
  format: 'esm',
  platform: 'node',
  target: lambdaTarget,
  minify: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  banner: esmRequireBanner,
} as const;
