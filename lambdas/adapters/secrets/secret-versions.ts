// The rotation's view of a secret's versions, over Secrets Manager. Calls and arguments follow AWS's rotation
// template exactly (DescribeSecret, GetSecretValue by stage and version, PutSecretValue with the
// ClientRequestToken, UpdateSecretVersionStage), so the unit of idempotency is Secrets Manager's own.
import { CLIENT_LIMITS, sdkClientLimits } from '../runtime/client-limits.js';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretVersionStore, StoredVersion } from '../../domain/token/token-rotation.js';

export function createSecretVersionStore(client: SecretsManagerClient = new SecretsManagerClient(sdkClientLimits(CLIENT_LIMITS.secretsManager))): SecretVersionStore {
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return { rotationEnabled: out.RotationEnabled === true, versions: out.VersionIdsToStages ?? {} };
    },

    async get(secretId, select) {
      try {
        const out = await client.send(
          new GetSecretValueCommand({ SecretId: secretId, VersionStage: select.stage, ...(select.versionId ? { VersionId: select.versionId } : {}) }),
        );
        if (out.SecretString === undefined || out.VersionId === undefined) return undefined;
        const version: StoredVersion = { value: out.SecretString, versionId: out.VersionId };
        if (out.CreatedDate) version.createdAt = out.CreatedDate;
        return version;
      } catch (error) {
        // The stage is on no version, or the version has no value yet: both mean "not there".
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },

    async putPending(secretId, versionId, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: versionId, SecretString: value, VersionStages: ['AWSPENDING'] }));
    },

    async promote(secretId, versionId, fromVersionId) {
      await client.send(
        new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: versionId, RemoveFromVersionId: fromVersionId }),
      );
    },
  };
}
