// Which exit code a failed Graph or Wazzup24 call means: the service answered and refused (1), or it could not
// be asked at all, a missing setting or no connection (2, a configuration error).
import type { FetchFailure } from '../../lambdas/domain/diagnose/diagnose.js';
import { EXIT } from './exit-codes.js';

/** failureOf() gives code -1 when there was no Graph answer: a network error or a setting that is missing. */
export function graphFailureExit(failure: FetchFailure): number {
  return failure.code === -1 ? EXIT.usage : EXIT.failed;
}
