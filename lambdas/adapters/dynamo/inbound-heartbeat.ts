// The newest inbound message time per channel, one small item in the messages table (`heartbeat#inbound`/
// `<channel>`): GET /status and an admin's `/status` read it without scanning a conversation. Written once
// per delivery that stored an inbound message, and only forward (an older redelivery leaves it alone).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundHeartbeat } from '../../domain/inbound/ingest.js';
import { isConditionalCheckFailed } from './dynamo-client.js';

export const HEARTBEAT_PK = 'heartbeat#inbound';

export function createInboundHeartbeat(db: DynamoDBDocumentClient, tableName: string): InboundHeartbeat & { lastInbound(): Promise<Record<string, string>> } {
  return {
    async inbound(channel, at) {
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
