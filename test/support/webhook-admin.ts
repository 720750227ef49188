// The webhook and admin Lambdas' real handlers on a private dynalite; imported only after the store is up, as
// the handlers read their table names from the environment at module load.
import type { HttpHandler } from '../../lib/local/handlers.js';
import { startTestDynamo, type TestDynamo } from './dynalite.js';

export async function startWebhookAndAdmin(): Promise<{ db: TestDynamo; webhook: HttpHandler; admin: HttpHandler }> {
  const db = await startTestDynamo();
  const webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  const admin = (await import('../../lambdas/handlers/admin-api.js')).handler;
  return { db, webhook, admin };
}
