/** The stack's status as CloudFormation reports it: tells a rollback's Delete from a removal's (issue 24). */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { errorName } from './errors';
import { CfnEvent } from './events';
import { log } from './log';

const clients = new Map<string, CloudFormationClient>();

function cloudFormation(region: string): CloudFormationClient {
  let c = clients.get(region);
  if (c === undefined) {
    c = new CloudFormationClient({ region, maxAttempts: 3 });
    clients.set(region, c);
  }
  return c;
}

/**
 * True when the request's stack is rolling back (ROLLBACK_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS,
 * UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, IMPORT_ROLLBACK_IN_PROGRESS): a Delete then undoes
 * the failed deployment, which never completed. False for any other status (a cleanup after a
 * completed update, a stack deletion). Undefined when the status cannot be read: the caller takes
 * the reading that keeps the resource. A custom resource's request carries no operation: CloudFormation
 * sends a rollback's Delete and a removal's Delete alike, so the stack is asked (DescribeStacks on its
 * own id, the one CloudFormation action the handler role has).
 */
export async function stackRollingBack(event: Pick<CfnEvent, 'StackId'>): Promise<boolean | undefined> {
  const region = event.StackId.split(':')[3];
  try {
    const out = await cloudFormation(region).send(new DescribeStacksCommand({ StackName: event.StackId }));
    const status = out.Stacks?.[0]?.StackStatus;
    if (status === undefined) {
      return undefined;
    }
    return /ROLLBACK/.test(status) && /IN_PROGRESS/.test(status);
  } catch (e) {
    log('WARN', 'could not read the stack status: keeping what is in doubt', { stackId: event.StackId, error: errorName(e) });
    return undefined;
  }
}
