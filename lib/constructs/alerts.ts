import { contextString } from './context.js';
import { Names, Stack } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { SnsTopic, type SnsTopicProps } from 'aws-cdk-lib/aws-events-targets';
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
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Error(`context alarmEmail must be an email address, got "${email}"`);
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
    // publish as services, so the key must let them, each only for its own resources in this account and region
    // (aws:SourceAccount and aws:SourceArn: another account's alarm or rule cannot use the key through them).
    const { account, region, partition } = Stack.of(this);
    const sources: Record<string, string> = {
      'cloudwatch.amazonaws.com': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
      // The rule's own ARN cannot be named here: the rule targets the topic, the topic uses this key (a cycle).
      'events.amazonaws.com': `arn:${partition}:events:${region}:${account}:rule/*`,
    };
    for (const [service, sourceArn] of Object.entries(sources)) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
        }),
      );
    }
    this.topic = new Topic(this, 'Topic', {
      displayName: 'WhatsApp Business alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /**
   * An EventBridge target publishing `rule`'s events to the topic. CDK's own SnsTopic target would grant
   * events.amazonaws.com the topic and the key with no condition; here the target sees the topic by ARN only
   * (so it grants nothing) and the topic policy lets EventBridge publish for this one rule of this account.
   */
  public eventTarget(rule: Rule, props: Omit<SnsTopicProps, 'authorizeUsingRole' | 'role'> = {}): SnsTopic {
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    const byArn = Topic.fromTopicArn(this, `Target${Names.nodeUniqueId(rule.node)}`, this.topic.topicArn);
    return new SnsTopic(byArn, props);
  }

  /** Sends the alarm's ALARM and OK transitions to the topic. */
  public notify(alarm: AlarmBase): void {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
