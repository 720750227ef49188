// Status webhooks the Graph sandbox sends after a successful send: one signed POST per status, shaped like Meta's
// (facts §2.4: `contacts` on sent/delivered/read but not on failed; `pricing` on sent and one of delivered/read;
// `errors[]` only on failed), serialised the way Meta serialises (`\/` and `\uXXXX` escapes) so the receiver's
// signature check runs over bytes that a re-serialised JSON would not reproduce.
import { signMetaBody } from '../../lambdas/domain/inbound/signature.js';
import { webhookError } from './graph-sandbox-errors.js';
import { sleep } from './sandbox-server.js';

export type StatusStep = 'sent' | 'delivered' | 'read' | 'played' | { failed: number | Record<string, unknown> };

export interface StatusContext {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wamid: string;
  waId?: string;
  userId?: string;
  /** The send's `type`: a template is billed as utility, anything else falls in the free service window. */
  messageType: string;
  bizOpaqueCallbackData?: string;
}

/** JSON as Graph writes it: slashes escaped, non-ASCII as lowercase \uXXXX. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function statusPayload(step: StatusStep, ctx: StatusContext, at: Date, withPricing: boolean): Record<string, unknown> {
  const status = typeof step === 'string' ? step : 'failed';
  const entry: Record<string, unknown> = { id: ctx.wamid, status, timestamp: String(Math.floor(at.getTime() / 1000)) };
  if (ctx.waId !== undefined) entry['recipient_id'] = ctx.waId;
  // Failed statuses omit recipient_user_id when the send went to a phone number (facts §2.6).
  if (ctx.userId !== undefined) entry['recipient_user_id'] = ctx.userId;
  if (ctx.bizOpaqueCallbackData !== undefined) entry['biz_opaque_callback_data'] = ctx.bizOpaqueCallbackData;
  if (withPricing && status !== 'failed') {
    const template = ctx.messageType === 'template';
    entry['pricing'] = {
      billable: template,
      pricing_model: 'PMP',
      type: template ? 'regular' : 'free_customer_service',
      category: template ? 'utility' : 'service',
    };
  }
  if (typeof step !== 'string') {
    entry['errors'] = [typeof step.failed === 'number' ? webhookError(step.failed) : step.failed];
  }
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: ctx.displayPhoneNumber.replace(/\D/g, ''), phone_number_id: ctx.phoneNumberId },
  };
  if (status !== 'failed') {
    const contact: Record<string, unknown> = {};
    if (ctx.waId !== undefined) contact['wa_id'] = ctx.waId;
    if (ctx.userId !== undefined) contact['user_id'] = ctx.userId;
    value['contacts'] = [contact];
  }
  value['statuses'] = [entry];
  return { object: 'whatsapp_business_account', entry: [{ id: ctx.wabaId, changes: [{ value, field: 'messages' }] }] };
}

export interface WebhookDelivery {
  url: string;
  /** The payload as sent (parsed back, for assertions). */
  body: Record<string, unknown>;
  rawBody: string;
  signature: string;
  /** HTTP status the receiver answered, or undefined when it could not be reached. */
  status?: number;
  error?: string;
  attempt: number;
  at: Date;
}

/** POSTs one signed delivery, retrying non-200 answers like Meta does (here: a few quick retries). */
export async function deliverWebhook(args: {
  url: string;
  payload: Record<string, unknown>;
  appSecret: string;
  retries: number;
  retryDelayMs: number;
  signal: AbortSignal;
  record: (d: WebhookDelivery) => void;
}): Promise<void> {
  const rawBody = metaJson(args.payload);
  const signature = signMetaBody(rawBody, args.appSecret);
  for (let attempt = 1; attempt <= args.retries + 1 && !args.signal.aborted; attempt++) {
    const delivery: WebhookDelivery = { url: args.url, body: args.payload, rawBody, signature, attempt, at: new Date() };
    try {
      const res = await fetch(args.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature, 'User-Agent': 'facebookexternalua' },
        body: rawBody,
        signal: AbortSignal.any([args.signal, AbortSignal.timeout(10_000)]),
      });
      await res.body?.cancel();
      delivery.status = res.status;
      args.record(delivery);
      if (res.status === 200) return;
    } catch (err) {
      if (args.signal.aborted) return;
      delivery.error = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.message) : String(err);
      args.record(delivery);
    }
    await sleep(args.retryDelayMs, args.signal);
  }
}
