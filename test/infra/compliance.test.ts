// cdk-nag 3 runs as a CDK policy-validation plugin: a synth with an error-level finding throws
// ValidationFailed and writes validation-report.json into the cloud assembly.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Stack, Validations } from 'aws-cdk-lib';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks, type NagPack } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { addComplianceChecks, PROJECT_ROOT, STACK_NAME } from '../../lib/stack.js';
import { newTestApp, synthStack } from '../support/synth.js';

interface Finding {
  readonly rule: string;
  readonly path: string;
}

function findings(report: ReturnType<NagPack['validateScope']>): Finding[] {
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({ rule: v.ruleName, path: r.constructPath ?? '' })));
}

const packs = (): NagPack[] => [new AwsSolutionsChecks(), new ServerlessChecks()];

describe('cdk-nag AwsSolutions and Serverless', () => {
  it('the stack synthesizes with both packs registered and has zero findings of any severity', () => {
    const { app } = synthStack({ compliance: true });
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ summary?: { status?: string }; violations?: unknown[] }>;
    };
    // A clean run reports no plugin at all; the "is live" case below proves both packs are registered.
    for (const plugin of report.pluginReports) expect(plugin.violations ?? []).toEqual([]);
    for (const pack of packs()) expect(findings(pack.validateScope(app))).toEqual([]);
  }, 60_000);

  it('with tracing=active as well: zero findings', () => {
    const { app } = synthStack({ compliance: true, context: { tracing: 'active' } });
    app.synth();
    for (const pack of packs()) expect(findings(pack.validateScope(app))).toEqual([]);
  }, 120_000);

  it('is live: a non-compliant resource in a checked app fails synth, for each pack', () => {
    const app = newTestApp();
    const stack = new Stack(app, 'Canary');
    new Table(stack, 'NoRecovery', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new Queue(stack, 'NoRedrive', { enforceSSL: true });
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3[\s\S]*Serverless-SQSRedrivePolicy|Serverless-SQSRedrivePolicy[\s\S]*AwsSolutions-DDB3/);
  });

  it('every acknowledgement is needed and has a real reason', () => {
    const { app } = synthStack();
    const acknowledged: Array<{ path: string; rule: string; reason: string }> = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, rule: key.replace(/^annotation::/i, ''), reason });
        }
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    // The same packs with acknowledgements ignored: each acknowledgement must hide a real finding at or
    // below the construct it sits on. `isAcknowledged` is private in cdk-nag; overriding it is the only
    // way to see what the acknowledgements hide.
    const hidden = packs().flatMap((blind) => {
      (blind as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
      return findings(blind.validateScope(app));
    });
    for (const ack of acknowledged) {
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(40);
      expect(
        hidden.some((f) => f.rule === ack.rule && (f.path === ack.path || f.path.startsWith(`${ack.path}/`))),
        `unneeded acknowledgement ${ack.rule} at ${ack.path}`,
      ).toBe(true);
    }
    // And nothing is acknowledged by a blanket rule id where the pack reports per-finding ids.
    for (const ack of acknowledged) {
      if (ack.rule.startsWith('AwsSolutions-IAM5') || ack.rule.startsWith('AwsSolutions-IAM4')) {
        expect(ack.rule).toMatch(/\[.+\]$/);
      }
    }
  });
});

describe('bin/app.ts', () => {
  it('synthesizes offline with no credentials, the pack registered, and zero findings', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-app-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir };
      // Skip esbuild here (the bundling run is a separate, slower check) and make sure nothing can
      // find credentials or an account.
      env['CDK_CONTEXT_JSON'] = JSON.stringify({ 'aws:cdk:bundling-stacks': [] });
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'CDK_DEFAULT_ACCOUNT', 'CDK_DEFAULT_REGION']) {
        delete env[name];
      }
      await promisify(execFile)(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['bin/app.ts'], { cwd: PROJECT_ROOT, env });
      const template = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as {
        Resources: Record<string, { Type: string }>;
      };
      expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::ApiGatewayV2::Api')).toBe(true);
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
        artifacts: Record<string, { environment?: string }>;
      };
      expect(manifest.artifacts[STACK_NAME]?.environment).toBe('aws://unknown-account/unknown-region');
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ violations?: unknown[] }>;
      };
      for (const plugin of report.pluginReports) expect(plugin.violations ?? []).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
