// The card pipeline's state, kept on the card message's item in the messages table (`msg#<id>`/`message`):
//   cardStage      received | media_stored | read | contact_upserted | replied | failed   (resume point)
//   cardStatus     received | processing | created | merged | unreadable                 (what `/status` shows)
//   cardStatusAt   ISO 8601 of the last record;  cardName: the name read from the card
//   cardMediaKey, cardMimeType, cardRead (the card read, JSON), cardContactId, cardOutcome, cardFailure
//   cardHistory    [{ stage, status, at }] one entry per record, oldest first
// A record never moves the stage backwards: a slow attempt finishing late cannot undo a faster one.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReadCard } from '../../domain/cards/card.js';
import {
  CARD_STAGES,
  InvalidCardJob,
  type CardMessage,
  type CardProgress,
  type CardProgressStore,
  type CardStage,
  type CardState,
} from '../../domain/cards/card-pipeline.js';
import { isConditionalCheckFailed } from './dynamo-client.js';
import { messageKey } from './message-store.js';

const RANK: Record<CardStage, number> = { received: 0, media_stored: 1, read: 2, contact_upserted: 3, replied: 4, failed: 4 };
/** The card read is small; OCR lines of a cluttered photo are capped so the item stays far below 400 KB. */
const MAX_LINES = 80;
const MAX_LINE = 200;

function encodeCard(card: ReadCard): string {
  const lines = card.lines?.slice(0, MAX_LINES).map((l) => l.slice(0, MAX_LINE));
  return JSON.stringify({ ...card, ...(lines ? { lines } : {}) });
}

function decodeCard(value: unknown): ReadCard | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const card = JSON.parse(value) as ReadCard;
    return Array.isArray(card.phones) && Array.isArray(card.emails) && Array.isArray(card.websites) ? card : undefined;
  } catch {
    return undefined;
  }
}

function isStage(value: unknown): value is CardStage {
  return typeof value === 'string' && (CARD_STAGES as readonly string[]).includes(value);
}

function stateOf(item: Record<string, unknown>): CardState | undefined {
  if (!isStage(item.cardStage)) return undefined;
  const state: CardState = { stage: item.cardStage };
  if (typeof item.cardMediaKey === 'string') state.mediaKey = item.cardMediaKey;
  if (typeof item.cardMimeType === 'string') state.mimeType = item.cardMimeType as NonNullable<CardState['mimeType']>;
  const card = decodeCard(item.cardRead);
  if (card) state.card = card;
  if (typeof item.cardContactId === 'string') state.contactId = item.cardContactId;
  if (item.cardOutcome === 'created' || item.cardOutcome === 'merged') state.outcome = item.cardOutcome;
  const failure = item.cardFailure as CardState['failure'] | undefined;
  if (failure && typeof failure === 'object' && typeof failure.reason === 'string') state.failure = failure;
  return state;
}

export function createCardProgressStore(db: DynamoDBDocumentClient, tableName: string): CardProgressStore {
  return {
    async load(messageId) {
      const out = await db.send(new GetCommand({ TableName: tableName, Key: messageKey(messageId), ConsistentRead: true }));
      const item = out.Item;
      if (!item) return undefined;
      const message: CardMessage = { id: String(item.id), timestamp: String(item.timestamp) };
      if (typeof item.contactId === 'string') message.contactId = item.contactId;
      if (typeof item.text === 'string') message.text = item.text;
      const state = stateOf(item);
      if (state) message.state = state;
      return message;
    },

    async record(messageId, p: CardProgress) {
      const names: Record<string, string> = {
        '#pk': 'pk',
        '#stage': 'cardStage',
        '#status': 'cardStatus',
        '#at': 'cardStatusAt',
        '#history': 'cardHistory',
      };
      const allowed = CARD_STAGES.filter((s) => RANK[s] <= RANK[p.stage]);
      const values: Record<string, unknown> = {
        ':stage': p.stage,
        ':status': p.status,
        ':at': p.at,
        ':entry': [{ stage: p.stage, status: p.status, at: p.at, ...(p.failure ? { reason: p.failure.reason.slice(0, 500) } : {}) }],
        ':empty': [],
      };
      allowed.forEach((s, i) => (values[`:s${i}`] = s));
      const sets = ['#stage = :stage', '#status = :status', '#at = :at', '#history = list_append(if_not_exists(#history, :empty), :entry)'];
      const set = (attr: string, value: unknown) => {
        if (value === undefined) return;
        names[`#${attr}`] = attr;
        values[`:${attr}`] = value;
        sets.push(`#${attr} = :${attr}`);
      };
      set('cardName', p.name);
      set('cardMediaKey', p.mediaKey);
      set('cardMimeType', p.mimeType);
      set('cardRead', p.card ? encodeCard(p.card) : undefined);
      set('cardContactId', p.contactId);
      set('cardOutcome', p.outcome);
      set('cardFailure', p.failure ? { ...p.failure, reason: p.failure.reason.slice(0, 1000) } : undefined);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: messageKey(messageId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_exists(#pk) AND (attribute_not_exists(#stage) OR #stage IN (${allowed.map((_, i) => `:s${i}`).join(', ')}))`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const out = await db.send(new GetCommand({ TableName: tableName, Key: messageKey(messageId), ConsistentRead: true }));
        if (!out.Item) throw new InvalidCardJob(`message ${messageId} is not stored`);
        // A later stage is already recorded (a concurrent delivery of the same job got further): nothing to do.
      }
    },
  };
}
