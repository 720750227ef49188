// Secrets Manager invokes this once per rotation step (createSecret, setSecret, testSecret, finishSecret) for
// the access token secret. Thin: check the event, run the step, let a failure throw so Secrets Manager marks
// the rotation failed (which the alarms report).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { isRotationStep, runRotationStep, type RotationDeps, type RotationOutcome } from '../domain/token/token-rotation.js';
import { lambdaEntry } from '../adapters/runtime/lambda-entry.js';
import { correlationKeys, logger } from '../adapters/runtime/logger.js';
import { metricsMiddleware } from '../adapters/runtime/metrics.js';
import { createSecretVersionStore } from '../adapters/secrets/secret-versions.js';
import { tokenAuthorityFromEnv } from '../adapters/meta/token-authority.js';

export class InvalidRotationEvent extends Error {
  override readonly name = 'InvalidRotationEvent';
}

export function createRotationHandler(deps: RotationDeps): (event: SecretsManagerRotationEvent) => Promise<RotationOutcome> {
  return async (event) => {
    const step: unknown = event?.Step;
    if (!isRotationStep(step)) throw new InvalidRotationEvent(`unknown rotation step ${JSON.stringify(step)}`);
    if (typeof event.SecretId !== 'string' || !event.SecretId) throw new InvalidRotationEvent('SecretId is missing');
    if (typeof event.ClientRequestToken !== 'string' || !event.ClientRequestToken) throw new InvalidRotationEvent('ClientRequestToken is missing');
    const outcome = await runRotationStep({ step, secretId: event.SecretId, clientRequestToken: event.ClientRequestToken }, deps);
    deps.log.info('rotation step done', { step, outcome });
    return outcome;
  };
}

function defaultDeps(): RotationDeps {
  return {
    store: createSecretVersionStore(),
    authority: tokenAuthorityFromEnv(),
    log: { info: (m, e) => logger.info(m, e ?? {}), warn: (m, e) => logger.warn(m, e ?? {}) },
  };
}

const rotate = createRotationHandler(defaultDeps());

// Secrets Manager only looks at success or failure; the outcome is for the log.
export const handler = lambdaEntry(
  middy(async (event: SecretsManagerRotationEvent): Promise<void> => {
    await rotate(event);
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationKeys())
    .use(metricsMiddleware()),
);
