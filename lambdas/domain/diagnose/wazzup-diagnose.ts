// The Wazzup24 checks of `GET /diagnose` and `wa diagnose`, run when Wazzup24 is configured (an API key is set):
// the key works, the configured channel is active, and the account's one webhook points at this stack (its URL
// ends with this stack's path secret). Pure: the facts come from lambdas/adapters/meta/diagnose-facts.ts.
import type { CheckResult } from './check.js';

export interface WazzupFacts {
  /** `GET /v3/channels`, or why it failed. */
  channels: { ok: true; list: { channelId: string; transport: string; plainId: string; state: string }[] } | { ok: false; code: string; message: string; hint: string };
  /** WAZZUP_CHANNEL_ID (context wazzupChannelId). */
  channelId?: string;
  /** `GET /v3/webhooks`, or why it failed. */
  webhook?: { ok: true; uri?: string; subscriptions: Record<string, boolean> } | { ok: false; code: string; message: string };
  /** This stack's path secret is set (without it no URL can be this stack's). */
  expectedPathSuffix?: string;
}

export function wazzupChecks(f: WazzupFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const add = (id: CheckResult['id'], title: string, status: CheckResult['status'], detail: string, hint = '') => out.push({ id, title, status, detail, hint });

  if (!f.channels.ok) {
    add('wazzup-key', 'Wazzup24 API key is valid', 'fail', `GET /v3/channels failed: ${f.channels.code}: ${f.channels.message}`, f.channels.hint);
    add('wazzup-channel', 'Wazzup24 channel is active', 'skip', 'skipped: the API key does not work (wazzup-key)');
    add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'skip', 'skipped: the API key does not work (wazzup-key)');
    return out;
  }
  add('wazzup-key', 'Wazzup24 API key is valid', 'ok', `${f.channels.list.length} channel(s) in the account`);

  const list = f.channels.list.map((c) => `${c.channelId} (${c.transport} ${c.plainId}: ${c.state})`).join(', ') || 'none';
  if (!f.channelId) {
    add('wazzup-channel', 'Wazzup24 channel is active', 'warn', `no channel configured; the account has: ${list}`,
      'Deploy with -c wazzupChannelId=<id> (WAZZUP_CHANNEL_ID locally) so admin sends know which channel to use (`npx wa wazzup channels`).');
  } else {
    const channel = f.channels.list.find((c) => c.channelId === f.channelId);
    if (!channel) add('wazzup-channel', 'Wazzup24 channel is active', 'fail', `channel ${f.channelId} is not in this account; it has: ${list}`, 'Set wazzupChannelId to one of the account\'s channels (`npx wa wazzup channels`).');
    else if (channel.state !== 'active') {
      add('wazzup-channel', 'Wazzup24 channel is active', 'fail', `channel ${channel.channelId} (${channel.transport} ${channel.plainId}) is in state "${channel.state}"`, stateHint(channel.state));
    } else add('wazzup-channel', 'Wazzup24 channel is active', 'ok', `channel ${channel.channelId} (${channel.transport} ${channel.plainId}) is active`);
  }

  const w = f.webhook;
  if (!w) add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'fail', 'GET /v3/webhooks was not asked', 'Check that the Wazzup24 API answers (WAZZUP_BASE_URL locally).');
  else if (!w.ok) add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'fail', `GET /v3/webhooks failed: ${w.code}: ${w.message}`, 'Check the API key (a sidecar key cannot read webhooks).');
  else if (!w.uri) add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'fail', 'no webhook is registered', 'Run `npx wa wazzup register --api <ApiUrl>`.');
  else if (!f.expectedPathSuffix || !w.uri.endsWith(f.expectedPathSuffix)) {
    // The URI carries the secret: never print it, only where it points.
    add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'fail', `the webhook points elsewhere (${origin(w.uri)})`, 'Run `npx wa wazzup register --api <ApiUrl>`: Wazzup24 has one webhook per account, so this takes it over from the other address.');
  } else if (!w.subscriptions['messagesAndStatuses']) {
    add('wazzup-webhook', 'Wazzup24 webhook points at this stack', 'fail', 'registered, but messages and statuses are not subscribed', 'Run `npx wa wazzup register --api <ApiUrl>` again.');
  } else {
    const channelsToo = w.subscriptions['channelsUpdates'] === true;
    add('wazzup-webhook', 'Wazzup24 webhook points at this stack', channelsToo ? 'ok' : 'warn', `registered at ${origin(w.uri)} with this stack's secret`,
      channelsToo ? '' : 'Channel updates are not subscribed, so the channel alarm cannot fire: run `npx wa wazzup register` again.');
  }
  return out;
}

function stateHint(state: string): string {
  const hints: Record<string, string> = {
    qr: 'Scan the QR code in the Wazzup24 account with the business phone.',
    phoneUnavailable: 'The paired phone is offline: switch it on and connect it to the internet.',
    notEnoughMoney: 'The Wazzup24 subscription is unpaid: pay it in the account.',
    disabled: 'The channel is switched off or not in the subscription: enable it in the Wazzup24 account.',
    openElsewhere: 'The channel is authorised in another Wazzup24 account: log it out there.',
    foreignphone: 'The QR code was scanned by another number: scan it with the channel\'s own phone.',
    init: 'The channel is starting: check again in a minute.',
  };
  return hints[state] ?? 'Fix the channel in the Wazzup24 account; `npx wa wazzup channels` shows its state.';
}

function origin(uri: string): string {
  try {
    return new URL(uri).origin;
  } catch {
    return '(not a URL)';
  }
}
