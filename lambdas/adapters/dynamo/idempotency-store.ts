// Idempotency keys in the messages table: one item `idem#<key>`/`idem` per key, claimed with a conditional
// write, holding the first answer for 24 hours, or 7.5 days for queued jobs (the table's TTL attribute
// `expiresAt` removes it later).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyBegin, IdempotencyStore, StoredSend } from '../../domain/outbound/sender.js';
import { isConditionalCheckFailed } from './dynamo-client.js';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * Queued jobs (bot replies, card replies) are keyed by the inbound message that caused them, and Meta redelivers
 * a webhook for up to 7 days: their keys must outlive that, or a late redelivery would answer a command twice.
 */
export const JOB_IDEMPOTENCY_TTL_SECONDS = (7 * 24 + 12) * 60 * 60;
/** A claim older than this whose holder never finished (a crashed Lambda) may be taken over. */
export const STALE_CLAIM_MS = 60_000;

export const idempotencyKey = (key: string) => ({ pk: `idem#${key}`, sk: 'idem' });

export function createIdempotencyStore(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { now?: () => number; staleClaimMs?: number; ttlSeconds?: number } = {},
): IdempotencyStore {
  const now = options.now ?? Date.now;
  const staleMs = options.staleClaimMs ?? STALE_CLAIM_MS;
  const ttlSeconds = options.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS;

  return {
    async begin(key, fingerprint): Promise<IdempotencyBegin> {
      const at = now();
      const nowS = Math.floor(at / 1000);
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...idempotencyKey(key), state: 'pending', fingerprint, claimedAt: at, expiresAt: nowS + ttlSeconds },
            // Free, expired (TTL deletes lazily), or a stale claim of the same request.
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :nowS OR (#state = :pending AND claimedAt < :stale AND fingerprint = :fp)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':nowS': nowS, ':pending': 'pending', ':stale': at - staleMs, ':fp': fingerprint },
          }),
        );
        return { state: 'new' };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const out = await db.send(new GetCommand({ TableName: tableName, Key: idempotencyKey(key), ConsistentRead: true }));
      const item = out.Item;
      // Deleted between the two calls (abandoned): the caller may simply try again.
      if (!item) return { state: 'busy' };
      if (item['fingerprint'] !== fingerprint) return { state: 'mismatch' };
      if (item['state'] === 'done' && typeof item['answer'] === 'string') {
        return { state: 'done', answer: JSON.parse(item['answer']) as StoredSend };
      }
      return { state: 'busy' };
    },

    async finish(key, answer) {
      const at = now();
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: idempotencyKey(key),
          // One JSON string: the answer's shape is the sender's, and DynamoDB should not reinterpret it.
          UpdateExpression: 'SET #state = :done, answer = :answer, finishedAt = :at, expiresAt = :expires',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':answer': JSON.stringify(answer),
            ':at': at,
            ':expires': Math.floor(at / 1000) + ttlSeconds,
          },
        }),
      );
    },

    async abandon(key) {
      try {
        await db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: idempotencyKey(key),
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
