// Synthesizes the stack for infra tests without running esbuild (`aws:cdk:bundling-stacks: []`): the
// handler entries must exist, but nothing is bundled, so a test takes seconds, not minutes.
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ResourceModel } from '../../lib/constructs/resource-model.js';
import { addComplianceChecks, STACK_NAME, WhatsAppBusinessStack } from '../../lib/stack.js';

export interface SynthOptions {
  /** Extra context, e.g. `{ phoneNumberId: '123' }`. */
  readonly context?: Record<string, unknown>;
  /** A variant of resources.ts. */
  readonly resources?: ResourceModel;
  /** Register cdk-nag's AwsSolutions pack before synth (as bin/app.ts does). */
  readonly compliance?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: WhatsAppBusinessStack;
  readonly template: Template;
}

export function newTestApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

export function synthStack(options: SynthOptions = {}): Synthesized {
  const app = newTestApp(options.context);
  const stack = new WhatsAppBusinessStack(app, STACK_NAME, options.resources ? { resources: options.resources } : {});
  if (options.compliance) addComplianceChecks(app);
  const template = Template.fromStack(stack);
  return { app, stack, template };
}

// Readers over a synthesized template, shared by the infra tests.

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }>;

export function resources(template: Template): Resources {
  return (template.toJSON() as { Resources: Resources }).Resources;
}

export function logicalId(stack: WhatsAppBusinessStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every statement of the function's execution role (its DefaultPolicy plus any other attached policy). */
export function roleStatements(template: Template, stack: WhatsAppBusinessStack, functionName: string): Statement[] {
  const fn = stack.functions.get(functionName);
  if (!fn) throw new Error(`no function ${functionName}`);
  const roleId = logicalId(stack, fn.role);
  const statements: Statement[] = [];
  for (const resource of Object.values(resources(template))) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties?.['Roles'] as Array<{ Ref?: string }>;
    if (!roles.some((r) => r.Ref === roleId)) continue;
    const doc = resource.Properties?.['PolicyDocument'] as { Statement: Statement[] };
    statements.push(...doc.Statement);
  }
  return statements;
}

/** Logical ids a CloudFormation value refers to through Ref or Fn::GetAtt, at any depth. */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'Ref' && typeof inner === 'string') ids.add(inner);
        else if (k === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') ids.add(inner[0]);
        else walk(inner);
      }
    }
  };
  walk(value);
  return ids;
}
