// Comparing a presented secret (verify token, path secret, bearer key) with the configured one without
// leaking, through timing, how much of it matched or how long it is: both are hashed to 32 bytes first.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
