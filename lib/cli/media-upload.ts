// `wa send --file`: the file's type read from its content, Meta's limits checked before anything is uploaded,
// then `POST /{phone-number-id}/media` to the Graph API the send will go through: the local runner's (its sandbox,
// or the real Graph it talks to) or, for a deployed stack, Graph with the stack's access token.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GraphClient } from '../../lambdas/adapters/meta/graph-client.js';
import { checkUpload, formatBytes, MEDIA_LIMITS, type UploadKind } from '../../lambdas/domain/outbound/media-limits.js';
import { noMetrics } from '../../lambdas/domain/shared/metric-catalog.js';
import { GRAPH_INFO_PATH } from '../local/graph-service.js';
import { detectMediaType } from '../media-type.js';
import { adminRequest, isLoopback, stackOutput, type AdminOptions } from './admin-request.js';
import { UsageError } from './args.js';

/** Settings the upload needs and the environment or the stack does not give: exit code 2, like a usage error. */
export class ConfigError extends Error {}

export interface MediaFile {
  bytes: Uint8Array;
  mimeType: string;
  kind: UploadKind;
  filename: string;
}

const LARGEST = Math.max(...Object.values(MEDIA_LIMITS).map((l) => l.maxBytes));

/** Reads `path` and checks it is a file WhatsApp takes; a UsageError says why not. */
export async function readMediaFile(path: string): Promise<MediaFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`--file ${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--file ${path} cannot be read: ${(error as Error).message}`);
  }
  // Larger than anything WhatsApp takes: refused without reading it.
  if (size > LARGEST) throw new UsageError(`--file ${path} is ${formatBytes(size)}; WhatsApp takes files up to ${formatBytes(LARGEST)} (documents)`);
  const bytes = await readFile(path);
  const type = await detectMediaType(bytes, path);
  const checked = checkUpload(type, bytes.byteLength);
  if (!checked.ok) throw new UsageError(`--file ${path} cannot be sent: ${checked.reason}`);
  return { bytes, mimeType: checked.mimeType, kind: checked.kind, filename: basename(path) };
}

export interface UploadTarget {
  baseUrl: string;
  version?: string;
  token: string;
  phoneNumberId: string;
}

interface LocalGraphInfo {
  baseUrl?: string;
  version?: string;
  phoneNumberId?: string;
  accessToken?: string;
}

/** Where to upload: the Graph API and business number the admin target sends through. */
export async function uploadTarget(target: AdminOptions, phoneNumberId: string | undefined, env: NodeJS.ProcessEnv, secrets?: Pick<SecretsManagerClient, 'send'>): Promise<UploadTarget> {
  if (target.local || (target.api !== undefined && isLoopback(target.api))) {
    const res = await adminRequest('GET', GRAPH_INFO_PATH, target);
    if (res.status !== 200) throw new Error(`the local runner did not say which Graph API it uses (GET ${GRAPH_INFO_PATH} answered ${res.status})`);
    const info = res.body as LocalGraphInfo;
    const token = info.accessToken ?? env['WHATSAPP_ACCESS_TOKEN'];
    if (!token) throw new ConfigError('the local runner talks to the real Graph API: set WHATSAPP_ACCESS_TOKEN here too, to upload with it');
    const id = phoneNumberId ?? info.phoneNumberId;
    if (!id || !info.baseUrl) throw new ConfigError('the local runner has no business number configured (WHATSAPP_PHONE_NUMBER_ID): give --phone-number-id');
    return { baseUrl: info.baseUrl, token, phoneNumberId: id, ...(info.version ? { version: info.version } : {}) };
  }
  const id = phoneNumberId ?? env['WHATSAPP_PHONE_NUMBER_ID'] ?? env['PHONE_NUMBER_ID'];
  if (!id) throw new ConfigError('--file uploads to the business number the message goes from: give --phone-number-id (the stack\'s phoneNumberId) or set WHATSAPP_PHONE_NUMBER_ID');
  let token = env['WHATSAPP_ACCESS_TOKEN'];
  if (!token && target.api === undefined) {
    // The deployed stack's own token, read with the caller's AWS credentials (secretsmanager:GetSecretValue).
    const secretId = await stackOutput('AccessTokenName', target);
    const out = await (secrets ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: secretId }));
    token = out.SecretString?.trim();
  }
  if (!token) throw new ConfigError('--file needs the access token to upload with: set WHATSAPP_ACCESS_TOKEN (or use --aws to read the stack\'s secret)');
  const version = env['GRAPH_API_VERSION'];
  return { baseUrl: env['GRAPH_BASE_URL'] || 'https://graph.facebook.com', token, phoneNumberId: id, ...(version ? { version } : {}) };
}

/** `POST /{phone-number-id}/media`; a refusal throws the Graph client's GraphError (its code and hint). */
export async function uploadMedia(to: UploadTarget, file: MediaFile): Promise<{ id: string }> {
  const graph = new GraphClient({ baseUrl: to.baseUrl, ...(to.version ? { version: to.version } : {}), getToken: async () => to.token, metrics: noMetrics });
  return graph.uploadMedia(to.phoneNumberId, { bytes: file.bytes, mimeType: file.mimeType, filename: file.filename });
}
