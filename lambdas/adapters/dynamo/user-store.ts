// User mappings in the contacts table: item `user#<id>`/`user`, listed through the byCreated index under
// `listPk = "user"` (ordered by id), so they never appear among the contacts (`listPk = "contact"`).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../../domain/shared/ports.js';
import { ROLES, type AppUser, type Role, type UserStore } from '../../domain/users/users.js';
import { BY_CREATED_INDEX } from './contact-store.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

export const USER_SK = 'user';
export const USER_LIST_PK = 'user';
export const userKey = (id: string) => ({ pk: `user#${id}`, sk: USER_SK });
const CURSOR_KEYS = ['listPk', 'listSk', 'pk', 'sk'];

export function createUserStore(db: DynamoDBDocumentClient, tableName: string): UserStore {
  async function get(id: string): Promise<AppUser | undefined> {
    const out = await db.send(new GetCommand({ TableName: tableName, Key: userKey(id) }));
    return out.Item ? toUser(out.Item) : undefined;
  }

  return {
    async put(user, now) {
      const previous = await get(user.id);
      const stored: AppUser = { ...user, createdAt: previous?.createdAt ?? now, updatedAt: now };
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...userKey(user.id), listPk: USER_LIST_PK, listSk: user.id, ...stored },
        }),
      );
      return { user: stored, created: !previous };
    },
    get,
    async remove(id) {
      const out = await db.send(new DeleteCommand({ TableName: tableName, Key: userKey(id), ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    },
    async list({ limit, cursor }) {
      let start: Record<string, string> | undefined;
      if (cursor) {
        start = decodePageCursor(cursor, CURSOR_KEYS);
        if (start.listPk !== USER_LIST_PK) throw new InvalidCursor('cursor is not one this API returned');
      }
      const out = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_CREATED_INDEX,
          KeyConditionExpression: 'listPk = :list',
          ExpressionAttributeValues: { ':list': USER_LIST_PK },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toUser);
      return out.LastEvaluatedKey ? { items, nextCursor: encodePageCursor(out.LastEvaluatedKey) } : { items };
    },
    async first(ids) {
      if (!ids.length) return undefined;
      const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: ids.map(userKey) } } }));
      // A handful of keys: anything left unprocessed is read one by one rather than retried as a batch.
      const found = new Map((out.Responses?.[tableName] ?? []).map((item) => [String(item.id), toUser(item)]));
      for (const key of (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as { pk: string }[]) {
        const id = key.pk.replace(/^user#/, '');
        const user = await get(id);
        if (user) found.set(id, user);
      }
      for (const id of ids) {
        const user = found.get(id);
        if (user) return user;
      }
      return undefined;
    },
  };
}

function toUser(item: Record<string, unknown>): AppUser {
  const role = ROLES.includes(item.role as Role) ? (item.role as Role) : 'customer';
  const user: AppUser = {
    id: String(item.id),
    userId: String(item.userId),
    role,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
  if (typeof item.name === 'string' && item.name) user.name = item.name;
  return user;
}
