// Each function's worst case downstream, against its timeout in lib/resources.ts (test/infra/timeouts.test.ts
// checks every function of the synthesized template): the sum must stay under the timeout, so a stalled
// dependency ends as a handled failure (a 500 Meta retries, a job the queue retries) instead of a Lambda timeout.
//
// How a path is counted: each dependency the function waits on, one after another, at its worst call
// (lambdas/adapters/runtime/client-limits.ts: every attempt running to its timeouts). A dependency appears once
// when a stall ends the invocation (the first call to a stalled DynamoDB fails the request), and as many times
// as the code deliberately calls it again after an answer: a Graph call repeated after a 190 (token re-read), a
// media URL looked up again and downloaded again after a 404. Calls made in parallel count once.
import { CLIENT_LIMITS, worstCallMs, type Downstream } from '../lambdas/adapters/runtime/client-limits.js';
import type { FunctionName } from './resources.js';

export type BudgetPath = Partial<Record<Downstream, number>>;

export const timeoutBudgets: Record<FunctionName, Record<string, BudgetPath>> = {
  webhook: { delivery: { secretsManager: 1, dynamodb: 1, sqs: 1 } },
  wazzupWebhook: { delivery: { secretsManager: 1, dynamodb: 1, sqs: 1 } },
  adminApi: { read: { dynamodb: 1 } },
  contactsApi: { read: { dynamodb: 1 } },
  usersApi: { write: { dynamodb: 1 } },
  // The parts are read in parallel: queue attributes, debug_token (the token itself), the heartbeat item, Wazzup24's channels.
  statusApi: { status: { secretsManager: 1, graph: 1, sqs: 1, dynamodb: 1, wazzup: 1 } },
  // One rotation step per invocation; testSecret is the longest: debug_token, then a phone number read.
  tokenRotation: { testSecret: { secretsManager: 1, graph: 2 } },
  tokenWatch: { debugThenRevoke: { secretsManager: 1, graph: 2 } },
  // Checks run in parallel; Graph's may repeat once after a 190.
  diagnose: { checks: { secretsManager: 1, graph: 2, wazzup: 1 } },
  sender: { meta: { secretsManager: 1, dynamodb: 1, graph: 2, sqs: 1 }, wazzup: { secretsManager: 1, dynamodb: 1, wazzup: 1, sqs: 1 } },
  sendApi: { meta: { secretsManager: 1, dynamodb: 1, graph: 2 }, wazzup: { secretsManager: 1, dynamodb: 1, wazzup: 1 } },
  // Meta: media lookup and download, both again when the URL expired (404); S3 put; tesseract.js, then Textract on
  // the object (OCR_ENGINE=auto asks Textract after a weak Latin read).
  cardWorker: {
    meta: { secretsManager: 1, dynamodb: 1, graph: 2, media: 2, s3: 1, tesseract: 1, textract: 1, sqs: 1 },
    wazzup: { dynamodb: 1, media: 1, s3: 1, tesseract: 1, textract: 1, sqs: 1 },
  },
};

export function pathMs(path: BudgetPath): number {
  return Object.entries(path).reduce((sum, [dep, times]) => sum + (times ?? 0) * worstCallMs(CLIENT_LIMITS[dep as Downstream]), 0);
}
