import { Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { SecretSpec } from './resource-model.js';

export interface AppSecretProps {
  readonly spec: SecretSpec;
  /**
   * Why this secret has no rotation schedule: cdk-nag's AwsSolutions-SMG4 is acknowledged with exactly this
   * reason. Omitted for a secret a rotation Lambda manages (the access token, lib/constructs/token-lifecycle.ts).
   */
  readonly notRotatedBecause?: string;
}

/**
 * One Secrets Manager secret from a resources.ts declaration. Its value never appears in the template:
 * `generate` lets Secrets Manager create a random value; `placeholder` creates the secret with no value
 * at all (no version), so nothing fake can be mistaken for a real credential. The operator stores the
 * real value after deploy with `aws secretsmanager put-secret-value`.
 */
export class AppSecret extends Construct {
  public readonly secret: Secret;
  public readonly spec: SecretSpec;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    this.spec = props.spec;
    this.secret = new Secret(this, 'Secret', {
      description: props.spec.description,
      ...(props.spec.initial === 'generate'
        ? {
            // Alphanumeric only: the verify token is pasted into Meta's dashboard and sent back in a query string.
            generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
          }
        : {}),
    });
    if (props.spec.initial === 'placeholder') {
      // The L2 always adds a GenerateSecretString when no value is given; without either property
      // CloudFormation creates an empty secret, which is what a placeholder should be.
      (this.secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    }
    if (props.notRotatedBecause) Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.notRotatedBecause });
  }
}
