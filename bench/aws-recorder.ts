// Counts what the handlers ask of AWS, from inside the SDK: a middleware on the clients the Lambdas share (the
// DynamoDB document client, the SQS and S3 clients) records each operation. DynamoDB calls are sent with
// ReturnConsumedCapacity TOTAL, so the table's read and write units are dynalite's own answer; dynalite does not
// count global secondary index writes nor failed conditional writes, so those are computed here from the item
// images before and after each write, with DynamoDB's documented rules (see indexWriteUnits).
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Client } from '@smithy/types';
import { tables, type TableName } from '../lib/resources.js';
import { HEARTBEAT_PK } from '../lambdas/adapters/dynamo/inbound-heartbeat.js';
import type { KindUsage } from '../lib/cost/usage.js';

export type Tally = Pick<KindUsage, 'dynamo' | 'sqs' | 's3'>;

export const emptyTally = (): Tally => ({
  dynamo: { calls: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0, failedWriteUnits: 0, heartbeatWriteUnits: 0, byOperation: {} },
  sqs: {},
  s3: {},
});

type Item = Record<string, AttributeValue>;
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** DynamoDB's item size: attribute name bytes plus value bytes (numbers about 1 byte per 2 digits + 1). */
export function itemBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-/, '').replace('.', '').length / 2) + 1;
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (v.NS) return v.NS.reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
  if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + valueBytes(e), 0);
  if (v.M) return 3 + itemBytes(v.M) + Object.keys(v.M).length;
  return 0;
}

const writeUnitsOf = (item: Item | undefined) => (item ? Math.max(1, Math.ceil(itemBytes(item) / 1024)) : 1);

/** Physical table names end with `-<name in resources.ts>`. */
function indexesOf(tableName: string): { partitionKey: string; sortKey?: string }[] {
  const name = (Object.keys(tables) as TableName[]).find((t) => tableName.endsWith(`-${t}`));
  return name ? Object.values(tables[name].indexes) : [];
}

/**
 * Index write units of one write, per DynamoDB's GSI rules: an item entering the index costs one write of the
 * projected size, one leaving it one write, an index key change two (delete and put), a change of a projected
 * attribute with the key unchanged one; no change of projected attributes, none. Every index here projects ALL.
 */
export function indexWriteUnits(before: Item | undefined, after: Item | undefined, indexes: readonly { partitionKey: string; sortKey?: string }[]): number {
  let units = 0;
  const has = (item: Item | undefined, k: { partitionKey: string; sortKey?: string }) => item !== undefined && item[k.partitionKey] !== undefined && (!k.sortKey || item[k.sortKey] !== undefined);
  const keyOf = (item: Item, k: { partitionKey: string; sortKey?: string }) => JSON.stringify([item[k.partitionKey], k.sortKey ? item[k.sortKey] : null]);
  for (const index of indexes) {
    const inBefore = has(before, index);
    const inAfter = has(after, index);
    if (!inBefore && inAfter) units += writeUnitsOf(after);
    else if (inBefore && !inAfter) units += writeUnitsOf(before);
    else if (inBefore && inAfter) {
      if (keyOf(before!, index) !== keyOf(after!, index)) units += writeUnitsOf(before) + writeUnitsOf(after);
      else if (!sameItem(before!, after!)) units += Math.max(writeUnitsOf(before), writeUnitsOf(after));
    }
  }
  return units;
}

function sameItem(a: Item, b: Item): boolean {
  const canon = (item: Item) => JSON.stringify(Object.keys(item).sort().map((k) => [k, canonValue(item[k]!)]));
  return canon(a) === canon(b);
}

function canonValue(v: AttributeValue): unknown {
  if (v.SS) return { SS: [...v.SS].sort() };
  if (v.NS) return { NS: [...v.NS].sort() };
  if (v.M) return { M: Object.keys(v.M).sort().map((k) => [k, canonValue(v.M![k]!)]) };
  if (v.L) return { L: v.L.map(canonValue) };
  return v;
}

interface DynamoInput {
  TableName?: string;
  Key?: Item;
  Item?: Item;
  ReturnConsumedCapacity?: string;
  RequestItems?: Record<string, unknown[]>;
  TransactItems?: unknown[];
}

/**
 * Records every call of `clients` into `tally()` (whatever tally is current when the call is made). `direct`
 * is a client of the same dynalite outside the recorder: it reads item images around each write. While
 * `recording()` is false the calls pass untouched (timing runs: the image reads cost CPU in this process).
 */
export function recordAws(
  clients: { dynamo: Client<any, any, any>; sqs: Client<any, any, any>; s3: Client<any, any, any> },
  direct: DynamoDBClient,
  tally: () => Tally,
  recording: () => boolean = () => true,
): void {
  const image = async (table: string, key: Item | undefined) =>
    key ? (await direct.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item : undefined;
  clients.dynamo.middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      if (!recording()) return next(args);
      const t = tally().dynamo;
      const op = String(context.commandName);
      const input = args.input as DynamoInput;
      if (input.TransactItems || (input.RequestItems && op !== 'BatchWriteItemCommand')) throw new Error(`${op}: the cost recorder does not count this call yet`);
      t.calls += 1;
      t.byOperation[op] = (t.byOperation[op] ?? 0) + 1;
      if (input.RequestItems) {
        // Batch puts (contact aliases): each item is a write of its own size; alias items carry no index key.
        const puts = Object.entries(input.RequestItems).flatMap(([table, requests]) =>
          (requests as { PutRequest?: { Item: Item } }[]).flatMap((r) => (r.PutRequest ? [{ table, item: r.PutRequest.Item }] : [])));
        const befores = await Promise.all(puts.map((p) => image(p.table, keyOfItem(p.item))));
        const out = await next(args);
        for (const [i, p] of puts.entries()) {
          t.writeUnits += Math.max(writeUnitsOf(p.item), befores[i] ? writeUnitsOf(befores[i]) : 1);
          t.indexWriteUnits += indexWriteUnits(befores[i], p.item, indexesOf(p.table));
        }
        return out;
      }
      const isWrite = WRITES.has(op);
      const table = input.TableName ?? '';
      const key = input.Key ?? (input.Item ? keyOfItem(input.Item) : undefined);
      const before = isWrite ? await image(table, key) : undefined;
      try {
        const out = await next(args);
        const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
        if (isWrite && key?.['pk']?.S === HEARTBEAT_PK) t.heartbeatWriteUnits += consumed?.CapacityUnits ?? 1;
        else if (isWrite) {
          t.writeUnits += consumed?.CapacityUnits ?? writeUnitsOf(input.Item);
          t.indexWriteUnits += indexWriteUnits(before, await image(table, key), indexesOf(table));
        } else t.readUnits += consumed?.CapacityUnits ?? 0;
        return out;
      } catch (error) {
        if (isWrite && (error as Error).name === 'ConditionalCheckFailedException') {
          if (key?.['pk']?.S === HEARTBEAT_PK) t.heartbeatWriteUnits += writeUnitsOf(before);
          else t.failedWriteUnits += writeUnitsOf(before);
        }
        throw error;
      }
    },
    // After the document client's marshalling (just before serialize): the input is in AttributeValue form here.
    { step: 'build', priority: 'high', name: 'costRecorder' },
  );
  // Before serializing: every call asks for its consumed capacity.
  clients.dynamo.middlewareStack.add(
    (next: any) => async (args: any) => (recording() ? next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } }) : next(args)),
    { step: 'initialize', name: 'costRecorderCapacity' },
  );
  const counter = (pick: (t: Tally) => Record<string, number>) => (next: any, context: any) => async (args: any) => {
    if (!recording()) return next(args);
    const bucket = pick(tally());
    const op = String(context.commandName).replace(/Command$/, '');
    bucket[op] = (bucket[op] ?? 0) + 1;
    return next(args);
  };
  clients.sqs.middlewareStack.add(counter((t) => t.sqs), { step: 'initialize', name: 'costRecorder' });
  clients.s3.middlewareStack.add(counter((t) => t.s3), { step: 'initialize', name: 'costRecorder' });
}

/** Both tables key on `pk` + `sk` (lib/resources.ts). */
function keyOfItem(item: Item): Item {
  const key: Item = {};
  for (const name of ['pk', 'sk']) if (item[name]) key[name] = item[name];
  return key;
}
