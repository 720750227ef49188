// Secrets Manager's version bookkeeping (staging labels, ResourceNotFoundException for a stage or version
// without a value), behind aws-sdk-client-mock: there is no local Secrets Manager to run. The rotation tests
// drive the real rotation code through it and assert every command it received.
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

export interface VersionState {
  value?: string;
  stages: Set<string>;
  createdAt: Date;
}

export interface SecretsManagerVersions {
  client: SecretsManagerClient;
  mock: AwsStub<any, any, any>;
  arn: string;
  versions: Map<string, VersionState>;
  /** What RotateSecret does before invoking createSecret: a new version id holding only the AWSPENDING label. */
  startRotation(versionId: string): void;
  /** put-secret-value by an operator: a new AWSCURRENT version, the old one becomes AWSPREVIOUS. */
  putCurrent(versionId: string, value: string, createdAt?: Date): void;
  current(): string | undefined;
}

const notFound = (message: string) => new ResourceNotFoundException({ message, $metadata: {} });

export function secretsManagerVersions(arn: string, now: () => Date = () => new Date()): SecretsManagerVersions {
  const client = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  const versions = new Map<string, VersionState>();

  const moveLabel = (label: string, to: string | undefined) => {
    for (const v of versions.values()) v.stages.delete(label);
    if (to !== undefined) versions.get(to)?.stages.add(label);
  };
  const withLabel = (label: string) => [...versions.entries()].find(([, v]) => v.stages.has(label))?.[0];
  const checkId = (id: unknown) => {
    if (id !== arn) throw notFound(`Secrets Manager can't find the specified secret ${String(id)}.`);
  };

  mock.on(DescribeSecretCommand).callsFake((input: { SecretId: string }) => {
    checkId(input.SecretId);
    const map: Record<string, string[]> = {};
    for (const [id, v] of versions) if (v.stages.size) map[id] = [...v.stages];
    return { ARN: arn, RotationEnabled: true, VersionIdsToStages: map };
  });
  mock.on(GetSecretValueCommand).callsFake((input: { SecretId: string; VersionId?: string; VersionStage?: string }) => {
    checkId(input.SecretId);
    const stage = input.VersionStage ?? 'AWSCURRENT';
    const id = input.VersionId ?? withLabel(stage);
    const v = id !== undefined ? versions.get(id) : undefined;
    if (!v || !v.stages.has(stage) || v.value === undefined) {
      throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    return { ARN: arn, VersionId: id, SecretString: v.value, VersionStages: [...v.stages], CreatedDate: v.createdAt };
  });
  mock.on(PutSecretValueCommand).callsFake((input: { SecretId: string; ClientRequestToken: string; SecretString: string; VersionStages?: string[] }) => {
    checkId(input.SecretId);
    const existing = versions.get(input.ClientRequestToken);
    if (existing?.value !== undefined && existing.value !== input.SecretString) {
      throw new Error('ResourceExistsException: a version with this ClientRequestToken already exists with a different value');
    }
    const v = existing ?? { stages: new Set<string>(), createdAt: now() };
    v.value = input.SecretString;
    versions.set(input.ClientRequestToken, v);
    for (const label of input.VersionStages ?? ['AWSCURRENT']) moveLabel(label, input.ClientRequestToken);
    return { ARN: arn, VersionId: input.ClientRequestToken, VersionStages: [...v.stages] };
  });
  mock.on(UpdateSecretVersionStageCommand).callsFake(
    (input: { SecretId: string; VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      checkId(input.SecretId);
      const holder = withLabel(input.VersionStage);
      if (holder !== undefined && holder !== input.RemoveFromVersionId) {
        throw new Error(`InvalidParameterException: ${input.VersionStage} is on ${holder}, not on RemoveFromVersionId`);
      }
      if (input.MoveToVersionId && !versions.has(input.MoveToVersionId)) throw notFound('no such version');
      moveLabel(input.VersionStage, input.MoveToVersionId);
      if (input.VersionStage === 'AWSCURRENT' && input.RemoveFromVersionId) moveLabel('AWSPREVIOUS', input.RemoveFromVersionId);
      return { ARN: arn };
    },
  );

  return {
    client,
    mock,
    arn,
    versions,
    startRotation(versionId) {
      moveLabel('AWSPENDING', undefined);
      versions.set(versionId, { stages: new Set(['AWSPENDING']), createdAt: now() });
    },
    putCurrent(versionId, value, createdAt = now()) {
      const previous = withLabel('AWSCURRENT');
      versions.set(versionId, { value, stages: new Set(), createdAt });
      moveLabel('AWSCURRENT', versionId);
      if (previous !== undefined) moveLabel('AWSPREVIOUS', previous);
    },
    current() {
      const id = withLabel('AWSCURRENT');
      return id !== undefined ? versions.get(id)?.value : undefined;
    },
  };
}
