// The most common reason messages do not arrive: the app's webhook subscription. Besides the WABA -> app
// subscription (diagnose.ts `app-subscribed`), Meta needs the app's own `whatsapp_business_account`
// subscription (App Dashboard > WhatsApp > Configuration) to point at this deployment's callback URL and to
// include the `messages` field. Read with the app token: `GET /{app-id}/subscriptions`.
import type { CheckResult, FetchFailure } from './check.js';

export interface AppSubscription {
  object: string;
  callbackUrl?: string;
  active: boolean;
  fields: string[];
}

export interface WebhookSubscriptionFacts {
  appId?: string;
  /** GET /{app-id}/subscriptions; absent when it could not be asked (no app secret for the app token). */
  appSubscriptions?: { ok: true; list: AppSubscription[] } | { ok: false; failure: FetchFailure };
  /** Where this deployment receives Meta's webhooks, when known (the API's URL, or WEBHOOK_CALLBACK_URL). */
  callbackUrl?: string;
}

const TITLE = "App's webhook reaches this deployment with messages";
const CONFIGURE = 'In App Dashboard > WhatsApp > Configuration set the Callback URL and verify token, then subscribe to the messages field';

export function webhookSubscriptionCheck(facts: WebhookSubscriptionFacts): CheckResult {
  const result = (status: CheckResult['status'], detail: string, hint = ''): CheckResult => ({ id: 'app-webhook', title: TITLE, status, detail, hint });
  if (!facts.appId) return result('warn', 'not checked: no Meta app id', 'Set META_APP_ID (deploy with -c metaAppId=<id>) so the app\'s webhook subscription can be read.');
  const answer = facts.appSubscriptions;
  if (!answer) return result('warn', 'not checked: the app secret is not set, so there is no app token', 'Set the app secret (WHATSAPP_APP_SECRET locally, the AppSecretName secret in AWS).');
  if (!answer.ok) {
    const f = answer.failure;
    return result('fail', `GET /${facts.appId}/subscriptions failed: ${f.message} (code ${f.code})`, f.hint ?? 'Check that the app secret belongs to this app.');
  }
  const sub = answer.list.find((s) => s.object === 'whatsapp_business_account');
  if (!sub) return result('fail', `app ${facts.appId} has no whatsapp_business_account webhook subscription: Meta sends its webhooks nowhere`, `${CONFIGURE}.`);
  const where = sub.callbackUrl ?? '(no callback URL)';
  if (!sub.active) return result('fail', `the subscription to ${where} is not active`, `${CONFIGURE}; Meta deactivates a callback that keeps failing.`);
  if (!sub.fields.includes('messages')) {
    return result('fail', `${where} is subscribed to ${sub.fields.join(', ') || 'no fields'}, not messages`, 'Subscribe the messages field in App Dashboard > WhatsApp > Configuration > Webhook fields: without it no message or status arrives.');
  }
  if (!facts.callbackUrl) {
    return result('warn', `Meta sends messages to ${where}; this deployment's own URL is unknown here`, 'Set WEBHOOK_CALLBACK_URL to this deployment\'s webhook URL to compare them; asked through the deployed API, the check uses the API\'s own URL.');
  }
  if (sameUrl(sub.callbackUrl, facts.callbackUrl)) return result('ok', `${where} with ${sub.fields.length} field(s) including messages`);
  return result('fail', `Meta sends webhooks to ${where}, but this deployment receives them at ${facts.callbackUrl}`, `${CONFIGURE}: use ${facts.callbackUrl}.`);
}

function sameUrl(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.host.toLowerCase() === y.host.toLowerCase() && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}
