// A private dynalite per test file (random free port, in memory) with the tables of resources.ts, and the
// environment the handlers read at module load pointed at it. Import handlers only after `start()`.
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand as DocScan } from '@aws-sdk/lib-dynamodb';
import { tables, type TableName } from '../../lib/resources.js';
import { startDynalite, type DynaliteHandle } from '../../lib/local/dynalite-server.js';
import { ensureTables } from '../../lib/local/tables.js';

export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableNames: Record<TableName, string>;
  /** Drops and recreates every table (empty store between cases). */
  reset(): Promise<void>;
  /** Every item of a table, unmarshalled. */
  scan(table: TableName): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export const TEST_APP_SECRET = 'test-app-secret';
export const TEST_VERIFY_TOKEN = 'test-verify-token';

export async function startTestDynamo(options: { setEnv?: boolean } = {}): Promise<TestDynamo> {
  const server: DynaliteHandle = await startDynalite();
  const tableNames = Object.fromEntries(Object.keys(tables).map((t) => [t, `test-${t}`])) as Record<TableName, string>;
  if (options.setEnv ?? true) {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = server.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.WHATSAPP_APP_SECRET = TEST_APP_SECRET;
    process.env.WHATSAPP_VERIFY_TOKEN = TEST_VERIFY_TOKEN;
    process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
    for (const [t, name] of Object.entries(tableNames)) process.env[tables[t as TableName].envVar] = name;
  }
  const client = new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const doc = DynamoDBDocumentClient.from(client);
  await ensureTables(client, tableNames);

  async function scan(table: TableName): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(new DocScan({ TableName: tableNames[table], ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    endpoint: server.endpoint,
    client,
    doc,
    tableNames,
    async reset() {
      for (const name of Object.values(tableNames)) {
        await client.send(new DeleteTableCommand({ TableName: name }));
        // dynalite deletes asynchronously (DELETING): wait until it is gone or it would not be recreated.
        for (;;) {
          try {
            await client.send(new DescribeTableCommand({ TableName: name }));
            await new Promise((r) => setTimeout(r, 2));
          } catch (error) {
            if ((error as Error).name === 'ResourceNotFoundException') break;
            throw error;
          }
        }
      }
      await ensureTables(client, tableNames);
    },
    scan,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}

/** Total items across tables (for "nothing stored" assertions). */
export async function countItems(db: TestDynamo): Promise<number> {
  let n = 0;
  for (const name of Object.values(db.tableNames)) {
    const out = await db.client.send(new ScanCommand({ TableName: name, Select: 'COUNT' }));
    n += out.Count ?? 0;
  }
  return n;
}
