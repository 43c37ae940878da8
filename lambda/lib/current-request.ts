/** The request whose waiter may change a resource: recorded by onEvent in a tag, checked by isComplete before every change. */
import * as crypto from 'crypto';
import { TagResourceCommand } from '@aws-sdk/client-connect';
import { connect } from './clients';
import { step, UserError } from './errors';
import type { CfnEvent } from './events';
import { log } from './log';
import { CURRENT_REQUEST_TAG_PREFIX } from '../../src/shared/names';

/**
 * Set by onEvent when it recorded its request as the current one (markCurrent): only then does its
 * isComplete check the record (a request that recorded nothing, e.g. a Create, or a rollback that
 * answers with another resource, would find an earlier request's record and stop for nothing).
 */
export const MARKED_FIELD = 'ConnectCurrentRequestMarked';

/** The tag key, on the resource, of the request of this logical resource that is current. */
export function currentRequestTagKey(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): string {
  return `${CURRENT_REQUEST_TAG_PREFIX}${crypto.createHash('sha256').update(`${event.StackId}|${event.LogicalResourceId}`).digest('hex').slice(0, 16)}`;
}

/**
 * Records on the resource that this request is the current one of its logical resource: called by
 * onEvent when its isComplete will change something (a split, flow associations). A later request
 * (the rollback CloudFormation starts at once when an update is cancelled, or the next deploy)
 * overwrites it, and the earlier request's waiter, which keeps running, then stops (checkCurrent).
 */
export async function markCurrent(region: string, arn: string, event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>, what: string): Promise<void> {
  await step(`${what}: TagResource (current request)`, () => connect(region).send(new TagResourceCommand({
    resourceArn: arn, tags: { [currentRequestTagKey(event)]: event.RequestId },
  })));
}

/**
 * Throws, changing nothing, when the resource's live tags name another request of this logical
 * resource than this one: this waiter's request is no longer current (cancelled, or superseded by
 * its rollback), and whatever it would change now would undo what the current request did. A
 * resource with no record (made before this check existed, or by a Create) lets the waiter act.
 */
export function checkCurrent(tags: Record<string, string> | undefined, event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>, what: string): void {
  const current = tags?.[currentRequestTagKey(event)];
  if (current === undefined || current === event.RequestId) {
    return;
  }
  log('WARN', 'a stale waiter stops: its request is no longer the current one', { logicalId: event.LogicalResourceId, request: event.RequestId, current });
  throw new UserError(`${what}: request ${event.RequestId} is no longer the current one (request ${current} of the same resource, `
    + 'a rollback or a later deploy, has taken over, e.g. after cancel-update-stack): this waiter stops and changes nothing.');
}
