// The origins of the sandboxes this process started (Graph, Wazzup24). They serve media from this machine, so
// the local card worker exempts exactly them from the public-address check on media links
// (lambdas/adapters/runtime/public-fetch.ts); nothing in the Lambda code knows about local mode.
const origins = new Set<string>();

export function registerSandboxOrigin(url: string): void {
  origins.add(new URL(url).origin);
}

export function sandboxOrigins(): string[] {
  return [...origins];
}
