/**
 * The status of the handlers' own stack, read with DescribeStacks (granted on that stack only), and
 * its two readings: a rollback's forward repair (isRollback) and a rollback's Delete (stackRollingBack).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { errorName } from './errors';
import type { CfnEvent } from './events';
import { log } from './log';
import { DeadlineRetryStrategy } from './retry';

const clients = new Map<string, CloudFormationClient>();

function cloudFormation(region: string): CloudFormationClient {
  let c = clients.get(region);
  if (c === undefined) {
    c = new CloudFormationClient({ region, retryStrategy: new DeadlineRetryStrategy() });
    clients.set(region, c);
  }
  return c;
}

/**
 * The request's stack status, or undefined when it cannot be read (logged). A custom resource's
 * request carries no operation: CloudFormation sends a rollback's Update and Delete like forward
 * ones, so the stack is asked (DescribeStacks on its own id, the one CloudFormation action the
 * handler role has). Asked only where the answer changes what a handler does, so a deploy on a good
 * day makes no such call.
 */
async function stackStatus(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Promise<string | undefined> {
  const region = event.StackId.split(':')[3];
  try {
    const out = await cloudFormation(region).send(new DescribeStacksCommand({ StackName: event.StackId }));
    const status = out.Stacks?.[0]?.StackStatus;
    log('INFO', 'read the stack status', { logicalId: event.LogicalResourceId, status });
    return status;
  } catch (e) {
    log('WARN', 'could not read the stack status (DescribeStacks)', { logicalId: event.LogicalResourceId, error: `${errorName(e)}: ${(e as Error).message}` });
    return undefined;
  }
}

/**
 * True when the request is part of a rollback: CloudFormation sends a rollback's Update (the old
 * properties back) and Delete (of what the failed update created) while the stack is
 * UPDATE_ROLLBACK_IN_PROGRESS, ROLLBACK_IN_PROGRESS or UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS,
 * and nothing in the event itself says so (a rollback's Update looks like a forward one with the
 * properties swapped). Asked when something is found gone or a Region does not answer. A status
 * that cannot be read counts as a rollback: a rollback must never fail, and a forward request then
 * merely succeeds with nothing to do.
 */
export async function isRollback(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Promise<boolean> {
  const status = await stackStatus(event);
  return status === undefined || status.includes('ROLLBACK');
}

/**
 * True when the request's stack is rolling back (ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS,
 * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, IMPORT_ROLLBACK_IN_PROGRESS): a Delete then undoes
 * the failed deployment, which never completed (issue 24: an adopted resource is put back, a
 * searched number of a first try released). False for any other status (a cleanup after a completed
 * update, a stack deletion). Undefined when the status cannot be read: the caller takes the reading
 * that keeps the resource.
 */
export async function stackRollingBack(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Promise<boolean | undefined> {
  const status = await stackStatus(event);
  return status === undefined ? undefined : /ROLLBACK/.test(status) && /IN_PROGRESS/.test(status);
}
