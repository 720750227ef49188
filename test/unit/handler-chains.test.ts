// Every Lambda entry point is a middy chain with Powertools' middlewares, in the same order: the Lambda context
// and a reset of the logger's keys per invocation, this invocation's correlation keys, then the ColdStart metric
// and the flush (metric-catalog.test.ts checks that one for every handler too). What the chain does at run time
// is tested in redaction.test.ts (keys, reset after a throw) and emf.test.ts (the webhook as Lambda runs it).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/stack.js';

const HANDLERS = join(PROJECT_ROOT, 'lambdas', 'handlers');
const entries = readdirSync(HANDLERS)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(HANDLERS, f), 'utf8') }))
  .filter((f) => /\bexport const handler\b/.test(f.text));

const CHAIN = new RegExp(
  [
    String.raw`export const handler = lambdaEntry\(\s*middy\(`,
    String.raw`[\s\S]*?\)\s*\.use\(injectLambdaContext\(logger, \{ resetKeys: true \}\)\)`,
    String.raw`\s*\.use\(correlationKeys\((httpCorrelation)?\)\)`,
    String.raw`\s*\.use\(metricsMiddleware\(\)\),?\s*\);`,
  ].join(''),
);

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('Lambda handlers', () => {
  it('every file of lambdas/handlers exporting `handler` is a middy chain with the Powertools middlewares', () => {
    expect(entries.map((e) => e.file).sort()).toEqual([
      'admin-api.ts',
      'card-worker.ts',
      'contacts-api.ts',
      'diagnose.ts',
      'send-api.ts',
      'sender.ts',
      'status-api.ts',
      'token-rotation.ts',
      'token-watch.ts',
      'users-api.ts',
      'wazzup-webhook.ts',
      'webhook.ts',
    ]);
    for (const { file, text } of entries) {
      expect(text, file).toContain("import middy from '@middy/core';");
      expect(text, file).toContain("import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';");
      expect(text, `${file}: middy(core).use(injectLambdaContext).use(correlationKeys).use(metricsMiddleware)`).toMatch(CHAIN);
    }
  });

  it('HTTP functions take request_id from API Gateway, the others from Lambda', () => {
    const http = entries.filter((e) => e.text.includes("from './http.js'")).map((e) => e.file);
    expect(http.length).toBeGreaterThanOrEqual(6);
    for (const { file, text } of entries) {
      expect(text.includes('.use(correlationKeys(httpCorrelation))'), file).toBe(http.includes(file));
    }
  });

  it('no hand-written wrapper is left: no observe() in lambdas/ or lib/', () => {
    const left = [...sources(join(PROJECT_ROOT, 'lambdas')), ...sources(join(PROJECT_ROOT, 'lib'))]
      .filter((path) => /\bobserve\(/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(PROJECT_ROOT, path));
    expect(left).toEqual([]);
  });
});
