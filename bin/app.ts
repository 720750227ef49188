// The CDK app: `npx cdk synth` / `npx cdk deploy`. Account and region come from the CLI's profile when
// there is one; without credentials they stay undefined and synth still works (environment-agnostic).
import { App } from 'aws-cdk-lib';
import { ContextError } from '../lib/constructs/context.js';
import { addComplianceChecks, STACK_NAME, WhatsAppBusinessStack } from '../lib/stack.js';

const app = new App();
try {
  new WhatsAppBusinessStack(app, STACK_NAME, {
    env: { account: process.env['CDK_DEFAULT_ACCOUNT'], region: process.env['CDK_DEFAULT_REGION'] },
    description: 'WhatsApp Business (Meta Cloud API) webhooks, storage and admin API',
  });
} catch (error) {
  // A bad -c value is the deployer's to fix: the message says what and how; a stack trace would bury it.
  if (!(error instanceof ContextError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(1);
}
addComplianceChecks(app);
app.synth();
