// Calls an admin route of the deployed (or local) API. In AWS the routes are IAM-authorised, so requests are
// SigV4-signed for execute-api with the caller's AWS credentials (the usual provider chain: env, profile,
// SSO...). Locally (`--local`, or an --api URL on 127.0.0.1/localhost) the local runner wants
// `Authorization: Bearer $ADMIN_TOKEN`. The API URL comes from --api, or the stack's ApiUrl output.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, SourceData } from '@smithy/types';
import { localSettings } from '../local/defaults.js';
import { cannotConnect, describeAddress, localAddress, type LocalAddress } from './local-runner.js';
import { isLoopback } from './loopback.js';

export { isLoopback };

export const STACK_NAME = 'WhatsAppBusiness';

export interface AdminTarget {
  /** Base URL without a trailing slash. */
  url: string;
  auth: 'sigv4' | 'bearer';
}

export interface AdminOptions {
  /** --api <url> */
  api?: string;
  /** --local: the local runner at $WA_API or 127.0.0.1:$PORT (lib/cli/local-runner.ts) */
  local?: boolean;
  /** No target was named and no local runner answered here: the stack's error says so. */
  triedLocal?: LocalAddress;
  stackName?: string;
  env?: NodeJS.ProcessEnv;
  cloudFormation?: Pick<CloudFormationClient, 'send'>;
  credentials?: AwsCredentialIdentityProvider;
  fetch?: typeof fetch;
}

export interface AdminResponse {
  status: number;
  body: unknown;
}

export class AdminRequestError extends Error {
  override readonly name = 'AdminRequestError';
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** node:crypto behind the hash interface SignatureV4 expects (what @smithy/hash-node does). */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** The stack output `name` (ApiUrl, AccessTokenName...) of the deployed stack. */
export async function stackOutput(name: string, opts: Pick<AdminOptions, 'stackName' | 'cloudFormation' | 'triedLocal'> = {}): Promise<string> {
  const stackName = opts.stackName ?? STACK_NAME;
  const client = opts.cloudFormation ?? new CloudFormationClient({});
  let outputs;
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = out.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    const local = opts.triedLocal ? `no local runner answered at ${describeAddress(opts.triedLocal)}, and ` : '';
    throw new AdminRequestError(`${local}cannot read the outputs of stack ${stackName}: ${(error as Error).message} (deployed? right region and credentials? or pass --api / --local)`);
  }
  const value = outputs.find((o) => o.OutputKey === name)?.OutputValue;
  if (!value) throw new AdminRequestError(`stack ${stackName} has no output ${name}`);
  return value;
}

export async function resolveAdminTarget(opts: AdminOptions = {}): Promise<AdminTarget> {
  if (opts.api) {
    const url = opts.api.replace(/\/+$/, '');
    if (!/^https?:\/\//.test(url)) throw new AdminRequestError(`--api must be an http(s) URL, got "${opts.api}"`);
    return { url, auth: isLoopback(url) ? 'bearer' : 'sigv4' };
  }
  if (opts.local) return { url: localAddress(opts.env ?? process.env).url, auth: 'bearer' };
  return { url: (await stackOutput('ApiUrl', opts)).replace(/\/+$/, ''), auth: 'sigv4' };
}

function regionOf(url: URL, env: NodeJS.ProcessEnv): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1];
  const region = fromHost ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (!region) throw new AdminRequestError('cannot tell the AWS region: set AWS_REGION');
  return region;
}

/** Signs (or adds the bearer token to) one request and sends it; the body is JSON in and out. */
export async function adminRequest(
  method: 'GET' | 'POST',
  path: string,
  opts: AdminOptions & { body?: unknown; /** Extra request headers (signed too), e.g. Idempotency-Key. */ headers?: Record<string, string> } = {},
): Promise<AdminResponse> {
  const env = opts.env ?? process.env;
  const target = await resolveAdminTarget(opts);
  const url = new URL(`${target.url}${path.startsWith('/') ? path : `/${path}`}`);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  let headers: Record<string, string> = {
    accept: 'application/json',
    ...(opts.headers ?? {}),
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
  };

  if (target.auth === 'bearer') {
    headers['authorization'] = `Bearer ${localSettings(env).ADMIN_TOKEN}`;
  } else {
    const signer = new SignatureV4({
      service: 'execute-api',
      region: regionOf(url, env),
      credentials: opts.credentials ?? fromNodeProviderChain(),
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      ...(body !== undefined ? { body } : {}),
    });
    // fetch sets Host itself, from the same URL.
    headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'));
  }

  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  } catch (error) {
    throw new AdminRequestError(cannotConnect(url, error, opts.local ? localAddress(env) : undefined));
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text: an HTML error page from a proxy is still worth showing
  }
  return { status: res.status, body: parsed };
}
