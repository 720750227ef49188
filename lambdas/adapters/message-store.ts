// Messages table: one item per provider message id (`msg#<id>`/`message`), listed per contact through the
// byContact index (`contactId`, `convSk = <timestamp>#<id>`).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundMessage, StatusUpdate } from '../domain/model.js';
import { InvalidCursor, type MessageRecord, type MessageStore } from '../domain/ports.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';
import type { OutboundRecord, OutboundStore } from '../domain/sender.js';
import { addStatus, currentStatus, type StatusEntry } from '../domain/status-order.js';
import { isConditionalCheckFailed } from './dynamo-client.js';
import { boundedJson } from './item-size.js';

export const MESSAGE_SK = 'message';
export const BY_CONTACT_INDEX = 'byContact';
export const messageKey = (id: string) => ({ pk: `msg#${id}`, sk: MESSAGE_SK });

/** A status as stored: the view fields plus Meta's full status object (pricing, conversation, ...). */
type StoredStatus = StatusEntry & { raw?: string };

const MAX_STATUS_ATTEMPTS = 8;

/** The last card a customer sent, as the card pipeline records it on the card message (see domain/bot.ts). */
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

  return {
    async putInbound(message: InboundMessage, contactId, receivedAt) {
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
        if (isConditionalCheckFailed(error)) return 'duplicate';
        throw error;
      }
    },

    // Read, merge, write back on an unchanged version: concurrent Lambdas applying statuses to the same message
    // each retry on conflict, so no status is lost and the result does not depend on who wins.
    async applyStatus(update: StatusUpdate, contactId) {
      const entry: StoredStatus = {
        status: update.status,
        timestamp: update.timestamp,
        ...(update.errors?.length ? { errors: update.errors } : {}),
        raw: boundedJson(update.raw, 32 * 1024).raw,
      };
      for (let attempt = 0; attempt < MAX_STATUS_ATTEMPTS; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
        const item = await getItem(update.messageId);
        try {
          if (!item) {
            // A status for a message we never stored (sent from elsewhere, or the send record is not written
            // yet): keep it; the sender fills in type and text when it records the message.
            await db.send(
              new PutCommand({
                TableName: tableName,
                Item: {
                  ...messageKey(update.messageId),
                  id: update.messageId,
                  channel: update.channel,
                  direction: 'out',
                  type: 'unknown',
                  contactId,
                  phoneNumberId: update.phoneNumberId,
                  accountId: update.accountId,
                  timestamp: update.timestamp,
                  // Known only from statuses: the earliest one stands in for the send time (see below).
                  timestampFromStatuses: true,
                  convSk: `${update.timestamp}#${update.messageId}`,
                  status: currentStatus([entry]),
                  statuses: [entry],
                  version: 1,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            return 'stored';
          }
          const history = Array.isArray(item.statuses) ? (item.statuses as StoredStatus[]) : [];
          const merged = addStatus(history, entry);
          if (!merged.added) return 'duplicate';
          const version = typeof item.version === 'number' ? item.version : 0;
          const values: Record<string, unknown> = {
            ':statuses': merged.history,
            ':status': currentStatus(merged.history),
            ':next': version + 1,
            ':version': version,
          };
          const sets = ['#statuses = :statuses', '#status = :status', '#version = :next'];
          if (item.timestampFromStatuses === true) {
            // Whichever status arrived first created the item; the earliest one known is the best send time,
            // so the result does not depend on arrival order.
            const earliest = merged.history[0]?.timestamp ?? update.timestamp;
            if (earliest !== item.timestamp) {
              sets.push('#timestamp = :timestamp', '#convSk = :convSk');
              values[':timestamp'] = earliest;
              values[':convSk'] = `${earliest}#${update.messageId}`;
            }
          }
          if (contactId && !item.contactId) {
            sets.push('#contactId = :contactId');
            values[':contactId'] = contactId;
          }
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: messageKey(update.messageId),
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
          return 'stored';
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      throw new Error(`message ${update.messageId}: status ${update.status} lost ${MAX_STATUS_ATTEMPTS} write races`);
    },

    async get(id) {
      const item = await getItem(id);
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
      for (let attempt = 0; attempt < MAX_STATUS_ATTEMPTS; attempt++) {
        if (attempt) await new Promise((res) => setTimeout(res, Math.random() * 10 * 2 ** attempt));
        const item = await getItem(r.id);
        try {
          if (!item) {
            await db.send(
              new PutCommand({
                TableName: tableName,
                Item: { ...messageKey(r.id), ...fields, status: currentStatus([entry]), statuses: [entry], version: 1 },
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            return;
          }
          const history = Array.isArray(item.statuses) ? (item.statuses as StoredStatus[]) : [];
          const merged = addStatus(history, entry).history;
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
              Key: messageKey(r.id),
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
