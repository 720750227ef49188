// What the ingest of a delivery writes to, from the function's environment: the two tables, the archive of
// quarantined deliveries and account events, and the queues that take the work a message asks for.
// Shared by both webhook Lambdas (Meta, Wazzup24), which store into the same model.
import { queues } from '../../../lib/resources.js';
import type { IngestDeps } from '../../domain/inbound/ingest.js';
import { cardQueueFromEnv } from '../queues/card-queue.js';
import { createContactStore } from './contact-store.js';
import { createDeliveryArchive } from './delivery-archive.js';
import { createInboundHeartbeat } from './inbound-heartbeat.js';
import { dynamo } from './dynamo-client.js';
import { optionalEnv, tableNameFromEnv } from '../runtime/env.js';
import { logger } from '../runtime/logger.js';
import { createMessageStore } from './message-store.js';
import { createJobQueue, createWorkSink } from '../queues/outbound-queue.js';

export type IngestStores = Omit<IngestDeps, 'now' | 'concurrency' | 'metrics'>;

export function ingestStoresFromEnv(): IngestStores {
  const messagesTable = tableNameFromEnv('messages');
  // The stack always sets the queue URL; without it (handler tests of storage alone) nothing is enqueued.
  const outboundUrl = optionalEnv(queues.outbound.envVar);
  if (!outboundUrl) logger.warn(`${queues.outbound.envVar} is not set: bot commands will be stored but not answered`);
  // Card jobs (images, image/PDF documents) go to the card queue when the stack declares it for this function.
  const card = cardQueueFromEnv();
  return {
    contacts: createContactStore(dynamo, tableNameFromEnv('contacts')),
    messages: createMessageStore(dynamo, messagesTable),
    archive: createDeliveryArchive(dynamo, messagesTable),
    heartbeat: createInboundHeartbeat(dynamo, messagesTable),
    ...(outboundUrl
      ? { work: createWorkSink({ outbound: createJobQueue(outboundUrl), ...(card ? { card } : {}), warn: (m, f) => logger.warn(m, f) }) }
      : {}),
  };
}
