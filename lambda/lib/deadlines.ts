/** Deadlines: the Lambda invocation's end, and the time by which a resource must have settled. */
import { UserError } from './errors';
import type { WaitEvent } from './events';
import { DEADLINE_FIELD } from '../../src/shared/names';

/** What a handler needs of the Lambda context: how long the invocation may still run. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * When calls of this invocation must stop retrying (epoch ms): before the function's timeout, with
 * a margin of a tenth of the time left (at most 10 s) to answer; undefined without a context.
 */
export function invocationEnd(context: InvocationContext | undefined): number | undefined {
  const left = context?.getRemainingTimeInMillis?.();
  return typeof left === 'number' && left > 0 ? Date.now() + left - Math.min(10_000, left / 10) : undefined;
}

/** Epoch ms by which a resource of this kind must have settled. */
export function deadlineFrom(seconds: number): number {
  return Date.now() + seconds * 1000;
}

/** True once the resource's deadline (set by onEvent) has passed. */
export function pastDeadline(event: Pick<WaitEvent, typeof DEADLINE_FIELD>): boolean {
  const deadline = event[DEADLINE_FIELD];
  return typeof deadline === 'number' && Date.now() > deadline;
}

/** Throws a user error naming the resource when its deadline has passed. */
export function checkDeadline(event: WaitEvent, what: string, state: string): void {
  if (pastDeadline(event)) {
    throw new UserError(`${what} did not settle in time (last seen: ${state}). Look at it in the Amazon Connect console; deploy again once it has settled, or fix what keeps it from settling.`);
  }
}
