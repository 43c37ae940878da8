/** Whether a request belongs to a rollback: the status of the handlers' own stack, read with DescribeStacks (granted on that stack only). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
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
 * True when the request is part of a rollback: CloudFormation sends a rollback's Update (the old
 * properties back) and Delete (of what the failed update created) while the stack is
 * UPDATE_ROLLBACK_IN_PROGRESS, ROLLBACK_IN_PROGRESS or UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS,
 * and nothing in the event itself says so (a rollback's Update looks like a forward one with the
 * properties swapped). Asked only when something is found gone or a Region does not answer, so a
 * deploy on a good day makes no such call. A status that cannot be read counts as a rollback: a
 * rollback must never fail, and a forward request then merely succeeds with nothing to do.
 */
export async function isRollback(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Promise<boolean> {
  const region = event.StackId.split(':')[3];
  try {
    const out = await cloudFormation(region).send(new DescribeStacksCommand({ StackName: event.StackId }));
    const status = out.Stacks?.[0]?.StackStatus ?? '';
    log('INFO', 'read the stack status', { logicalId: event.LogicalResourceId, status });
    return status.includes('ROLLBACK');
  } catch (e) {
    log('WARN', 'could not read the stack status (DescribeStacks): taking the request for a rollback, which must never fail',
      { logicalId: event.LogicalResourceId, error: (e as Error).message });
    return true;
  }
}
