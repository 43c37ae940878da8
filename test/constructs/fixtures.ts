import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, INSTANCE_ARN, REGION } from '../fixtures/arns';

export const USER = '33333333-4444-5555-6666-777777777777';
export const USER_ARN = `${INSTANCE_ARN}/agent/${USER}`;

/** A stack with a concrete environment (so Region checks apply). */
export function newStack(id = 'Stack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: { account: ACCOUNT, region: REGION } });
}

/** A stack without an environment (Region unknown at synth). */
export function agnosticStack(): Stack {
  return new Stack(new App(), 'Agnostic');
}

/**
 * The statements of the handler role's policy (not the framework's) that the resources grant: the
 * provider's own DescribeStacks on its stack (every stack has it: see stackStatusStatements) left out.
 */
export function handlerStatements(stack: Stack): any[] {
  return allHandlerStatements(stack).filter(s => s.Action !== 'cloudformation:DescribeStacks');
}

/** The handler role's statements that grant DescribeStacks (lambda/lib/stack-status.ts). */
export function stackStatusStatements(stack: Stack): any[] {
  return allHandlerStatements(stack).filter(s => [s.Action].flat().includes('cloudformation:DescribeStacks'));
}

function allHandlerStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const handler = Object.entries(policies).find(([id]) => id.includes('HandlerRole'));
  if (!handler) {
    throw new Error('no handler policy');
  }
  return stack.resolve(handler[1].Properties.PolicyDocument.Statement);
}

/**
 * The template for a snapshot, with asset hashes masked: the handler code has its own tests, so a
 * snapshot changes only when what the constructs synthesize changes. Determinism of the hashes is
 * asserted separately.
 */
export function snapshotTemplate(stack: Stack): unknown {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
