// The one DynamoDB document client of a container. The endpoint comes from the SDK's standard
// AWS_ENDPOINT_URL_DYNAMODB variable, which the local runner points at dynalite.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLIENT_LIMITS, sdkClientLimits } from '../runtime/client-limits.js';

/** How every item is marshalled: absent fields are left out, empty strings stored as they are. */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertEmptyValues: false } as const;

export function createDocumentClient(): DynamoDBDocumentClient {
  // Fail a stuck call well inside the Lambda timeout so the handler can still answer 500 (and Meta retries).
  const client = new DynamoDBClient(sdkClientLimits(CLIENT_LIMITS.dynamodb));
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: MARSHALL_OPTIONS,
  });
}

export const dynamo = createDocumentClient();

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** DynamoDB's refusal of an item over 400 KB: the same write fails however often it is retried. */
export function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && /item size/i.test(error.message);
}
