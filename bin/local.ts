#!/usr/bin/env -S npx tsx
// `npm start`: the whole system on this machine (see lib/local/runner.ts). Entry point only.
import { DEFAULT_DATA_DIR, DEFAULT_PORT } from '../lib/local/defaults.js';
import { describeLocal } from '../lib/local/banner.js';
import { cardMediaService, MEDIA_UPLOAD_PATH, mediaUploadRoute } from '../lib/local/card-media.js';
import { graphService, sandboxControlRoutes } from '../lib/local/graph-service.js';
import { wazzupControlRoutes, wazzupService } from '../lib/local/wazzup-service.js';
import { localInfoRoute } from '../lib/local/local-info.js';
import { queueServices } from '../lib/local/queue-poller.js';
import { installLogFormat } from '../lib/local/log-format.js';
import { startLocal } from '../lib/local/runner.js';
import { StartupError } from '../lib/local/startup-error.js';
import { useEnvAliases } from '../lib/env-aliases.js';

/** A setting or a resource the user has to fix: one line, no stack trace. */
function refuse(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

// The seeds' variable names (WHATSAPP_PHONE_ID, WAZZUP24_API_KEY, ...) are read as ours; two values for one setting stop here.
const refused = useEnvAliases();
if (refused !== undefined) process.exit(refused);

// Every handler call is its own invocation in Lambda's invoke store (lib/local/invocation.ts): Powertools then keeps
// correlation keys per invocation, as in Lambda's multi-concurrency mode.
process.env['AWS_LAMBDA_MAX_CONCURRENCY'] ??= '1000';

const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) refuse(`PORT must be a port number, got "${process.env.PORT}"`);
try {
  installLogFormat(process.env);
} catch (error) {
  refuse((error as Error).message);
}
// Snapshot first: startLocal fills in defaults, and the banner tells apart what the user set.
const userEnv = { ...process.env };
const graph = graphService(userEnv);
const wazzup = wazzupService(userEnv);
// The card media bucket lives in fauxqs and must exist before the pollers load the card worker.
const [fauxqs, ...pollers] = queueServices();
const stack = await startLocal({
  port,
  dataDir: process.env.DATA_DIR || DEFAULT_DATA_DIR,
  host: process.env.HOST || undefined,
  // The Graph and Wazzup24 sandboxes (or the real APIs), then fauxqs with a poller per queue calling its consumer.
  services: [graph, wazzup, ...(fauxqs ? [fauxqs] : []), cardMediaService(), ...pollers],
  localRoutes: {
    [`POST ${MEDIA_UPLOAD_PATH}`]: mediaUploadRoute(() => graph.sandbox),
    ...sandboxControlRoutes(() => graph.sandbox),
    ...wazzupControlRoutes(() => wazzup.sandbox),
    ...localInfoRoute({ graph: () => graph.sandbox, wazzup: () => wazzup.sandbox, userEnv }),
  },
}).catch((error: unknown) => {
  if (error instanceof StartupError) refuse(error.message);
  throw error;
});
console.log(describeLocal(stack, userEnv));

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(130);
    closing = true;
    console.log('\nstopping…');
    stack.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
