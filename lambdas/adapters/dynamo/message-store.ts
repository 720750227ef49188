// Messages table: one item per provider message id (`msg#<id>`/`message`), listed per contact through the
// byContact index (`contactId`, `convSk = <timestamp>#<id>`).
//
// An alias item (`msg#<id>` with `aliasOf`, no contactId so it is never listed) makes a second id name the same
// record: a Wazzup24 send refused as a repeat is stored as `wazzup-crm.<crmMessageId>`, and the echo of the
// original send (Wazzup's messageId) is matched to it (domain/inbound/wazzup-echo-match.ts) whichever comes first;
// reads, statuses and re-records through either id then land on the one record.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, paginateQuery, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundMessage, StatusUpdate } from '../../domain/shared/model.js';
import { InvalidCursor, UnstorableStatus, type MessageRecord, type MessageStore, type PutOutcome } from '../../domain/shared/ports.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';
import type { OutboundRecord, OutboundStore } from '../../domain/outbound/sender.js';
import { addStatus, boundHistory, currentStatus, sameStatusEvent, type StatusEntry } from '../../domain/inbound/status-order.js';
import { boundRawString, STATUS_RAW_BYTES, storableStatusRaw } from '../../domain/inbound/status-entry.js';
import { isConditionalCheckFailed, isItemTooLarge } from './dynamo-client.js';
import { boundedJson } from './item-size.js';
import { echoMatchRange, isSameOutbound, isWazzupCrmRecordId, type OutboundContent } from '../../domain/inbound/wazzup-echo-match.js';

export const MESSAGE_SK = 'message';
export const BY_CONTACT_INDEX = 'byContact';
export const messageKey = (id: string) => ({ pk: `msg#${id}`, sk: MESSAGE_SK });

/** A status as stored: the view fields plus Meta's full status object (pricing, conversation, ...). */
type StoredStatus = StatusEntry & { raw?: string };

const MAX_STATUS_ATTEMPTS = 8;

/** The last card a customer sent, as the card pipeline records it on the card message (see domain/bot/bot.ts). */
export interface LastCard {
  status: string;
  at: string;
  name?: string;
}

export interface CardMessages {
  lastCard(contactId: string): Promise<LastCard | undefined>;
}

/** Pages of a contact's conversation looked through for the last card before giving up. */
const LAST_CARD_PAGES = 10;

export function createMessageStore(db: DynamoDBDocumentClient, tableName: string): MessageStore & OutboundStore & CardMessages {
  async function getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const out = await db.send(new GetCommand({ TableName: tableName, Key: messageKey(id), ConsistentRead: true }));
    return out.Item;
  }

  /** The record an id names, through an alias when it is one. */
  async function resolve(id: string): Promise<{ id: string; item: Record<string, unknown> | undefined }> {
    const item = await getItem(id);
    if (item && typeof item.aliasOf === 'string') return { id: item.aliasOf, item: await getItem(item.aliasOf) };
    return { id, item };
  }

  /** A contact's messages within the echo match window around `timestamp`. */
  async function around(contactId: string, timestamp: string): Promise<Record<string, unknown>[]> {
    const { from, to } = echoMatchRange(timestamp);
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery({ client: db }, {
      TableName: tableName,
      IndexName: BY_CONTACT_INDEX,
      KeyConditionExpression: 'contactId = :c AND convSk BETWEEN :from AND :to',
      // `~` sorts after `#`: every `<to>#<id>` is inside.
      ExpressionAttributeValues: { ':c': contactId, ':from': from, ':to': `${to}~` },
    });
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /** Points `msg#<id>` at `target`; false when `msg#<id>` already exists. */
  async function putAlias(id: string, target: string, extra: Record<string, unknown> = {}): Promise<boolean> {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...messageKey(id), id, aliasOf: target, ...extra },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Sets `attr = value` on `id` unless it is already set (two echoes or two repeats cannot claim one record). */
  async function claim(id: string, attr: string, value: string): Promise<boolean> {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: messageKey(id),
          UpdateExpression: 'SET #a = :v',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#a)',
          ExpressionAttributeNames: { '#a': attr },
          ExpressionAttributeValues: { ':v': value },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The unclaimed item among `items` closest in time to `of` that `matches`. */
  function closest(items: Record<string, unknown>[], of: OutboundContent, matches: (i: Record<string, unknown>) => boolean) {
    const at = Date.parse(of.timestamp);
    return items
      .filter((i) => typeof i.id === 'string' && i.direction === 'out' && i.channel === 'wazzup24' && matches(i) && isSameOutbound(contentOf(i), of))
      .sort((a, b) => Math.abs(Date.parse(String(a.timestamp)) - at) - Math.abs(Date.parse(String(b.timestamp)) - at))[0];
  }

  /** An echo whose send was recorded as a repeat (`wazzup-crm.*`): alias the echo's id to that record. */
  async function mergeEchoIntoRepeat(message: InboundMessage, contactId: string, receivedAt: string): Promise<PutOutcome | undefined> {
    const of: OutboundContent = { phoneNumberId: message.phoneNumberId, text: message.text, media: message.media, timestamp: message.timestamp };
    const target = closest(await around(contactId, message.timestamp), of, (i) => isWazzupCrmRecordId(String(i.id)) && i.providerMessageId === undefined);
    if (!target || !(await claim(String(target.id), 'providerMessageId', message.id))) return undefined;
    return (await putAlias(message.id, String(target.id), { channel: message.channel, echo: true, receivedAt, ...boundedJson(message.raw) })) ? 'stored' : 'duplicate';
  }

  /** A repeat (`wazzup-crm.*`) whose echo is stored already: alias the repeat's id to the echo's record. */
  async function mergeRepeatIntoEcho(r: OutboundRecord): Promise<string | undefined> {
    const of: OutboundContent = { phoneNumberId: r.phoneNumberId, text: r.text, media: r.media, timestamp: r.timestamp };
    const target = closest(await around(r.contactId, r.timestamp), of, (i) => i.echo === true && !isWazzupCrmRecordId(String(i.id)) && i.claimedBy === undefined);
    if (!target || !(await claim(String(target.id), 'claimedBy', r.id))) return undefined;
    if (await putAlias(r.id, String(target.id))) return String(target.id);
    // Another writer created `msg#<r.id>` meanwhile: follow whatever it is.
    return (await resolve(r.id)).id;
  }

  /**
   * A status can arrive before its message (Meta and Wazzup24 do not order deliveries; a Wazzup24 echo's status
   * often comes first): the status created a placeholder (`type: unknown`, `timestampFromStatuses`). The message
   * fills it in, keeping the statuses, once: the condition makes a redelivery (or a second writer) a duplicate.
   */
  async function fillPlaceholder(message: Record<string, unknown>): Promise<boolean> {
    const { pk: _pk, sk: _sk, statuses: _statuses, version: _version, ...fields } = message;
    const names: Record<string, string> = { '#placeholder': 'timestampFromStatuses', '#type': 'type', '#version': 'version' };
    const values: Record<string, unknown> = { ':yes': true, ':unknown': 'unknown', ':one': 1 };
    const sets: string[] = ['#version = if_not_exists(#version, :one) + :one'];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      names[`#f_${k}`] = k;
      values[`:f_${k}`] = v;
      sets.push(`#f_${k} = :f_${k}`);
    }
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: message.pk, sk: message.sk },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE #placeholder`,
          ConditionExpression: '#placeholder = :yes AND #type = :unknown',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  return {
    async putInbound(message: InboundMessage, contactId, receivedAt) {
      if (message.channel === 'wazzup24' && message.echo === true && contactId && !(await getItem(message.id))) {
        const merged = await mergeEchoIntoRepeat(message, contactId, receivedAt);
        if (merged) return merged;
      }
      const item = {
        ...messageKey(message.id),
        id: message.id,
        channel: message.channel,
        // Wazzup24 echoes are the business's own messages (sent from its app, phone or our API).
        direction: message.direction ?? 'in',
        ...(message.echo ? { echo: true } : {}),
        type: message.type,
        contactId,
        phoneNumberId: message.phoneNumberId,
        displayPhoneNumber: message.displayPhoneNumber,
        accountId: message.accountId,
        timestamp: message.timestamp,
        convSk: `${message.timestamp}#${message.id}`,
        text: message.text,
        media: message.media,
        context: message.context,
        errors: message.errors,
        groupId: message.groupId,
        from: message.from,
        ...boundedJson(message.raw),
        receivedAt,
        statuses: [],
        version: 1,
      };
      try {
        await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
        return 'stored';
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        return (await fillPlaceholder(item)) ? 'stored' : 'duplicate';
      }
    },

    // Read, merge, write back on an unchanged version: concurrent Lambdas applying statuses to the same message
    // each retry on conflict, so no status is lost and the result does not depend on who wins. All statuses of
    // one message in a delivery go in one write (Meta batches up to 1,000), so they never race each other.
    async applyStatuses(updates, contactId) {
      const first = updates[0];
      if (!first) return [];
      const entries = updates.map(toStoredStatus);
      for (let attempt = 0; attempt < MAX_STATUS_ATTEMPTS; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
        const { id, item } = await resolve(first.messageId);
        const old = item && Array.isArray(item.statuses) ? (item.statuses as StoredStatus[]) : [];
        const { history, outcomes } = mergeStatuses(old, entries);
        try {
          if (!item) {
            // A status for a message we never stored (sent from elsewhere, or the send record is not written
            // yet): keep it; the sender (or the message's own delivery) fills in type and text later.
            await db.send(
              new PutCommand({
                TableName: tableName,
                Item: {
                  ...messageKey(id),
                  id,
                  channel: first.channel,
                  direction: 'out',
                  type: 'unknown',
                  contactId,
                  phoneNumberId: first.phoneNumberId,
                  accountId: first.accountId,
                  timestamp: history[0]?.timestamp ?? first.timestamp,
                  // Known only from statuses: the earliest one stands in for the send time (see below).
                  timestampFromStatuses: true,
                  convSk: `${history[0]?.timestamp ?? first.timestamp}#${id}`,
                  status: currentStatus(history),
                  statuses: history,
                  version: 1,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            return outcomes;
          }
          if (!outcomes.includes('stored')) return outcomes;
          const version = typeof item.version === 'number' ? item.version : 0;
          const values: Record<string, unknown> = {
            ':statuses': history,
            ':status': currentStatus(history),
            ':next': version + 1,
            ':version': version,
          };
          const sets = ['#statuses = :statuses', '#status = :status', '#version = :next'];
          if (item.timestampFromStatuses === true) {
            // Whichever status arrived first created the item; the earliest one known is the best send time,
            // so the result does not depend on arrival order.
            const earliest = history[0]?.timestamp ?? first.timestamp;
            if (earliest !== item.timestamp) {
              sets.push('#timestamp = :timestamp', '#convSk = :convSk');
              values[':timestamp'] = earliest;
              values[':convSk'] = `${earliest}#${id}`;
            }
          }
          if (contactId && !item.contactId) {
            sets.push('#contactId = :contactId');
            values[':contactId'] = contactId;
          }
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: messageKey(id),
              UpdateExpression: `SET ${sets.join(', ')}`,
              ConditionExpression: version ? '#version = :version' : 'attribute_not_exists(#version) OR #version = :version',
              ExpressionAttributeNames: {
                '#statuses': 'statuses',
                '#status': 'status',
                '#version': 'version',
                ...(values[':contactId'] ? { '#contactId': 'contactId' } : {}),
                ...(values[':timestamp'] ? { '#timestamp': 'timestamp', '#convSk': 'convSk' } : {}),
              },
              ExpressionAttributeValues: values,
            }),
          );
          return outcomes;
        } catch (error) {
          if (isItemTooLarge(error)) throw new UnstorableStatus(`message ${id}: ${(error as Error).message}`);
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new Error(`message ${first.messageId}: statuses lost ${MAX_STATUS_ATTEMPTS} write races`);
    },

    async get(id) {
      const { item } = await resolve(id);
      return item ? toRecord(item) : undefined;
    },

    // Same read-merge-write on `version` as applyStatus: a status webhook may have created the item first
    // (Graph answers, Meta sends `sent`, and only then do we write), so merge rather than overwrite.
    async recordOutbound(r: OutboundRecord) {
      const entry: StoredStatus = { status: r.status, timestamp: r.statusAt, ...(r.errors?.length ? { errors: r.errors } : {}) };
      const fields: Record<string, unknown> = {
        id: r.id,
        channel: r.channel,
        direction: 'out',
        type: r.type,
        contactId: r.contactId,
        phoneNumberId: r.phoneNumberId,
        timestamp: r.timestamp,
        convSk: `${r.timestamp}#${r.id}`,
        text: r.text,
        media: r.media,
        template: r.template,
        context: r.replyTo ? { messageId: r.replyTo } : undefined,
        errors: r.errors,
        idempotencyKey: r.idempotencyKey,
      };
      let id = (await resolve(r.id)).id;
      if (id === r.id && r.channel === 'wazzup24' && isWazzupCrmRecordId(r.id) && !(await getItem(r.id))) {
        id = (await mergeRepeatIntoEcho(r)) ?? r.id;
      }
      if (id !== r.id) {
        // Merged onto the echo's record: it keeps its own id and place in the conversation.
        delete fields.id;
        delete fields.timestamp;
        delete fields.convSk;
      }
      for (let attempt = 0; attempt < MAX_STATUS_ATTEMPTS; attempt++) {
        if (attempt) await new Promise((res) => setTimeout(res, Math.random() * 10 * 2 ** attempt));
        const item = await getItem(id);
        try {
          if (!item) {
            await db.send(
              new PutCommand({
                TableName: tableName,
                Item: { ...messageKey(id), ...fields, id, status: currentStatus([entry]), statuses: [entry], version: 1 },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            return;
          }
          const history = Array.isArray(item.statuses) ? (item.statuses as StoredStatus[]) : [];
          const merged = boundHistory(addStatus(history, entry).history);
          const version = typeof item.version === 'number' ? item.version : 0;
          const names: Record<string, string> = { '#statuses': 'statuses', '#status': 'status', '#version': 'version' };
          const values: Record<string, unknown> = {
            ':statuses': merged,
            ':status': currentStatus(merged),
            ':next': version + 1,
            ':version': version,
          };
          const sets = ['#statuses = :statuses', '#status = :status', '#version = :next'];
          for (const [k, v] of Object.entries(fields)) {
            if (v === undefined) continue;
            names[`#${k}`] = k;
            values[`:${k}`] = v;
            sets.push(`#${k} = :${k}`);
          }
          names['#fromStatuses'] = 'timestampFromStatuses';
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: messageKey(id),
              UpdateExpression: `SET ${sets.join(', ')} REMOVE #fromStatuses`,
              ConditionExpression: version ? '#version = :version' : 'attribute_not_exists(#version) OR #version = :version',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          return;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new Error(`message ${r.id}: outbound record lost ${MAX_STATUS_ATTEMPTS} write races`);
    },

    async latestInboundSince(contactId, since) {
      const pages = paginateQuery({ client: db }, {
        TableName: tableName,
        IndexName: BY_CONTACT_INDEX,
        KeyConditionExpression: 'contactId = :c AND convSk >= :since',
        FilterExpression: '#direction = :in',
        ExpressionAttributeNames: { '#direction': 'direction' },
        ExpressionAttributeValues: { ':c': contactId, ':since': since, ':in': 'in' },
        ScanIndexForward: false,
      });
      for await (const page of pages) {
        const newest = page.Items?.[0];
        if (newest) return String(newest.timestamp);
      }
      return undefined;
    },

    async lastCard(contactId) {
      let start: Record<string, unknown> | undefined;
      for (let page = 0; page < LAST_CARD_PAGES; page++) {
        const out = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_CONTACT_INDEX,
            KeyConditionExpression: 'contactId = :c',
            FilterExpression: 'attribute_exists(cardStatus)',
            ExpressionAttributeValues: { ':c': contactId },
            ScanIndexForward: false,
            Limit: 100,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        const item = out.Items?.[0];
        if (item) {
          const card: LastCard = {
            status: String(item.cardStatus),
            at: typeof item.cardStatusAt === 'string' ? item.cardStatusAt : String(item.timestamp),
          };
          if (typeof item.cardName === 'string' && item.cardName) card.name = item.cardName;
          return card;
        }
        start = out.LastEvaluatedKey;
        if (!start) return undefined;
      }
      return undefined;
    },

    async listByContact(contactId, { limit, cursor }) {
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_CONTACT_INDEX,
          KeyConditionExpression: 'contactId = :c',
          ExpressionAttributeValues: { ':c': contactId },
          ScanIndexForward: false,
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor, contactId) } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toRecord);
      return out.LastEvaluatedKey ? { items, nextCursor: encodePageCursor(out.LastEvaluatedKey) } : { items };
    },
  };
}

const CURSOR_KEYS = ['contactId', 'convSk', 'pk', 'sk'];

function decodeCursor(cursor: string, contactId: string): Record<string, string> {
  const key = decodePageCursor(cursor, CURSOR_KEYS);
  if (key.contactId !== contactId) throw new InvalidCursor('cursor belongs to another contact');
  return key;
}

function toStoredStatus(update: StatusUpdate): StoredStatus {
  return {
    status: update.status,
    timestamp: update.timestamp,
    ...(update.errors?.length ? { errors: update.errors } : {}),
    raw: boundedJson(storableStatusRaw(update.raw), STATUS_RAW_BYTES).raw,
  };
}

/**
 * `entries` folded into the stored history, which is then bounded (status-order.ts boundHistory) with every kept
 * raw cut to its bound (an item written before the bounds heals on its next write). When the bounded result keeps
 * the same events as before, nothing changed and every entry is a duplicate (a redelivery, or a status older than
 * everything kept).
 */
function mergeStatuses(old: readonly StoredStatus[], entries: readonly StoredStatus[]): { history: StoredStatus[]; outcomes: PutOutcome[] } {
  let history: StoredStatus[] = [...old];
  const outcomes = entries.map((entry): PutOutcome => {
    const merged = addStatus(history, entry);
    history = merged.history;
    return merged.added ? 'stored' : 'duplicate';
  });
  const bounded = boundHistory(history).map((e) => (typeof e.raw === 'string' ? { ...e, raw: boundRawString(e.raw) } : e));
  const unchanged = old.length > 0 && bounded.length === old.length && bounded.every((e, i) => sameStatusEvent(e, old[i]!));
  return { history: bounded, outcomes: unchanged ? outcomes.map(() => 'duplicate') : outcomes };
}

function toRecord(item: Record<string, unknown>): MessageRecord {
  const statuses = Array.isArray(item.statuses)
    ? (item.statuses as StoredStatus[]).map(({ status, timestamp, errors }) => ({ status, timestamp, ...(errors ? { errors } : {}) }))
    : [];
  const record: MessageRecord = {
    id: String(item.id),
    channel: item.channel === 'wazzup24' ? 'wazzup24' : 'meta',
    direction: item.direction === 'in' ? 'in' : 'out',
    type: String(item.type ?? 'unknown'),
    timestamp: String(item.timestamp),
    statuses,
  };
  for (const k of ['contactId', 'phoneNumberId', 'accountId', 'text', 'status'] as const) {
    if (typeof item[k] === 'string') record[k] = item[k] as string;
  }
  if (item.media) record.media = item.media as MessageRecord['media'];
  if (item.context) record.context = item.context as MessageRecord['context'];
  if (Array.isArray(item.errors)) record.errors = item.errors as MessageRecord['errors'];
  return record;
}

function contentOf(item: Record<string, unknown>): OutboundContent {
  const media = item.media as { url?: unknown } | undefined;
  return {
    phoneNumberId: typeof item.phoneNumberId === 'string' ? item.phoneNumberId : undefined,
    text: typeof item.text === 'string' ? item.text : undefined,
    media: media && typeof media.url === 'string' ? { url: media.url } : undefined,
    timestamp: String(item.timestamp),
  };
}
