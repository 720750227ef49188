// The read side of the stored webhook events (delivery-archive.ts writes them): newest first through the
// byContact index's `#events` partition, optionally one field only. A field filter is applied by DynamoDB after
// the read, so a page is filled from as many reads as it takes (bounded), and the cursor points after the
// last event returned.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventLog, StoredEvent } from '../../domain/operations/events.js';
import { InvalidCursor } from '../../domain/shared/ports.js';
import { EVENTS_PARTITION } from './delivery-archive.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

const BY_CONTACT_INDEX = 'byContact';
const CURSOR_KEYS = ['contactId', 'convSk', 'pk', 'sk'];
/** Reads per page when a field filter skips most events: past this, the page is returned short with a cursor. */
const MAX_READS = 10;

export function createEventLog(db: DynamoDBDocumentClient, tableName: string): EventLog {
  return {
    async list({ limit, cursor, field }) {
      let start: Record<string, string> | undefined;
      if (cursor) {
        start = decodePageCursor(cursor, CURSOR_KEYS);
        if (start.contactId !== EVENTS_PARTITION) throw new InvalidCursor('cursor is not one this API returned');
      }
      const items: Record<string, unknown>[] = [];
      for (let reads = 0; reads < MAX_READS && items.length < limit; reads++) {
        const out = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_CONTACT_INDEX,
            KeyConditionExpression: 'contactId = :c',
            ExpressionAttributeValues: { ':c': EVENTS_PARTITION, ...(field ? { ':f': field } : {}) },
            ...(field ? { FilterExpression: '#f = :f', ExpressionAttributeNames: { '#f': 'field' } } : {}),
            ScanIndexForward: false,
            Limit: limit - items.length,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey as Record<string, string> | undefined;
        if (!start) break;
      }
      const events = items.map(toEvent);
      return start ? { items: events, nextCursor: encodePageCursor(start) } : { items: events };
    },
  };
}

function toEvent(item: Record<string, unknown>): StoredEvent {
  let value: unknown = item.raw;
  if (typeof item.raw === 'string') {
    try {
      value = JSON.parse(item.raw);
    } catch {
      // A raw value cut to fit the item (rawTruncated) is no longer JSON: shown as the text it is.
    }
  }
  const event: StoredEvent = { field: String(item.field), receivedAt: String(item.receivedAt), value };
  for (const k of ['channel', 'accountId', 'phoneNumberId', 'timestamp'] as const) {
    if (typeof item[k] === 'string') event[k] = item[k];
  }
  if (item.rawTruncated === true) event.truncated = true;
  return event;
}
