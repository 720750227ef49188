// The card worker's time budget: everything one card job may wait on fits in the function's timeout, for a whole
// batch, so a slow dependency fails the job (retried by the queue) instead of timing the invocation out mid-job.
import { describe, expect, it } from 'vitest';
import { S3_TIMEOUTS_MS } from '../../lambdas/adapters/cards/media-store.js';
import { TEXTRACT_LIMITS, textractClient } from '../../lambdas/adapters/cards/ocr-textract.js';
import { CARD_JOB_TIMEOUTS_MS } from '../../lambdas/handlers/card-batch.js';
import { functions, queues } from '../../lib/resources.js';

describe('card worker time budget', () => {
  it('the downstream timeouts of a batch sum to less than the function timeout', () => {
    const perJob = Object.values(CARD_JOB_TIMEOUTS_MS).reduce((a, b) => a + b, 0);
    expect(perJob * queues.card.batchSize).toBeLessThan(functions.cardWorker.timeoutSeconds * 1000);
  });

  it('counts the S3 and Textract limits the clients are built with, every Textract attempt included', async () => {
    expect(await textractClient().config.maxAttempts()).toBe(TEXTRACT_LIMITS.maxAttempts);
    expect(CARD_JOB_TIMEOUTS_MS.s3).toBe(S3_TIMEOUTS_MS.connection + S3_TIMEOUTS_MS.request);
    expect(CARD_JOB_TIMEOUTS_MS.textract).toBe(TEXTRACT_LIMITS.maxAttempts * (TEXTRACT_LIMITS.connectionMs + TEXTRACT_LIMITS.requestMs));
  });
});
