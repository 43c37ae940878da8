/** The events the provider framework passes to the handlers, what they answer, and the tokens derived from a request. */
import * as crypto from 'crypto';
import type {
  CloudFormationCustomResourceEvent,
} from 'aws-lambda';
import { CREATED_FIELD, DEADLINE_FIELD } from '../../src/shared/names';

/**
 * Set by onEvent when a Delete was throttled (or failed on the service's side) until the
 * invocation's time was up: isComplete then starts the delete again on each call, until the
 * deadline, so that a rollback or a stack deletion never fails on throttling.
 */
export const DEFERRED_DELETE_FIELD = 'ConnectDeleteDeferred';

/** The event onEvent receives (the framework passes CloudFormation's request through). */
export type CfnEvent = CloudFormationCustomResourceEvent & { PhysicalResourceId?: string };

/** The event isComplete receives: onEvent's event and result merged by the framework. */
export type WaitEvent = CfnEvent & { PhysicalResourceId: string; [DEADLINE_FIELD]?: number; [CREATED_FIELD]?: boolean; [key: string]: unknown };

export interface OnEventResult {
  readonly PhysicalResourceId: string;
  readonly [DEADLINE_FIELD]: number;
  readonly [key: string]: unknown;
}

export interface IsCompleteResult {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/**
 * A ClientToken derived from the CloudFormation request: the same event delivered twice gives the
 * same token, a different request a different one. A lowercase UUID (ClaimPhoneNumber requires
 * that form). `salt` separates the calls of one request.
 */
export function clientToken(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>, salt: string): string {
  const h = crypto.createHash('sha256')
    .update([event.StackId, event.LogicalResourceId, event.RequestId, salt].join('|'))
    .digest('hex');
  // RFC 4122 variant bits (10xx) on the 17th hex digit.
  const variant = ['8', '9', 'a', 'b'][parseInt(h[16], 16) % 4];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The value of the owner tag of the resources a custom resource claims: the same for every request
 * of that resource (stack and logical id), different for any other resource.
 */
export function ownerOf(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): string {
  return crypto.createHash('sha256').update([event.StackId, event.LogicalResourceId].join('|')).digest('hex').slice(0, 32);
}
