// `wa token status`: what debug_token says about WHATSAPP_ACCESS_TOKEN (validity, type, expiry, scopes, WABAs).
// `wa token rotate`: in AWS, starts Secrets Manager rotation of the access token secret (found from the
// stack's AccessTokenName output, or --secret-id); with --local, refreshes WHATSAPP_ACCESS_TOKEN against the
// configured Graph endpoint (GRAPH_BASE_URL, e.g. the sandbox) and prints the new expiry on stderr and the new
// token alone on stdout, so `token=$(npx wa token rotate --local) && export WHATSAPP_ACCESS_TOKEN=$token` works;
// a failure prints nothing on stdout and exits non-zero. With no WHATSAPP_ACCESS_TOKEN and no GRAPH_BASE_URL, the
// Graph sandbox of a running npm start is used (lib/cli/local-runner.ts).
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { assessToken, describeHealth } from '../../lambdas/domain/token/token-health.js';
import { failureOf } from '../../lambdas/adapters/meta/diagnose-facts.js';
import { metaConfigFromEnv } from '../../lambdas/adapters/meta/meta-config.js';
import { createTokenAuthority } from '../../lambdas/adapters/meta/token-authority.js';
import { AdminRequestError, stackOutput } from './admin-request.js';
import { parseCommand, usageError, type Flags } from './args.js';
import { EXIT } from './exit-codes.js';
import { graphFailureExit } from './failures.js';
import { withGraphSandbox } from './local-runner.js';

const USAGE = `usage:
  wa token status [--json]                      debug_token summary of WHATSAPP_ACCESS_TOKEN
  wa token rotate [--secret-id <id>] [--stack <name>]
                                                AWS: start Secrets Manager rotation of the access token secret
  wa token rotate --local                       refresh WHATSAPP_ACCESS_TOKEN (needs META_APP_ID and
                                                WHATSAPP_APP_SECRET); prints the new token alone on stdout
Graph is GRAPH_BASE_URL (default graph.facebook.com); with neither it nor WHATSAPP_ACCESS_TOKEN set, the Graph
sandbox of a running npm start and its local defaults. Exit code 1 when the token is invalid or lacks a scope.`;

const options = {
  json: { type: 'boolean', description: 'status: print the summary as one JSON document' },
  local: { type: 'boolean', description: 'rotate: refresh the token here against Graph instead of in AWS' },
  'secret-id': { type: 'string', value: '<id>', description: 'rotate: the secret to rotate (default the stack\'s AccessTokenName output)' },
  stack: { type: 'string', value: '<name>', description: 'rotate: the stack whose output names the secret (default WhatsAppBusiness)' },
} as const satisfies Flags;

/** The token authority of a shell: the app's credentials and Graph endpoint from the environment. */
export function localTokenAuthority(env: NodeJS.ProcessEnv) {
  const config = metaConfigFromEnv(env);
  return createTokenAuthority({
    graph: config.graph,
    appSecret: async () => {
      const secret = env['WHATSAPP_APP_SECRET']?.trim();
      if (!secret) throw new Error('WHATSAPP_APP_SECRET is not set');
      return secret;
    },
    ...(config.appId ? { appId: config.appId } : {}),
    ...(config.phoneNumberId ? { phoneNumberId: config.phoneNumberId } : {}),
  });
}

export interface TokenCommandDeps {
  env?: NodeJS.ProcessEnv;
  secretsManager?: Pick<SecretsManagerClient, 'send'>;
  cloudFormation?: Pick<CloudFormationClient, 'send'>;
}

export async function run(args: string[], deps: TokenCommandDeps = {}): Promise<number> {
  const given = deps.env ?? process.env;
  const parsed = parseCommand({ args, options, allowPositionals: true, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values: v, positionals } = parsed;
  const sub = positionals[0];
  if (sub !== 'status' && sub !== 'rotate') return usageError(sub ? `unknown subcommand "${sub}"` : 'say what to do: status or rotate', USAGE);
  if (positionals.length > 1) return usageError(`unexpected "${positionals.slice(1).join(' ')}"`, USAGE);
  try {
    if (sub === 'rotate' && !v.local) return await rotateInAws(deps, v['secret-id'], v.stack);
    const { env, missing } = await withGraphSandbox(given);
    if (!env['WHATSAPP_ACCESS_TOKEN']?.trim()) {
      console.error(`token ${sub}: WHATSAPP_ACCESS_TOKEN is not set${missing ? ` (${missing})` : ''}`);
      return EXIT.usage;
    }
    return sub === 'status' ? await status(env, v.json === true) : await rotateLocal(env);
  } catch (error) {
    const f = failureOf(error);
    console.error(`token ${sub}: ${f.message}${f.hint ? `\n  ${f.hint}` : ''}`);
    return error instanceof AdminRequestError ? EXIT.usage : graphFailureExit(f);
  }
}

function requireToken(env: NodeJS.ProcessEnv): string {
  return env['WHATSAPP_ACCESS_TOKEN']!.trim();
}

async function status(env: NodeJS.ProcessEnv, json: boolean): Promise<number> {
  const facts = await localTokenAuthority(env).inspect(requireToken(env));
  const health = assessToken(facts, new Date());
  if (json) {
    console.log(JSON.stringify({ ...health, expiresAt: health.expiresAt?.toISOString() ?? null, scopes: facts.scopes }, null, 2));
  } else {
    console.log(describeHealth(health));
    if (health.type) console.log(`type:   ${health.type}${health.shortLived ? ' (short-lived: expires within a day)' : ''}`);
    console.log(`scopes: ${facts.scopes.join(', ') || 'none'}`);
    console.log(`WABAs:  ${health.wabaIds.join(', ') || 'none listed'}`);
    if (health.missingScopes.length) console.log(`missing: ${health.missingScopes.join(', ')}`);
  }
  return health.valid && !health.missingScopes.length ? EXIT.done : EXIT.failed;
}

async function rotateLocal(env: NodeJS.ProcessEnv): Promise<number> {
  const authority = localTokenAuthority(env);
  const current = requireToken(env);
  const before = assessToken(await authority.inspect(current), new Date());
  if (!before.valid) {
    console.error(`cannot refresh: the ${describeHealth(before)}; only a valid token can be refreshed`);
    return EXIT.failed;
  }
  if (before.neverExpires) {
    console.error('the token never expires (debug_token expires_at 0): nothing to refresh');
    console.log(current);
    return EXIT.done;
  }
  const fresh = await authority.refresh(current);
  const after = assessToken(await authority.inspect(fresh.token), new Date());
  console.error(`new token: ${describeHealth(after)} (was: ${before.daysToExpiry} days left)`);
  if (!after.valid) {
    console.error('the refreshed token is not valid: nothing printed');
    return EXIT.failed;
  }
  console.log(fresh.token);
  return EXIT.done;
}

async function rotateInAws(deps: TokenCommandDeps, secretId: string | undefined, stackName: string | undefined): Promise<number> {
  const id =
    secretId ??
    (await stackOutput('AccessTokenName', {
      ...(stackName ? { stackName } : {}),
      ...(deps.cloudFormation ? { cloudFormation: deps.cloudFormation } : {}),
    }));
  const client = deps.secretsManager ?? new SecretsManagerClient({});
  const out = await client.send(new RotateSecretCommand({ SecretId: id }));
  console.log(`rotation of ${id} started (new version ${out.VersionId ?? 'unknown'}); \`npx wa diagnose --aws\` shows the token in use once it finishes`);
  return EXIT.done;
}
