// No function's downstream calls can outlast it: for every function of the synthesized template, each worst
// path of lib/timeout-budget.ts (the clients' own limits, added up) is under the function's Timeout, so a
// stalled dependency ends as a handled 500 or queue retry, never as "Task timed out".
import { describe, expect, it } from 'vitest';
import { CLIENT_LIMITS, worstCallMs } from '../../lambdas/adapters/runtime/client-limits.js';
import { functions, type FunctionName } from '../../lib/resources.js';
import { pathMs, timeoutBudgets } from '../../lib/timeout-budget.js';
import { logicalId, resources, synthStack } from '../support/synth.js';

const { stack, template } = synthStack();
const all = resources(template);

describe('downstream timeouts fit inside every function timeout', () => {
  const names = Object.keys(functions) as FunctionName[];

  it.each(names)('%s', (name) => {
    const fn = stack.functions.get(name);
    expect(fn, name).toBeDefined();
    const timeoutSeconds = all[logicalId(stack, fn!.function)]?.Properties?.['Timeout'] as number;
    expect(timeoutSeconds).toBe(functions[name].timeoutSeconds);
    const paths = Object.entries(timeoutBudgets[name]);
    expect(paths.length, `${name} has no timeout budget`).toBeGreaterThan(0);
    for (const [path, budget] of paths) {
      expect(pathMs(budget), `${name} (${path}): ${JSON.stringify(budget)}`).toBeLessThan(timeoutSeconds * 1000);
    }
  });

  it('counts a call as all its attempts run to their timeouts', () => {
    expect(worstCallMs(CLIENT_LIMITS.dynamodb)).toBe(CLIENT_LIMITS.dynamodb.maxAttempts * (CLIENT_LIMITS.dynamodb.connectionTimeoutMs + CLIENT_LIMITS.dynamodb.requestTimeoutMs));
    // The card worker's Meta path, the one issue 14 found at the limit: two lookups, two downloads, S3, Textract.
    expect(pathMs(timeoutBudgets.cardWorker.meta!)).toBeGreaterThan(2 * worstCallMs(CLIENT_LIMITS.media));
  });
});
