// The Graph sandbox's world: one Meta app, its WhatsApp Business Accounts (WABAs) with their phone numbers,
// and the access tokens that can see them. Tests mutate it to stage the support cases issue 4 must catch:
// a phone number id that is really a WABA id, an expired token, a token missing a scope.
import {
  expiredToken,
  invalidToken,
  nonexistingField,
  noToken,
  revokedToken,
  type GraphErrorSpec,
} from './graph-sandbox-errors.js';

export interface SandboxPhoneNumber {
  id: string;
  /** As Graph shows it: `+1 555-093-4873`. */
  displayPhoneNumber: string;
  verifiedName: string;
  status?: string;
  qualityRating?: string;
  codeVerificationStatus?: string;
  accountMode?: string;
  platformType?: string;
  throughputLevel?: string;
  messagingLimitTier?: string;
  nameStatus?: string;
  isOfficialBusinessAccount?: boolean;
  /** Test numbers only deliver to a short allowed list; anyone else gets 131030. Unset = anyone. */
  allowedRecipients?: string[];
  /** Any further fields to answer verbatim (`webhook_configuration`, …). */
  extra?: Record<string, unknown>;
}

export interface SandboxTemplate {
  name: string;
  language: string;
  /** Placeholders in the body (`{{1}}`, `{{2}}` …): a send with another count gets 132000. */
  bodyParameters?: number;
  /** `APPROVED` (default), `PAUSED`, `DISABLED`, `REJECTED`, `PENDING`, … as `GET /{waba-id}/message_templates` lists it. */
  status?: string;
  /** `MARKETING`, `UTILITY` (default), `AUTHENTICATION`. */
  category?: string;
  id?: string;
  rejectedReason?: string;
  qualityScore?: string;
}

export interface SandboxWaba {
  id: string;
  name: string;
  currency?: string;
  timezoneId?: string;
  messageTemplateNamespace?: string;
  accountReviewStatus?: string;
  phoneNumbers: SandboxPhoneNumber[];
  /** Apps subscribed to this WABA's webhooks (`GET /{waba-id}/subscribed_apps`). */
  subscribedApps: { id: string; name: string; link?: string }[];
  /** When set, template sends are checked against it (132001 unknown, 132000 parameter count). Unset = any. */
  templates?: SandboxTemplate[];
}

export interface SandboxToken {
  token: string;
  /** `USER`, `SYSTEM_USER`, `PAGE` as debug_token reports it. */
  type: string;
  userId: string;
  scopes: string[];
  /** WABAs the token's granular scopes target. Unset = every WABA in the model. */
  wabaIds?: string[];
  /** Epoch seconds; 0 = never expires. */
  expiresAt: number;
  issuedAt?: number;
  dataAccessExpiresAt?: number;
  /** Revoked or invalidated (password change): 190/460. */
  revoked?: boolean;
}

export interface SandboxApp {
  id: string;
  secret: string;
  name: string;
  /** The app's webhook subscriptions (`GET /{app-id}/subscriptions`). Unset: whatsapp_business_account with the
   *  sandbox's webhook URL and the messages, template, quality and account fields. */
  subscriptions?: { object: string; callbackUrl: string; active: boolean; fields: string[] }[];
}

export interface SandboxAccountModel {
  app: SandboxApp;
  wabas: SandboxWaba[];
  tokens: SandboxToken[];
}

export const MESSAGING_SCOPE = 'whatsapp_business_messaging';
export const MANAGEMENT_SCOPE = 'whatsapp_business_management';

/** IDs borrowed from the recorded cassettes (phone_numbers/registered_number_with_success_response.yml). */
export const DEFAULT_WABA_ID = '114503234599312';
export const DEFAULT_PHONE_NUMBER_ID = '107878721936019';
export const DEFAULT_APP_ID = '670843887433847';

export function defaultAccountModel(opts: { accessToken: string; appSecret: string; now: Date }): SandboxAccountModel {
  const nowS = Math.floor(opts.now.getTime() / 1000);
  return {
    app: { id: DEFAULT_APP_ID, secret: opts.appSecret, name: 'Sandbox App' },
    wabas: [
      {
        id: DEFAULT_WABA_ID,
        name: 'Test Business Account',
        currency: 'USD',
        timezoneId: '138',
        messageTemplateNamespace: '9d1f930f_bea0_46c5_9099_bc3291e9d6b4',
        accountReviewStatus: 'APPROVED',
        phoneNumbers: [
          {
            id: DEFAULT_PHONE_NUMBER_ID,
            displayPhoneNumber: '+1 555-093-4873',
            verifiedName: 'Test Number',
            status: 'CONNECTED',
            qualityRating: 'GREEN',
            codeVerificationStatus: 'NOT_VERIFIED',
            accountMode: 'SANDBOX',
            platformType: 'CLOUD_API',
            throughputLevel: 'STANDARD',
            messagingLimitTier: 'TIER_250',
            nameStatus: 'AVAILABLE_WITHOUT_REVIEW',
            isOfficialBusinessAccount: false,
          },
        ],
        subscribedApps: [{ id: DEFAULT_APP_ID, name: 'Sandbox App', link: 'https://www.example.com/' }],
      },
    ],
    tokens: [
      {
        token: opts.accessToken,
        type: 'SYSTEM_USER',
        userId: '10222270944537964',
        scopes: [MANAGEMENT_SCOPE, MESSAGING_SCOPE, 'business_management'],
        expiresAt: nowS + 60 * 24 * 3600,
        issuedAt: nowS,
        dataAccessExpiresAt: nowS + 90 * 24 * 3600,
      },
    ],
  };
}

export type TokenCheck = { ok: true; token: SandboxToken } | { ok: false; error: GraphErrorSpec };

/** Validates a bearer token the way Graph does: unknown -> 190, expired -> 190/463, revoked -> 190/460. */
export function checkToken(model: SandboxAccountModel, raw: string | undefined, now: Date): TokenCheck {
  if (!raw) return { ok: false, error: noToken() };
  if (raw === `${model.app.id}|${model.app.secret}`) {
    return { ok: true, token: { token: raw, type: 'APP', userId: model.app.id, scopes: [], expiresAt: 0 } };
  }
  const token = model.tokens.find((t) => t.token === raw);
  if (!token) return { ok: false, error: invalidToken() };
  if (token.revoked) return { ok: false, error: revokedToken() };
  if (token.expiresAt !== 0 && token.expiresAt * 1000 <= now.getTime()) return { ok: false, error: expiredToken(token.expiresAt, now) };
  return { ok: true, token };
}

export function canSeeWaba(token: SandboxToken, wabaId: string): boolean {
  return token.type !== 'APP' && (token.wabaIds === undefined || token.wabaIds.includes(wabaId));
}

export function findPhoneNumber(model: SandboxAccountModel, id: string): { waba: SandboxWaba; phone: SandboxPhoneNumber } | undefined {
  for (const waba of model.wabas) {
    const phone = waba.phoneNumbers.find((p) => p.id === id);
    if (phone) return { waba, phone };
  }
  return undefined;
}

export function findWaba(model: SandboxAccountModel, id: string): SandboxWaba | undefined {
  return model.wabas.find((w) => w.id === id);
}

type FieldResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: GraphErrorSpec };

const PHONE_DEFAULT_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
/** What `GET /{waba-id}/phone_numbers` answers without `fields` (Bindambc phone/phoneNumbersList.json). */
export const PHONE_LIST_DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'id'];

function phoneField(p: SandboxPhoneNumber, field: string): { known: boolean; value?: unknown } {
  switch (field) {
    case 'id':
      return { known: true, value: p.id };
    case 'display_phone_number':
      return { known: true, value: p.displayPhoneNumber };
    case 'verified_name':
      return { known: true, value: p.verifiedName };
    case 'quality_rating':
      return { known: true, value: p.qualityRating };
    case 'status':
      return { known: true, value: p.status };
    case 'code_verification_status':
      return { known: true, value: p.codeVerificationStatus };
    case 'account_mode':
      return { known: true, value: p.accountMode };
    case 'platform_type':
      return { known: true, value: p.platformType };
    case 'throughput':
      return { known: true, value: p.throughputLevel ? { level: p.throughputLevel } : undefined };
    case 'messaging_limit_tier':
    case 'whatsapp_business_manager_messaging_limit':
      return { known: true, value: p.messagingLimitTier };
    case 'name_status':
      return { known: true, value: p.nameStatus };
    case 'is_official_business_account':
      return { known: true, value: p.isOfficialBusinessAccount };
    default:
      if (p.extra && field in p.extra) return { known: true, value: p.extra[field] };
      // Real fields this model has no value for are answered by omission, as Graph does for unset fields.
      return { known: KNOWN_PHONE_FIELDS.has(field) };
  }
}

const KNOWN_PHONE_FIELDS = new Set([
  'certificate', 'country_code', 'country_dial_code', 'eligibility_for_api_business_global_search', 'health_status',
  'is_pin_enabled', 'last_onboarded_time', 'new_name_status', 'search_visibility', 'unified_cert_status', 'username',
  'webhook_configuration', 'quality_score', 'host_platform',
]);

export function phoneNumberFields(p: SandboxPhoneNumber, fields: string[] | undefined, defaults = PHONE_DEFAULT_FIELDS): FieldResult {
  const out: Record<string, unknown> = {};
  for (const field of fields?.length ? fields : defaults) {
    const r = phoneField(p, field);
    if (!r.known) return { ok: false, error: nonexistingField(field, 'WhatsAppBusinessPhoneNumber') };
    if (r.value !== undefined) out[field] = r.value;
  }
  if (!('id' in out)) out['id'] = p.id;
  return { ok: true, value: out };
}

export function wabaFields(w: SandboxWaba, fields: string[] | undefined): FieldResult {
  const values: Record<string, unknown> = {
    id: w.id,
    name: w.name,
    currency: w.currency,
    timezone_id: w.timezoneId,
    message_template_namespace: w.messageTemplateNamespace,
    account_review_status: w.accountReviewStatus,
  };
  const known = new Set([...Object.keys(values), 'business_verification_status', 'country', 'ownership_type', 'primary_business_location', 'on_behalf_of_business_info', 'health_status']);
  const out: Record<string, unknown> = {};
  for (const field of fields?.length ? fields : ['id', 'name']) {
    if (!known.has(field)) return { ok: false, error: nonexistingField(field, 'WhatsAppBusinessAccount') };
    if (values[field] !== undefined) out[field] = values[field];
  }
  if (!('id' in out)) out['id'] = w.id;
  return { ok: true, value: out };
}
