// `wa events`: the stored non-message webhook events (template status and quality, number quality and name,
// account updates, calls, …) newest first, through GET /events.
import { DEFAULT_HOST, DEFAULT_PORT } from '../local/defaults.js';
import { adminRequest } from './admin-request.js';
import { bodyOf, refusal } from './api-answer.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, type Flags } from './args.js';

export const description = 'template, quality, account and call events Meta sent, newest first';

const USAGE = `usage: wa events [--field <name>] [--limit <n>] [--json] [target]
  --field <name>  only this webhook field (message_template_status_update, phone_number_quality_update,
                  account_update, calls, ...)
  --limit <n>     at most n events (1-100, default 20)
target (default: the local runner if one answers at http://${DEFAULT_HOST}:${DEFAULT_PORT}, else the deployed stack):
  --local | --api <url> | --aws [--stack <name>]
exit code: 0 listed, 1 the API refused, 2 usage or connection error`;

const options = {
  field: { type: 'string', value: '<name>', description: 'only this webhook field' },
  limit: { type: 'string', value: '<n>', description: 'at most n events (1-100, default 20)' },
  json: { type: 'boolean', description: 'print one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

/** The one line a person reads for an event: what changed, on what. */
export function summarise(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? '';
  const v = value as Record<string, unknown>;
  const parts = ['event', 'decision', 'message_template_name', 'message_template_language', 'new_quality_score', 'display_phone_number', 'reason']
    .filter((k) => v[k] !== undefined && v[k] !== null)
    .map((k) => `${k}=${typeof v[k] === 'string' ? v[k] : JSON.stringify(v[k])}`);
  return parts.length ? parts.join(' ') : JSON.stringify(value).slice(0, 160);
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  if (v.limit !== undefined && (!/^\d+$/.test(v.limit) || Number(v.limit) < 1 || Number(v.limit) > 100)) return usageError('--limit must be a whole number from 1 to 100', USAGE);
  try {
    const query = new URLSearchParams({ ...(v.field ? { field: v.field } : {}), ...(v.limit ? { limit: v.limit } : {}) }).toString();
    const res = await adminRequest('GET', `/events${query ? `?${query}` : ''}`, await adminTarget(v, env));
    if (res.status !== 200) {
      if (v.json) console.log(JSON.stringify({ status: res.status, ...bodyOf(res) }));
      else console.error(refusal('GET /events', res));
      return 1;
    }
    const items = (bodyOf(res)['items'] as { field: string; receivedAt: string; value: unknown }[] | undefined) ?? [];
    if (v.json) console.log(JSON.stringify({ items }));
    else if (!items.length) console.log('no events stored (they are kept 90 days)');
    else for (const e of items) console.log(`${e.receivedAt}  ${e.field}  ${summarise(e.value)}`);
    return 0;
  } catch (error) {
    console.error(`events: ${(error as Error).message}`);
    return 2;
  }
}
