// Quarantined deliveries and account events, kept in the messages table under their own key prefixes with
// an expiry (they are for diagnosis and audit, not for the conversation).
import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../../domain/shared/map-limit.js';
import type { DeliveryArchive } from '../../domain/shared/ports.js';
import { isConditionalCheckFailed } from './dynamo-client.js';
import { boundedJson } from './item-size.js';

const DAY_SECONDS = 24 * 60 * 60;
export const QUARANTINE_DAYS = 30;
export const EVENT_DAYS = 90;
/** A quarantined body is split into parts that each fit an item (Meta may send several MB). */
export const QUARANTINE_PART_BYTES = 300 * 1024;

export const quarantinePk = (sha256: string) => `quarantine#${sha256}`;
export const eventKey = (dedupeKey: string) => ({ pk: `event#${dedupeKey}`, sk: 'event' });

export function createDeliveryArchive(db: DynamoDBDocumentClient, tableName: string): DeliveryArchive {
  return {
    async quarantine(raw, reason, receivedAt) {
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const expiresAt = epochSeconds(receivedAt) + QUARANTINE_DAYS * DAY_SECONDS;
      const parts = Math.max(1, Math.ceil(raw.byteLength / QUARANTINE_PART_BYTES));
      // Same body, same key: a redelivered bad body overwrites its own parts instead of piling up.
      await mapLimit([...Array(parts).keys()], 4, (part) =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: quarantinePk(sha256),
              sk: `part#${String(part).padStart(5, '0')}`,
              part,
              parts,
              bytes: raw.byteLength,
              reason,
              receivedAt,
              expiresAt,
              body: raw.subarray(part * QUARANTINE_PART_BYTES, (part + 1) * QUARANTINE_PART_BYTES),
            },
          }),
        ),
      );
      return sha256;
    },

    async recordEvent(event, receivedAt) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...eventKey(event.dedupeKey),
              field: event.field,
              channel: event.channel,
              accountId: event.accountId,
              phoneNumberId: event.phoneNumberId,
              timestamp: event.timestamp,
              ...boundedJson(event.raw),
              // The parsed form of a call event (field `calls`), readable without parsing `raw`.
              ...(event.call ? { call: event.call } : {}),
              receivedAt,
              expiresAt: epochSeconds(receivedAt) + EVENT_DAYS * DAY_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'stored';
      } catch (error) {
        if (isConditionalCheckFailed(error)) return 'duplicate';
        throw error;
      }
    },
  };
}

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
