/** A text tagged with the run's time, so a repeated e2e run against kept data never matches an older send. */
export function wazzupTextLimitSafe(text: string): string {
  return `${text} (${new Date().toISOString()})`;
}
