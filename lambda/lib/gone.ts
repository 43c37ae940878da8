/** A resource found gone by an Update: nothing to roll back in a rollback, a clear failure naming the way forward otherwise. */
import { UserError } from './errors';
import type { CfnEvent } from './events';
import { log } from './log';
import { isRollback } from './stack-status';

/** Logged when a rollback finds its resource gone (README: Troubleshooting). */
export const NOTHING_TO_ROLL_BACK = 'gone outside CloudFormation: nothing to roll back';

/**
 * Set by onEvent when a rollback's Update found the resource gone: isComplete then has nothing to
 * wait for, and answers with the attributes the physical id gives.
 */
export const GONE_FIELD = 'ConnectGoneOutside';

/**
 * For an Update that found its resource gone (deleted or released outside CloudFormation): in a
 * rollback, logs NOTHING_TO_ROLL_BACK and returns (the caller answers success: the rollback cannot
 * put back what is not there, and must never fail); in a forward request, throws `forward` (what is
 * gone and the way forward) at once, rather than calling what cannot succeed.
 */
export async function goneOutside(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>, arn: string, forward: string): Promise<void> {
  if (await isRollback(event)) {
    log('WARN', NOTHING_TO_ROLL_BACK, { logicalId: event.LogicalResourceId, arn });
    return;
  }
  throw new UserError(forward);
}

/** A failure that may mean the resource is gone (a 404, raw or reported in a user error): worth a look before failing. */
export function mayBeGone(e: unknown): boolean {
  return (e as { name?: string })?.name === 'ResourceNotFoundException' || /ResourceNotFoundException/.test(String((e as Error)?.message ?? ''));
}

/** What a forward Update says of a group deleted outside CloudFormation: what is gone, and the ways forward. */
export function groupGoneMessage(what: string): string {
  return `${what} no longer exists: it was deleted outside CloudFormation. Either remove the TrafficDistributionGroup from the stack `
    + 'and deploy (there is nothing left to delete; add it back afterwards to get a new group), or change its trafficDistributionGroupName, '
    + 'which creates a new group in its place.';
}
