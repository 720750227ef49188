// `wa status`: GET /status of the local runner or the deployed stack, as lines for a person or one JSON
// document (--json). Exit code 0 when the status says ok, 1 when something needs attention.
import type { SystemStatus } from '../../lambdas/domain/operations/system-status.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../local/defaults.js';
import { adminRequest } from './admin-request.js';
import { refusal, table } from './api-answer.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, type Flags } from './args.js';

export const description = 'queue depths, dead letters, token days left, last inbound message, Wazzup24 channels';

const USAGE = `usage: wa status [--json] [target]
Shows GET /status: every queue's depth, in-flight and dead-letter count, the access token's validity and days
left, the last inbound message time and the Wazzup24 channel states.
target (default: the local runner if one answers at http://${DEFAULT_HOST}:${DEFAULT_PORT}, else the deployed stack):
  --local | --api <url> | --aws [--stack <name>]
exit code: 0 all ok, 1 something needs attention (or the API refused), 2 usage or connection error`;

const options = { json: { type: 'boolean', description: 'print one JSON document' }, ...TARGET_OPTIONS } as const satisfies Flags;

export function formatStatus(s: SystemStatus): string {
  const lines = [`status: ${s.ok ? 'ok' : 'NEEDS ATTENTION'}`, ''];
  const queues = Object.entries(s.queues);
  if (queues.length) {
    lines.push(table([
      ['QUEUE', 'DEPTH', 'IN FLIGHT', 'OLDEST (S)', 'DEAD LETTERS'],
      ...queues.map(([name, q]) => [name, String(q.depth), String(q.inFlight), q.oldestAgeSeconds === undefined ? '-' : String(q.oldestAgeSeconds), String(q.deadLetters)]),
    ]), '');
  }
  const t = s.token;
  lines.push(`token         ${t.configured === false ? 'not configured' : t.valid ? `valid, ${t.neverExpires ? 'never expires' : `${t.daysLeft} day(s) left`}` : `INVALID${t.reason ? `: ${t.reason}` : ''}`}`);
  lines.push(`last inbound  ${s.lastInboundAt ?? 'none yet'}`);
  for (const c of s.channels ?? []) lines.push(`channel       ${[c.transport, c.channelId].filter(Boolean).join(' ')}: ${c.state}${c.active ? '' : ' (not active)'}`);
  for (const e of s.errors ?? []) lines.push(`unreadable    ${e.part}: ${e.message}`);
  return lines.join('\n');
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  try {
    const res = await adminRequest('GET', '/status', await adminTarget(v, env));
    const body = res.body as SystemStatus | undefined;
    if (res.status !== 200 || typeof body !== 'object' || body === null || typeof body.ok !== 'boolean') {
      if (v.json) console.log(JSON.stringify({ status: res.status, body: res.body }));
      else console.error(refusal('GET /status', res));
      return 1;
    }
    console.log(v.json ? JSON.stringify(body) : formatStatus(body));
    return body.ok ? 0 : 1;
  } catch (error) {
    console.error(`status: ${(error as Error).message}`);
    return 2;
  }
}
