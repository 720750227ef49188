// `wa users add|list|remove`: the phone number (or BSUID) -> user id and role mapping, through the admin API's
// PUT/GET/DELETE /users routes (local runner or deployed stack).
import { DEFAULT_HOST, DEFAULT_PORT } from '../local/defaults.js';
import { adminRequest } from './admin-request.js';
import { bodyOf, refusal, table } from './api-answer.js';
import { adminTarget, parseCommand, TARGET_OPTIONS, usageError, UsageError, type Flags } from './args.js';

export const description = 'map phone numbers or BSUIDs to your users and roles (admin, staff, customer)';

const USAGE = `usage: wa users add <phone or BSUID> --user-id <id> --role admin|staff|customer [--name <name>] [--json] [target]
       wa users list [--json] [target]
       wa users remove <phone or BSUID> [--json] [target]
A phone number may be written in any international form (+7 999 123-45-67, 79991234567); it is stored as E.164
digits. A number mapped as admin gets the system's state when it sends /status.
target (default: the local runner if one answers at http://${DEFAULT_HOST}:${DEFAULT_PORT}, else the deployed stack):
  --local | --api <url> | --aws [--stack <name>]
exit code: 0 done, 1 the API refused (not found, invalid), 2 usage or connection error`;

const options = {
  'user-id': { type: 'string', value: '<id>', description: 'add: the user id in your system' },
  role: { type: 'string', value: '<role>', description: 'add: admin, staff or customer' },
  name: { type: 'string', value: '<name>', description: 'add: a display name' },
  json: { type: 'boolean', description: 'print one JSON document' },
  ...TARGET_OPTIONS,
} as const satisfies Flags;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: true, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  try {
    const [action, id, ...extra] = parsed.positionals;
    if (action !== 'add' && action !== 'list' && action !== 'remove') throw new UsageError(action ? `unknown action "${action}"` : 'give an action: add, list or remove');
    if (extra.length || (action === 'list' && id !== undefined)) throw new UsageError(`unexpected argument "${extra[0] ?? id}"`);
    if (action !== 'list' && !id) throw new UsageError(`wa users ${action} needs a phone number or BSUID`);
    if (action === 'add' && (!parsed.values['user-id'] || !parsed.values.role)) throw new UsageError('wa users add needs --user-id and --role');
    if (action !== 'add' && (parsed.values['user-id'] || parsed.values.role || parsed.values.name)) throw new UsageError('--user-id, --role and --name go with add');
  } catch (error) {
    return usageError((error as Error).message, USAGE);
  }
  const v = parsed.values;
  const [action, id = ''] = parsed.positionals as [string, string?];
  try {
    const to = await adminTarget(v, env);
    const path = `/users/${encodeURIComponent(id)}`;
    if (action === 'add') {
      const res = await adminRequest('PUT', path, { ...to, body: { userId: v['user-id'], role: v.role, ...(v.name !== undefined ? { name: v.name } : {}) } });
      if (res.status !== 200 && res.status !== 201) return fail(v.json, `PUT ${path}`, res);
      const user = bodyOf(res);
      if (v.json) console.log(JSON.stringify(user));
      else console.log(`${res.status === 201 ? 'added' : 'replaced'} ${String(user['id'])} -> ${String(user['userId'])} (${String(user['role'])})`);
      return 0;
    }
    if (action === 'remove') {
      const res = await adminRequest('DELETE', path, to);
      if (res.status !== 204) return fail(v.json, `DELETE ${path}`, res);
      if (v.json) console.log(JSON.stringify({ removed: id }));
      else console.log(`removed ${id}`);
      return 0;
    }
    const users: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    do {
      const res = await adminRequest('GET', `/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, to);
      if (res.status !== 200) return fail(v.json, 'GET /users', res);
      const page = bodyOf(res);
      users.push(...((page['items'] as Record<string, unknown>[] | undefined) ?? []));
      cursor = typeof page['nextCursor'] === 'string' ? page['nextCursor'] : undefined;
    } while (cursor);
    if (v.json) console.log(JSON.stringify({ items: users }));
    else if (!users.length) console.log('no users: add one with wa users add <phone> --user-id <id> --role admin|staff|customer');
    else console.log(table([['ID', 'USER ID', 'ROLE', 'NAME'], ...users.map((u) => [String(u['id']), String(u['userId']), String(u['role']), String(u['name'] ?? '')])]));
    return 0;
  } catch (error) {
    console.error(`users: ${(error as Error).message}`);
    return 2;
  }
}

function fail(json: boolean | undefined, what: string, res: Awaited<ReturnType<typeof adminRequest>>): 1 {
  if (json) console.log(JSON.stringify({ status: res.status, ...bodyOf(res) }));
  else console.error(refusal(what, res));
  return 1;
}
