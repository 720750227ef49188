// The Lambda handler of every function of resources.ts, loaded lazily (after the runner has set the
// environment they read at module load). Typed by resources.ts: a routed function or a queue consumer added
// there without a line here fails the type check instead of 404ing (or never consuming) at run time.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueName, queues, routes } from '../resources.js';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** Functions behind a route of resources.ts. */
export type RoutedFunction = (typeof routes)[number]['function'];
/** Functions that consume a queue of resources.ts. */
export type QueueConsumer = (typeof queues)[QueueName]['consumer'];

export const httpHandlers: Record<RoutedFunction, () => Promise<{ handler: HttpHandler }>> = {
  webhook: () => import('../../lambdas/handlers/webhook.js'),
  wazzupWebhook: () => import('../../lambdas/handlers/wazzup-webhook.js'),
  adminApi: () => import('../../lambdas/handlers/admin-api.js'),
  sendApi: () => import('../../lambdas/handlers/send-api.js'),
  diagnose: () => import('../../lambdas/handlers/diagnose.js'),
  contactsApi: () => import('../../lambdas/handlers/contacts-api.js'),
  usersApi: () => import('../../lambdas/handlers/users-api.js'),
  statusApi: () => import('../../lambdas/handlers/status-api.js'),
};

/** Called by the local queue pollers (lib/local/queue-poller.ts) with SQS events, as Lambda's event source would. */
export const queueHandlers: Record<QueueConsumer, () => Promise<{ handler: QueueHandler }>> = {
  sender: () => import('../../lambdas/handlers/sender.js'),
  // The same handler factory as the Lambda, with the local engines (sharp QR pipeline, tesseract or Textract by OCR_ENGINE).
  cardWorker: () => import('./card-worker.js'),
};
