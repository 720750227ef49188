// The newest inbound message time per channel, one small item in the messages table (`heartbeat#inbound`/
// `<channel>`): GET /status and an admin's `/status` read it without scanning a conversation. Written only
// forward (an older redelivery leaves it alone), and at most once per interval per container
// (HEARTBEAT_SECONDS): at steady traffic a write per delivery would be a third of a text's DynamoDB cost, for a
// figure operators read to the minute.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../../domain/shared/model.js';
import type { InboundHeartbeat } from '../../domain/inbound/ingest.js';
import { isConditionalCheckFailed } from './dynamo-client.js';
import { wholeNumberFromEnv } from '../runtime/env.js';

export const HEARTBEAT_PK = 'heartbeat#inbound';

/** HEARTBEAT_SECONDS (the stack sets it from the `heartbeatSeconds` context parameter); unset: every delivery. */
export function heartbeatIntervalMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberFromEnv('HEARTBEAT_SECONDS', 3600, env) * 1000;
}

export function createInboundHeartbeat(
  db: DynamoDBDocumentClient,
  tableName: string,
  intervalMs = heartbeatIntervalMsFromEnv(),
): InboundHeartbeat & { lastInbound(): Promise<Record<string, string>> } {
  // What this container last wrote: a newer time within the interval is skipped, so the stored one lags the
  // newest message by less than the interval, whichever container took it.
  const written = new Map<Channel, number>();
  return {
    async inbound(channel, at) {
      const time = Date.parse(at);
      const last = written.get(channel);
      if (intervalMs > 0 && last !== undefined && time >= last && time - last < intervalMs) return;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: HEARTBEAT_PK, sk: channel },
            UpdateExpression: 'SET #at = :at',
            ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': at },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      if (Number.isFinite(time) && time > (last ?? -Infinity)) written.set(channel, time);
    },
    /** Channel -> newest inbound time (ISO 8601). */
    async lastInbound() {
      const out = await db.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': HEARTBEAT_PK } }),
      );
      return Object.fromEntries((out.Items ?? []).filter((i) => typeof i.at === 'string').map((i) => [String(i.sk), String(i.at)]));
    },
  };
}
