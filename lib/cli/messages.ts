// `wa messages get <id>`: one message with its status history (GET /messages/{id}); `wa messages list --contact
// <id>`: a contact's conversation, newest first (GET /contacts/{id}/messages). Ids go into the path encoded, so
// a wamid or a contact id with `+`, `/` or `=` reaches the route as typed.
import type { MessageView } from '../../lambdas/domain/shared/model.js';
import { adminRequest } from './admin-request.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, UsageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';

const USAGE = `usage:
  wa messages get <message id> [--json]
  wa messages list --contact <contact id> [--limit <n>] [--cursor <cursor>] [--json]
Target: the flag, else $WA_API, else the local runner if one answers (127.0.0.1:$PORT), else the deployed stack.
Exit code 1 when the message or contact is not found.`;

const options = {
  contact: { type: 'string', value: '<id>', description: 'list: the contact (its id as GET /contacts shows it: BSUID, wa_id, wazzup24-...)' },
  limit: { type: 'string', value: '<n>', description: 'list: messages per page (1-100, default 20)' },
  cursor: { type: 'string', value: '<cursor>', description: 'list: the next page (printed on stderr after a full page)' },
  json: { type: 'boolean', description: 'print the API\'s answer as one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

/** One line per message: time, direction, type, status, id, and the start of the text. */
export function messageLine(m: MessageView): string {
  const text = m.text ? `  ${JSON.stringify(m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text)}` : '';
  return `${m.timestamp}  ${m.direction.padEnd(3)}  ${m.type.padEnd(9)}  ${(m.status ?? '').padEnd(9)}  ${m.id}${text}`;
}

function describeMessage(m: MessageView): string {
  const lines = [
    `id         ${m.id}`,
    `direction  ${m.direction}`,
    `type       ${m.type}`,
    `contact    ${m.contactId}`,
    `time       ${m.timestamp}`,
    ...(m.text !== undefined ? [`text       ${m.text}`] : []),
    ...(m.status ? [`status     ${m.status}`] : []),
  ];
  for (const s of m.statuses ?? []) {
    const error = s.errors?.[0];
    lines.push(`  ${s.timestamp}  ${s.status}${error ? `  (${String(error.code)}${error.title ? ` ${error.title}` : ''})` : ''}`);
  }
  return lines.join('\n');
}

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: true, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const [sub, ...rest] = positionals;
  try {
    let path: string;
    if (sub === 'get') {
      if (rest.length !== 1) throw new UsageError('give the message id: wa messages get <id>');
      if (v.contact !== undefined || v.limit !== undefined || v.cursor !== undefined) throw new UsageError('--contact, --limit and --cursor go with list');
      path = `/messages/${encodeURIComponent(rest[0]!)}`;
    } else if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected "${rest.join(' ')}": the contact goes in --contact <id>`);
      if (!v.contact) throw new UsageError('--contact <id> is required');
      const limit = v.limit ?? '20';
      if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 100) throw new UsageError(`--limit must be 1 to 100, got "${limit}"`);
      const query = new URLSearchParams({ limit, ...(v.cursor ? { cursor: v.cursor } : {}) });
      path = `/contacts/${encodeURIComponent(v.contact)}/messages?${query}`;
    } else {
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say what to do: get or list');
    }
    const res = await adminRequest('GET', path, await adminTarget(v, env));
    if (res.status !== 200) {
      const error = (res.body as { error?: string } | undefined)?.error ?? JSON.stringify(res.body);
      console.error(`GET ${path} answered ${res.status}: ${error}`);
      return res.status === 401 || res.status === 403 ? EXIT.usage : EXIT.failed;
    }
    if (v.json) console.log(JSON.stringify(res.body, null, 2));
    else if (sub === 'get') console.log(describeMessage(res.body as MessageView));
    else {
      const page = res.body as { items: MessageView[]; nextCursor?: string };
      console.log(page.items.length ? page.items.map(messageLine).join('\n') : '(no messages)');
      if (page.nextCursor) console.error(`more: wa messages list --contact ${v.contact} --cursor ${page.nextCursor}`);
    }
    return EXIT.done;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    console.error(`messages: ${(error as Error).message}`);
    return EXIT.usage;
  }
}
