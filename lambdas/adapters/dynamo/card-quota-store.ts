// Cards per customer per clock hour, counted in the messages table: one item per customer and hour
// (`cardquota#<contactId>` / `<yyyy-mm-ddThh>`) holding the ids of the card messages admitted, expiring an hour
// after its hour ends. The ids make the count idempotent: a card job SQS delivers twice is admitted twice
// without being counted twice, and the condition admits at most `limit` distinct cards in a race.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CardQuota } from '../../domain/cards/card-pipeline.js';
import { isConditionalCheckFailed } from './dynamo-client.js';

const HOUR_MS = 3_600_000;

export function createCardQuotaStore(db: DynamoDBDocumentClient, tableName: string, limit: number): CardQuota {
  return {
    limit,
    async admit(contactId, messageId, at) {
      const start = Math.floor(Date.parse(at) / HOUR_MS) * HOUR_MS;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `cardquota#${contactId}`, sk: new Date(start).toISOString().slice(0, 13) },
            UpdateExpression: 'ADD #ids :id SET #expiresAt = :expiresAt',
            ConditionExpression: 'attribute_not_exists(#ids) OR size(#ids) < :limit OR contains(#ids, :one)',
            ExpressionAttributeNames: { '#ids': 'ids', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':id': new Set([messageId]), ':one': messageId, ':limit': limit, ':expiresAt': Math.floor((start + 2 * HOUR_MS) / 1000) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
