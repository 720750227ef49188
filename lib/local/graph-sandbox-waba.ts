// The Graph sandbox's answers about a WABA's setup: its message templates (`GET /{waba-id}/message_templates`,
// paged with `limit` and the `after` cursor as Graph pages) and the app's webhook subscriptions
// (`GET /{app-id}/subscriptions`, app token only). Shapes from graph-cassettes/templates/get_templates.yml and
// Graph's app subscriptions edge: `{ data: [{ object, callback_url, active, fields: [{ name, version }] }] }`.
import { nonexistingField, type GraphErrorSpec } from './graph-sandbox-errors.js';
import type { SandboxAccountModel, SandboxTemplate, SandboxToken, SandboxWaba } from './graph-sandbox-accounts.js';

export type Answer = { ok: true; status: number; body: unknown } | { ok: false; error: GraphErrorSpec };

/** What a WABA without staged templates lists: the ones every new WABA has (get_templates.yml). */
export const DEFAULT_LISTED_TEMPLATES: readonly SandboxTemplate[] = [
  { id: '711633970112948', name: 'hello_world', language: 'en_US', status: 'APPROVED', category: 'MARKETING' },
  { id: '1350788845398345', name: 'sample_purchase_feedback', language: 'en_US', status: 'APPROVED', category: 'MARKETING', bodyParameters: 1 },
  { id: '4820664911376445', name: 'sample_purchase_feedback', language: 'pt_BR', status: 'APPROVED', category: 'MARKETING', bodyParameters: 1 },
];

/** Graph's page size when `limit` is not given. */
const DEFAULT_LIMIT = 25;
const TEMPLATE_DEFAULT_FIELDS = ['name', 'components', 'language', 'status', 'category', 'id'];
const TEMPLATE_FIELDS = new Set([...TEMPLATE_DEFAULT_FIELDS, 'quality_score', 'rejected_reason', 'previous_category', 'parameter_format', 'sub_category']);

function templateField(t: SandboxTemplate, index: number, field: string): unknown {
  switch (field) {
    case 'id':
      return t.id ?? String(1_000_000_000_000 + index);
    case 'name':
      return t.name;
    case 'language':
      return t.language;
    case 'status':
      return t.status ?? 'APPROVED';
    case 'category':
      return t.category ?? 'UTILITY';
    case 'components': {
      const placeholders = Array.from({ length: t.bodyParameters ?? 0 }, (_, i) => `{{${i + 1}}}`).join(' ');
      return [{ type: 'BODY', text: `${t.name.replace(/_/g, ' ')}${placeholders ? ` ${placeholders}` : ''}` }];
    }
    case 'rejected_reason':
      return t.status === 'REJECTED' ? (t.rejectedReason ?? 'INVALID_FORMAT') : 'NONE';
    case 'quality_score':
      return { score: t.qualityScore ?? 'UNKNOWN', date: 1_700_000_000 };
    default:
      return undefined;
  }
}

export function listTemplates(waba: SandboxWaba, query: Record<string, string>, selfUrl: string): Answer {
  const fields = query['fields'] ? query['fields'].split(',').map((f) => f.trim()).filter(Boolean) : TEMPLATE_DEFAULT_FIELDS;
  const unknown = fields.find((f) => !TEMPLATE_FIELDS.has(f));
  if (unknown) return { ok: false, error: nonexistingField(unknown, 'WhatsAppBusinessHSM') };
  const limit = /^\d+$/.test(query['limit'] ?? '') && Number(query['limit']) > 0 ? Math.min(Number(query['limit']), 1000) : DEFAULT_LIMIT;
  const offset = query['after'] ? decodeCursor(query['after']) : 0;
  if (offset === undefined) return { ok: false, error: { message: 'Invalid cursor', type: 'OAuthException', code: 100, httpStatus: 400 } };
  const all = (waba.templates ?? DEFAULT_LISTED_TEMPLATES).filter((t) => !query['name'] || t.name === query['name']);
  const slice = all.slice(offset, offset + limit);
  const data = slice.map((t, i) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = templateField(t, offset + i, f);
      if (value !== undefined) out[f] = value;
    }
    if (!('id' in out)) out['id'] = templateField(t, offset + i, 'id');
    return out;
  });
  const body: Record<string, unknown> = { data };
  if (data.length) {
    const paging: Record<string, unknown> = { cursors: { before: encodeCursor(offset), after: encodeCursor(offset + slice.length) } };
    if (offset + slice.length < all.length) {
      const next = new URL(selfUrl);
      next.searchParams.set('limit', String(limit));
      next.searchParams.set('after', encodeCursor(offset + slice.length));
      paging['next'] = next.toString();
    }
    body['paging'] = paging;
  }
  return { ok: true, status: 200, body };
}

/** `GET /{app-id}/subscriptions`: only with the app's own token (`{app-id}|{app-secret}`), as Graph requires. */
export function listAppSubscriptions(model: SandboxAccountModel, appId: string, caller: SandboxToken, defaultCallbackUrl: string | undefined): Answer {
  if (appId !== model.app.id) return { ok: false, error: { message: `Unsupported get request. Object with ID '${appId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, type: 'GraphMethodException', code: 100, subcode: 33, httpStatus: 400 } };
  if (caller.type !== 'APP') return { ok: false, error: { message: '(#15) This method must be called with an app access_token.', type: 'OAuthException', code: 15, httpStatus: 400 } };
  const subscriptions = model.app.subscriptions ?? [
    { object: 'whatsapp_business_account', callbackUrl: defaultCallbackUrl ?? 'https://example.com/webhooks/whatsapp', active: true, fields: ['messages', 'message_template_status_update', 'phone_number_quality_update', 'account_update'] },
  ];
  return {
    ok: true,
    status: 200,
    body: {
      data: subscriptions.map((s) => ({ object: s.object, callback_url: s.callbackUrl, active: s.active, fields: s.fields.map((name) => ({ name, version: 'v26.0' })) })),
    },
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`templates:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^templates:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}
