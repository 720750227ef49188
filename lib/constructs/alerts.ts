import { contextString, ContextError } from './context.js';
import { Stack } from 'aws-cdk-lib';
import type { AlarmBase } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, type IConstruct } from 'constructs';

export interface AlertsProps {
  /** Subscribed by email (context `alarmEmail`); AWS mails a confirmation link first. */
  readonly email?: string;
}

/** The context parameter `alarmEmail`, checked: a typo should fail synth, not silently mail nobody. */
export function alarmEmailFromContext(scope: IConstruct): string | undefined {
  const email = contextString(scope, 'alarmEmail');
  if (email === undefined) return undefined;
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new ContextError(`context alarmEmail must be an email address, got "${email}"`);
  return email;
}

/**
 * The one SNS topic every alarm of the system notifies: encrypted with its own KMS key (rotated yearly;
 * CloudWatch and EventBridge may use it to publish), TLS-only, with an optional email subscription.
 * `notify(alarm)` wires an alarm to it; other constructs add their alarms the same way.
 */
export class Alerts extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the WhatsApp Business alerts topic',
      enableKeyRotation: true,
    });
    // An encrypted topic only receives what its publishers can encrypt: CloudWatch alarms and EventBridge rules
    // publish as services, so the key must let them, and only on behalf of this account.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com'), new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'WhatsApp Business alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** Sends the alarm's ALARM and OK transitions to the topic. */
  public notify(alarm: AlarmBase): void {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
