// The `wa` CLI as a newcomer meets it: `npm start` in its own process on a port that is not 3000, with none of
// the variables set, and every `wa` command run as a child process the way a shell runs it (exit code, stdout
// and stderr apart). One stack for the whole file: each check below shares it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseReport } from '../../lambdas/domain/diagnose/diagnose.js';
import { commands } from '../../lib/cli/commands.js';
import { DEFAULT_PORT, localDefaults } from '../../lib/local/defaults.js';
import { freePort } from '../../lib/local/free-port.js';
import { DEFAULT_APP_ID, DEFAULT_WABA_ID } from '../../lib/local/graph-sandbox-accounts.js';
import type { LocalInfo } from '../../lib/local/local-info.js';
import { DEFAULT_WAZZUP_CHANNEL_ID } from '../../lib/local/wazzup-sandbox.js';
import { LOCAL_WAZZUP_API_KEY } from '../../lib/local/wazzup-service.js';
import { cleanEnv, runNode, USER_SETTINGS, wa } from '../support/child-process.js';
import { LocalProcess } from '../support/local-process.js';

const CUSTOMER = '996555123456';
/** A wamid with the characters a path must carry encoded. */
const ODD_ID = 'wamid.CLI+e2e/1=';
let local: LocalProcess;
let deadPort: number;
/** A shell with nothing set but the runner's port, as the banner tells the user to do. */
let shell: NodeJS.ProcessEnv;
let graphSandbox: string;
/** Each test runs several CLI processes; on a busy machine that is seconds each. */
const SLOW = 120_000;

beforeAll(async () => {
  local = await LocalProcess.open({
    name: 'wa-cli-e2e-',
    // INFO: the card worker's "card job done" line is looked at below.
    env: { POWERTOOLS_LOG_LEVEL: 'INFO', GRAPH_SANDBOX_STATUS_DELAY_MS: '50', WAZZUP_SANDBOX_STATUS_DELAY_MS: '50', OCR_ENGINE: 'none' },
    without: USER_SETTINGS.filter((k) => !['PORT', 'HOST', 'DATA_DIR', 'POWERTOOLS_LOG_LEVEL'].includes(k)),
    adminToken: localDefaults.ADMIN_TOKEN,
  });
  await local.start();
  deadPort = await freePort();
  shell = cleanEnv({ PORT: String(local.port) });
  const info = await local.adminGet<LocalInfo>('/local/info');
  graphSandbox = info.graph.sandbox ? info.graph.url : '';
}, 90_000);

afterAll(async () => {
  await local?.close();
});

describe('npm start on another port', () => {
  it('prints how wa finds it and the sandbox ids a user needs', () => {
    expect(local.port).not.toBe(DEFAULT_PORT);
    const out = local.output;
    expect(out).toContain(`export PORT=${local.port}`);
    expect(out).toContain(`app id ${DEFAULT_APP_ID}, WABA ${DEFAULT_WABA_ID}, phone number id ${localDefaults.WHATSAPP_PHONE_NUMBER_ID}`);
    expect(out).toContain(`channel ${DEFAULT_WAZZUP_CHANNEL_ID} active`);
    expect(out).toContain(`API key ${LOCAL_WAZZUP_API_KEY}`);
    expect(graphSandbox).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }, SLOW);
});

describe('help and exit codes', () => {
  it('wa --help, wa help and wa -h list every command with its line; wa help <cmd> is wa <cmd> --help', async () => {
    const [long, word, short, none, version, bogus, helpMessages, messagesHelp] = await Promise.all([
      wa(['--help'], shell), wa(['help'], shell), wa(['-h'], shell), wa([], shell), wa(['--version'], shell), wa(['bogus'], shell),
      wa(['help', 'messages'], shell), wa(['messages', '--help'], shell),
    ]);
    for (const r of [long, word, short, none]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(long.stdout);
    }
    for (const [name, entry] of Object.entries(commands)) expect(long.stdout).toMatch(new RegExp(`^  ${name} +${entry.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(long.stdout).toContain('exit codes: 0 done, 1 the operation failed');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(bogus).toMatchObject({ code: 2, stdout: '' });
    expect(bogus.stderr).toMatch(/^wa: unknown command "bogus"/);
    expect(helpMessages.code).toBe(0);
    expect(messagesHelp).toEqual(helpMessages);
    expect(helpMessages.stdout).toMatch(/^ +--contact <id> +list: the contact/m);
  }, SLOW);
});

describe('with PORT set and nothing else, every command works against npm start', () => {
  it('simulate, then accounts, token status, wazzup channels, diagnose, messages, send, contacts, sandbox', async () => {
    const sim = await wa(['simulate', 'text', 'hello from the cli', '--from', CUSTOMER, '--id', ODD_ID], shell);
    expect(sim.code, sim.stderr).toBe(0);
    const [accounts, status, channels, diagnose, get, list, send, contacts, register] = await Promise.all([
      wa(['accounts'], shell),
      wa(['token', 'status', '--json'], shell),
      wa(['wazzup', 'channels'], shell),
      wa(['diagnose'], shell),
      wa(['messages', 'get', ODD_ID, '--json'], shell),
      wa(['messages', 'list', '--contact', CUSTOMER], shell),
      wa(['send', '--to', `+${CUSTOMER}`, '--text', 'hello back', '--json'], shell),
      wa(['contacts', 'export', '--format', 'csv'], shell),
      wa(['wazzup', 'register', '--api', local.url('')], shell),
    ]);
    for (const r of [accounts, status, channels, diagnose, get, list, send, contacts, register]) expect(r.code, r.stderr).toBe(0);
    expect(register.stdout).toBe(`registered ${local.url('/webhooks/wazzup24/<secret>')} (messages, statuses, channel updates)\n`);
    expect(accounts.stdout).toContain(`WABA ${DEFAULT_WABA_ID}`);
    expect(accounts.stdout).toMatch(new RegExp(`^ +\\* +${localDefaults.WHATSAPP_PHONE_NUMBER_ID} `, 'm'));
    expect(JSON.parse(status.stdout)).toMatchObject({ valid: true, type: 'SYSTEM_USER', wabaIds: [DEFAULT_WABA_ID] });
    expect(channels.stdout).toMatch(new RegExp(`^${DEFAULT_WAZZUP_CHANNEL_ID} +whatsapp +\\d+ +active$`, 'm'));
    expect(diagnose.stdout).toMatch(/\n\d+ ok, 0 warn, 0 fail\n$/);
    // Item 7: the id went into the path encoded, so the `+`, `/` and `=` came back as typed.
    expect(JSON.parse(get.stdout)).toMatchObject({ id: ODD_ID, direction: 'in', text: 'hello from the cli' });
    expect(list.stdout).toContain(`  in   text `);
    expect(list.stdout).toContain(ODD_ID);
    const sent = JSON.parse(send.stdout) as { id: string };
    expect(contacts.stdout.split('\r\n')[0]).toMatch(/^id,name,/);
    expect(contacts.stdout).toContain(CUSTOMER);
    const sandbox = await wa(['sandbox', 'sent', '--json'], shell);
    expect(sandbox.code, sandbox.stderr).toBe(0);
    expect((JSON.parse(sandbox.stdout) as { sent: { wamid: string }[] }).sent.map((s) => s.wamid)).toContain(sent.id);
    // The sandbox's wamids carry `/` and `+` too.
    const out = await wa(['messages', 'get', sent.id], shell);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`^id +${sent.id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    const missing = await wa(['messages', 'get', 'wamid.never-seen'], shell);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/answered 404/);
  }, SLOW);

  it('token rotate --local prints the new token alone; a failure prints nothing on stdout and exits non-zero', async () => {
    const [rotated, expired, nobody] = await Promise.all([
      wa(['token', 'rotate', '--local'], shell),
      wa(['token', 'rotate', '--local'], { ...shell, GRAPH_BASE_URL: graphSandbox, WHATSAPP_ACCESS_TOKEN: 'local-expired-token' }),
      wa(['token', 'rotate', '--local'], cleanEnv({ PORT: String(deadPort) })),
    ]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^\S{20,}\n$/);
    expect(rotated.stdout.trim()).not.toBe(localDefaults.WHATSAPP_ACCESS_TOKEN);
    expect(expired).toMatchObject({ code: 1, stdout: '' });
    expect(expired.stderr).toMatch(/cannot refresh: .*expired/);
    expect(nobody).toMatchObject({ code: 2, stdout: '' });
    expect(nobody.stderr).toContain(`no npm start answered at http://127.0.0.1:${deadPort} (from PORT=${deadPort})`);
  }, SLOW);
});

describe('finding the runner', () => {
  it('names the address it tried (from PORT) when nothing answers; WA_API overrides PORT', async () => {
    const dead = cleanEnv({ PORT: String(deadPort) });
    const tried = `http://127.0.0.1:${deadPort} (from PORT=${deadPort})`;
    const [exported, diagnose, simulate, sandbox, viaWaApi] = await Promise.all([
      wa(['contacts', 'export', '--format', 'csv'], dead),
      wa(['diagnose', '--local'], dead),
      wa(['simulate', 'text', 'hi', '--from', CUSTOMER], dead),
      wa(['sandbox', 'sent'], dead),
      wa(['messages', 'list', '--contact', CUSTOMER, '--json'], { ...dead, WA_API: local.url('') }),
    ]);
    for (const r of [exported, diagnose, simulate, sandbox]) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(tried);
    }
    // Without a runner the export falls through to AWS: the error says both what was tried locally and why AWS failed.
    expect(exported.stderr).toMatch(/no local runner answered at .*, and cannot read the outputs of stack WhatsAppBusiness/);
    expect(viaWaApi.code, viaWaApi.stderr).toBe(0);
    expect((JSON.parse(viaWaApi.stdout) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  }, SLOW);

  it('simulate takes --api <base url> like every command, and --url (also a full webhook URL) as its alias', async () => {
    const noPort = cleanEnv();
    const [api, url, webhook, status, both] = await Promise.all([
      wa(['simulate', 'text', 'via api', '--from', '77011234567', '--api', local.url('')], noPort),
      wa(['simulate', 'text', 'via url', '--from', '77011234567', '--url', local.url('')], noPort),
      wa(['simulate', 'text', 'via webhook url', '--from', '77011234567', '--url', local.url('/webhooks/whatsapp')], noPort),
      wa(['simulate', 'status', ODD_ID, 'read', '--to', CUSTOMER, '--api', local.url('/')], noPort),
      wa(['simulate', 'text', 'x', '--from', '77011234567', '--api', local.url(''), '--url', local.url('')], noPort),
    ]);
    for (const r of [api, url, webhook, status]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`POST ${local.url('/webhooks/whatsapp')} -> 200`);
    }
    expect(both.code).toBe(2);
    const texts = (await local.adminGet<{ items: { text?: string }[] }>('/contacts/77011234567/messages')).items.map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['via api', 'via url', 'via webhook url']));
  }, SLOW);
});

describe('--json is one JSON document, and diagnose blames one cause', () => {
  it('token status and diagnose with a token Graph rejects: parseable stdout, no EMF, skipped dependants', async () => {
    // A token the sandbox cannot parse makes the Graph client count GraphErrors and GraphRetries (EMF), which a
    // Lambda prints on stdout; POWERTOOLS_DEV is not set here, so only the CLI itself can keep them off.
    const bad = { ...shell, GRAPH_BASE_URL: graphSandbox, WHATSAPP_ACCESS_TOKEN: 'not-a-token-at-all' };
    const [status, diagnose] = await Promise.all([wa(['token', 'status', '--json'], bad), wa(['diagnose', '--json'], bad)]);
    expect(status.code).toBe(1);
    expect(status.stdout).not.toContain('_aws');
    expect(JSON.parse(status.stdout)).toMatchObject({ valid: false });
    expect(diagnose.code).toBe(1);
    const report = JSON.parse(diagnose.stdout) as DiagnoseReport;
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual(['token-valid']);
    const skipped = report.checks.filter((c) => c.status === 'skip');
    expect(skipped.length).toBeGreaterThan(5);
    for (const c of skipped) {
      const causes = /\(([a-z-]+(?:, [a-z-]+)*)\)$/.exec(c.detail)?.[1]?.split(', ') ?? [];
      expect(causes.some((id) => failed.includes(id as never)), `${c.id}: ${c.detail}`).toBe(true);
    }
    for (const c of report.checks) expect(c.hint, c.id).not.toMatch(/diagnos/i);
  }, SLOW);
});

describe('npm start logs and start-up errors', () => {
  it('one human line per event with the ids; the card worker uses message_id and queue_message_id; no EMF', async () => {
    const card = await wa(['simulate', 'image', 'test/fixtures/cards/en-bizcard-qr.png', '--from', CUSTOMER, '--id', 'wamid.CLI-CARD-1'], shell);
    expect(card.code, card.stderr).toBe(0);
    await local.waitFor(async () => local.output.includes('card job done'), 'the card worker logs the job');
    const out = local.output;
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO +\[\w+\] card job done message_id=wamid\.CLI-CARD-1 queue_message_id=[0-9a-f-]{36} attempt=1 outcome=\w+/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO +\[\w+\] delivery stored request_id=\S+ message_ids=/m);
    expect(out).not.toMatch(/^\{/m);
    expect(out).not.toContain('"_aws"');
  }, SLOW);

  it('a port in use, or a DATA_DIR another npm start holds, is one line and exit code 2', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'wa-cli-e2e-other-'));
    try {
      const base = cleanEnv({ HOST: '127.0.0.1' });
      const [samePort, sameDir] = await Promise.all([
        runNode('bin/local.ts', [], { ...base, PORT: String(local.port), DATA_DIR: otherDir }),
        runNode('bin/local.ts', [], { ...base, PORT: String(deadPort), DATA_DIR: local.dataDir }),
      ]);
      expect(samePort).toMatchObject({ code: 2, stdout: '' });
      expect(samePort.stderr).toBe(`npm start: port ${local.port} on 127.0.0.1 is in use (another npm start?): stop it, or set PORT to another port\n`);
      expect(sameDir).toMatchObject({ code: 2, stdout: '' });
      expect(sameDir.stderr).toMatch(new RegExp(`^npm start: DATA_DIR ${local.dataDir} is in use by another npm start \\(pid \\d+\\): stop that one, or set DATA_DIR to another directory\\n$`));
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, SLOW);
});
