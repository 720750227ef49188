// Contacts table. Profile item `contact#<id>`/`profile`; alias items `<kind>#<value>`/`contact#<id>` make
// lookups by BSUID, wa_id, E.164 phone and e-mail one Query each.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  aliasesFor,
  contactIdFor,
  e164FromWaId,
  lookupAliases,
  normaliseEmail,
  type Alias,
} from '../../domain/shared/contact-identity.js';
import type { CardContactPlan } from '../../domain/cards/card-contact.js';
import type { Channel, ProviderUser } from '../../domain/shared/model.js';
import { InvalidCursor, type ContactRecord, type ContactSighting, type ContactStore } from '../../domain/shared/ports.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';
import { isConditionalCheckFailed } from './dynamo-client.js';
import { sightingIsStored } from '../../domain/shared/contact-refresh.js';
import { wholeNumberFromEnv } from '../runtime/env.js';

export const PROFILE_SK = 'profile';
export const LIST_PK = 'contact';

export const contactKey = (id: string) => ({ pk: `contact#${id}`, sk: PROFILE_SK });

/** Provider-specific aliases live in the provider's namespace; phones and e-mails are shared by all channels. */
export function aliasPk(channel: Channel, alias: Alias): string {
  const scoped = alias.kind === 'user' || alias.kind === 'waid';
  return scoped && channel !== 'meta' ? `${channel}:${alias.kind}#${alias.value}` : `${alias.kind}#${alias.value}`;
}

/** Beyond the ContactStore port: the bot's `/lang` override and the card contacts a customer caused. */
export interface ContactStoreExtras {
  setLanguage(id: string, lang: 'ru' | 'en'): Promise<void>;
  /** Ids of contacts created from cards this contact sent: alias items `source#<id>`/`contact#<card contact id>`
   *  that the card pipeline writes next to `sourceContactId`/`sourceMessageId` on the card contact's profile. */
  cardContactIds(sourceContactId: string): Promise<string[]>;
}

export const sourceAliasPk = (sourceContactId: string) => `source#${sourceContactId}`;

/** The card pipeline's writes and the contact list (GET /contacts, `wa contacts export`). */
export interface CardContactStore {
  /** Carries out a plan of domain/cards/card-contact.ts: aliases first (a retry finds the contact through them), then the
   *  profile with set additions and fill-if-missing scalars, so applying the same plan twice changes nothing. */
  upsertCardContact(plan: CardContactPlan): Promise<void>;
  /** Every contact, newest first. `cursor` comes from a previous page; an invalid one throws `InvalidCursor`. */
  listNewest(page: { limit: number; cursor?: string }): Promise<ContactPage>;
}

export interface ContactPage {
  items: ContactRecord[];
  nextCursor?: string;
}

export interface ContactStoreOptions {
  /** How far lastInboundAt may lag the newest inbound message before the profile is rewritten (see
   *  domain/shared/contact-refresh.ts). Default: CONTACT_REFRESH_MINUTES, else 0 (every newer message writes). */
  refreshMs?: number;
}

/** How long a container trusts a profile it read: a conversation's next messages, not a day's. */
export const RECENT_PROFILE_MS = 5 * 60_000;
const RECENT_PROFILES_MAX = 5_000;

/** A small time-bounded map of profiles by contact id; the oldest entry goes first when it is full. */
class RecentProfiles {
  private readonly entries = new Map<string, { profile: ContactRecord; until: number }>();
  constructor(private readonly ttlMs: number) {}
  get(id: string): ContactRecord | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.profile;
    this.entries.delete(id);
    return undefined;
  }
  set(id: string, profile: ContactRecord): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(id);
    if (this.entries.size >= RECENT_PROFILES_MAX) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, { profile, until: Date.now() + this.ttlMs });
  }
  delete(id: string): void {
    this.entries.delete(id);
  }
}

/** The profile was made or last written for these ids: the user id and wa_id the sighting carries are stored. */
function sameIds(stored: ContactRecord, user: ProviderUser): boolean {
  return (!user.userId || stored.userId === user.userId) && (!user.waId || stored.waId === user.waId);
}

/** CONTACT_REFRESH_MINUTES (the stack sets it from the `contactRefreshMinutes` context parameter). */
export function contactRefreshMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberFromEnv('CONTACT_REFRESH_MINUTES', 1440, env) * 60_000;
}

export function createContactStore(db: DynamoDBDocumentClient, tableName: string, options: ContactStoreOptions = {}): ContactStore & ContactStoreExtras & CardContactStore {
  const refreshMs = options.refreshMs ?? contactRefreshMsFromEnv();
  // Profiles this container read and found holding a sighting, kept a few minutes: the next messages of the same
  // conversation skip the read too (at steady traffic, a read unit and a call per text). Every write of a profile
  // here drops its entry; what an entry may miss is another container's write in those minutes (a name changed
  // there is then written here only once the entry expires or the refresh interval has passed).
  const recent = new RecentProfiles(refreshMs > 0 ? Math.min(refreshMs, RECENT_PROFILE_MS) : 0);
  async function idsByAlias(pk: string): Promise<string[]> {
    const out = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :contact)',
        ExpressionAttributeValues: { ':pk': pk, ':contact': 'contact#' },
        ProjectionExpression: 'contactId',
      }),
    );
    return (out.Items ?? []).map((i) => String(i.contactId));
  }

  async function get(id: string, consistent = false): Promise<ContactRecord | undefined> {
    const out = await db.send(new GetCommand({ TableName: tableName, Key: contactKey(id), ...(consistent ? { ConsistentRead: true } : {}) }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  async function byAlias(pk: string): Promise<ContactRecord[]> {
    const ids = await idsByAlias(pk);
    const found = await Promise.all(ids.map((id) => get(id)));
    return found.filter((c): c is ContactRecord => c !== undefined);
  }

  async function writeAliases(id: string, aliases: readonly string[], createdAt: string): Promise<void> {
    let requests = aliases.map((pk) => ({ PutRequest: { Item: { pk, sk: `contact#${id}`, contactId: id, createdAt } } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 5) throw new Error(`contact ${id}: ${requests.length} alias writes stayed unprocessed`);
      if (attempt) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }

  async function updateProfile(id: string, s: ContactSighting): Promise<void> {
    const { user } = s;
    const phone = e164FromWaId(user.waId);
    const base = {
      // Every attribute goes through a name placeholder: several (name, channel, ...) are DynamoDB reserved words.
      sets: ['#id = :id', '#channel = if_not_exists(#channel, :channel)', '#createdAt = if_not_exists(#createdAt, :now)',
        '#listPk = :listPk', '#listSk = if_not_exists(#listSk, :listSk)'],
      names: { '#id': 'id', '#channel': 'channel', '#createdAt': 'createdAt', '#listPk': 'listPk', '#listSk': 'listSk' } as Record<string, string>,
      values: { ':id': id, ':channel': s.channel, ':now': s.seenAt, ':listPk': LIST_PK, ':listSk': `${s.seenAt}#${id}` } as Record<string, unknown>,
    };
    const fields = { userId: user.userId, parentUserId: user.parentUserId, waId: user.waId, name: user.name, username: user.username };

    // Newest inbound wins: identity and profile fields are overwritten only by the latest message, and
    // lastInboundAt only moves forward. An older (out of order) or outbound sighting fills gaps only.
    const attempt = async (newest: boolean) => {
      const sets = [...base.sets];
      const values = { ...base.values };
      const names: Record<string, string> = { ...base.names };
      for (const [field, value] of Object.entries(fields)) {
        if (!value) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(newest ? `#${field} = :${field}` : `#${field} = if_not_exists(#${field}, :${field})`);
      }
      if (newest) {
        sets.push('#lastInboundAt = :inboundAt');
        names['#lastInboundAt'] = 'lastInboundAt';
        values[':inboundAt'] = s.inboundAt;
      }
      let expression = `SET ${sets.join(', ')}`;
      if (phone) {
        expression += ' ADD #phones :phone';
        names['#phones'] = 'phones';
        values[':phone'] = new Set([phone]);
      }
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: contactKey(id),
          UpdateExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(newest ? { ConditionExpression: 'attribute_not_exists(#lastInboundAt) OR #lastInboundAt < :inboundAt' } : {}),
        }),
      );
    };

    if (s.inboundAt) {
      try {
        await attempt(true);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    await attempt(false);
  }

  return {
    async upsert(sighting) {
      const lookups = lookupAliases(sighting.user);
      if (!lookups.length) return undefined;
      // With a refresh interval, the profile the ids most likely name is read first (strongly consistent: a skipped
      // write must be judged on the latest profile). When it names the same ids, it is the contact and its aliases
      // are in place: it exists only if no other contact held its most specific alias when it was made, and
      // aliases are written before the profile. Then nothing is looked up, and it is written only if the sighting
      // adds something (a newer lastInboundAt past the interval, a new name).
      const likely = contactIdFor(sighting.channel, sighting.user);
      const cached = likely ? recent.get(likely) : undefined;
      if (cached && sameIds(cached, sighting.user) && sightingIsStored(cached, sighting, refreshMs)) return likely;
      const likelyProfile = refreshMs > 0 && likely ? await get(likely, true) : undefined;
      if (likely && likelyProfile && sameIds(likelyProfile, sighting.user)) {
        if (sightingIsStored(likelyProfile, sighting, refreshMs)) {
          recent.set(likely, likelyProfile);
          return likely;
        }
        recent.delete(likely);
        await updateProfile(likely, sighting);
        return likely;
      }
      const found = await Promise.all(lookups.map((a) => idsByAlias(aliasPk(sighting.channel, a))));
      // The most specific alias that resolves decides: a contact first seen by phone keeps its id.
      const existing = found.find((ids) => ids.length)?.[0];
      const id = existing ?? contactIdFor(sighting.channel, sighting.user);
      if (!id) return undefined;

      // Aliases before the profile: if the profile write fails, the retry finds the contact through them.
      const missing = new Set<string>();
      lookups.forEach((alias, i) => {
        if (!found[i]?.includes(id)) missing.add(aliasPk(sighting.channel, alias));
      });
      if (missing.size) {
        for (const alias of aliasesFor(sighting.user)) missing.add(aliasPk(sighting.channel, alias));
        await writeAliases(id, [...missing], sighting.seenAt);
      } else if (refreshMs > 0) {
        const stored = id === likely ? likelyProfile : await get(id, true);
        if (stored && sightingIsStored(stored, sighting, refreshMs)) return id;
      }
      recent.delete(id);
      await updateProfile(id, sighting);
      return id;
    },
    get: (id) => get(id),
    findByPhone: (e164) => byAlias(aliasPk('meta', { kind: 'phone', value: e164 })),
    findByEmail: (email) => byAlias(aliasPk('meta', { kind: 'email', value: normaliseEmail(email) })),
    async setLanguage(id, lang) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: contactKey(id),
          UpdateExpression: 'SET #lang = :lang',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#lang': 'lang' },
          ExpressionAttributeValues: { ':lang': lang },
        }),
      );
    },
    cardContactIds: (sourceContactId) => idsByAlias(sourceAliasPk(sourceContactId)),
    async upsertCardContact(plan) {
      recent.delete(plan.contactId);
      const at = plan.source?.at ?? new Date().toISOString();
      const aliasKeys = plan.aliases.map((a) => aliasPk('meta', a));
      if (plan.source) aliasKeys.push(sourceAliasPk(plan.source.contactId));
      if (aliasKeys.length) await writeAliases(plan.contactId, aliasKeys, at);
      const names: Record<string, string> = { '#id': 'id' };
      const values: Record<string, unknown> = { ':id': plan.contactId };
      const sets = ['#id = :id'];
      const setIfMissing = (field: string, value: unknown) => {
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = if_not_exists(#${field}, :${field})`);
      };
      if (plan.create) {
        setIfMissing('createdAt', at);
        names['#listPk'] = 'listPk';
        values[':listPk'] = LIST_PK;
        sets.push('#listPk = :listPk');
        setIfMissing('listSk', `${at}#${plan.contactId}`);
        if (plan.source) {
          setIfMissing('sourceContactId', plan.source.contactId);
          setIfMissing('sourceMessageId', plan.source.messageId);
        }
      }
      for (const [field, value] of Object.entries(plan.fill)) if (value) setIfMissing(field, value);
      const adds: string[] = [];
      for (const [field, list] of Object.entries(plan.add)) {
        if (!list.length) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = new Set(list);
        adds.push(`#${field} :${field}`);
      }
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: contactKey(plan.contactId),
          UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
          // A merge never resurrects a contact deleted since it was looked up.
          ...(plan.create ? {} : { ConditionExpression: 'attribute_exists(pk)' }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },
    async listNewest({ limit, cursor }) {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_CREATED_INDEX,
          KeyConditionExpression: 'listPk = :list',
          ExpressionAttributeValues: { ':list': LIST_PK },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: decodeListCursor(cursor) } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toRecord);
      return out.LastEvaluatedKey ? { items, nextCursor: encodePageCursor(out.LastEvaluatedKey) } : { items };
    },
  };
}

export const BY_CREATED_INDEX = 'byCreated';
const LIST_CURSOR_KEYS = ['listPk', 'listSk', 'pk', 'sk'];

function decodeListCursor(cursor: string): Record<string, string> {
  const key = decodePageCursor(cursor, LIST_CURSOR_KEYS);
  if (key.listPk !== LIST_PK) throw new InvalidCursor('cursor is not one this API returned');
  return key;
}

function toRecord(item: Record<string, unknown>): ContactRecord {
  const str = (k: string) => (typeof item[k] === 'string' ? (item[k] as string) : undefined);
  const list = (k: string) => {
    const v = item[k];
    return v instanceof Set || Array.isArray(v) ? [...(v as Iterable<unknown>)].map(String).sort() : [];
  };
  const record: ContactRecord = {
    id: String(item.id),
    channel: (str('channel') ?? 'meta') as Channel,
    phones: list('phones'),
    emails: list('emails'),
    createdAt: String(item.createdAt),
  };
  for (const k of ['userId', 'parentUserId', 'waId', 'name', 'username', 'lastInboundAt',
    'title', 'company', 'department', 'address', 'sourceContactId', 'sourceMessageId'] as const) {
    const v = str(k);
    if (v !== undefined) record[k] = v;
  }
  const lang = str('lang');
  if (lang === 'ru' || lang === 'en') record.lang = lang;
  const websites = list('websites');
  if (websites.length) record.websites = websites;
  return record;
}
