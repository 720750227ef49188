// Creates the tables of resources.ts in a local DynamoDB (dynalite) when they are missing, with the same keys
// and indexes the CDK stack declares.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { tables, type KeySpec, type TableName } from '../resources.js';

export function keySchema(spec: KeySpec): KeySchemaElement[] {
  return [
    { AttributeName: spec.partitionKey, KeyType: 'HASH' },
    ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
  ];
}

export async function ensureTables(client: DynamoDBClient, names: Record<TableName, string>): Promise<string[]> {
  const created: string[] = [];
  for (const [table, spec] of Object.entries(tables) as [TableName, (typeof tables)[TableName]][]) {
    const TableName = names[table];
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    const keys = new Set<string>();
    const indexes = Object.values(spec.indexes) as KeySpec[];
    for (const k of [spec, ...indexes]) {
      keys.add(k.partitionKey);
      if (k.sortKey) keys.add(k.sortKey);
    }
    const AttributeDefinitions: AttributeDefinition[] = [...keys].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions,
        KeySchema: keySchema(spec),
        ...(indexes.length
          ? {
              GlobalSecondaryIndexes: Object.entries(spec.indexes).map(([IndexName, k]) => ({
                IndexName,
                KeySchema: keySchema(k as KeySpec),
                Projection: { ProjectionType: 'ALL' },
              })),
            }
          : {}),
      }),
    );
    created.push(TableName);
  }
  // dynalite reports a new table CREATING for a moment and refuses writes until it is ACTIVE.
  for (const TableName of created) await waitUntilActive(client, TableName);
  return created;
}

async function waitUntilActive(client: DynamoDBClient, TableName: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`table ${TableName} did not become ACTIVE`);
}
