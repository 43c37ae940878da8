/** Inline polling with backoff and jitter, until a result, the inline budget, or the resource's deadline. */
import { pastDeadline, checkDeadline } from './deadlines';
import { isTransient } from './errors';
import type { WaitEvent } from './events';
import { log } from './log';
import { retryUntil } from './retry';

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * How long isComplete keeps polling inline before handing back to the Step Functions waiter, and
 * its backoff. Inline polling cuts the latency between a resource settling and CloudFormation
 * hearing of it; the backoff keeps polls from eating the 2 requests/s budget that claims need.
 * Overridable (milliseconds) through the environment, for tests.
 */
export function pollSettings(): { budgetMs: number; firstMs: number; maxMs: number } {
  const num = (name: string, dflt: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v >= 0 ? v : dflt;
  };
  return {
    budgetMs: num('CONNECT_GR_INLINE_POLL_BUDGET_MS', 60_000),
    firstMs: num('CONNECT_GR_POLL_FIRST_MS', 1_000),
    maxMs: num('CONNECT_GR_POLL_MAX_MS', 5_000),
  };
}

/**
 * Polls `check` until it returns a result or the inline budget is spent (then undefined: the
 * waiter calls again later). Backoff with jitter between polls.
 */
export async function pollInline<T>(check: () => Promise<T | undefined>): Promise<T | undefined> {
  const { budgetMs, firstMs, maxMs } = pollSettings();
  const stopAt = Date.now() + budgetMs;
  let delay = firstMs;
  for (;;) {
    // A throttled check is retried no longer than the inline budget.
    const r = await retryUntil(stopAt, check);
    if (r !== undefined) {
      return r;
    }
    const jittered = delay * (0.8 + Math.random() * 0.4);
    if (Date.now() + jittered > stopAt) {
      return undefined;
    }
    await sleep(jittered);
    delay = Math.min(maxMs, delay * 1.5);
  }
}

/**
 * Polls inline (like pollInline) until `check` returns a result. A poll that finds the resource
 * not settled (`check` returns undefined, having reported what it saw with `seen(what, state)`)
 * after the resource's deadline fails naming it; one that finds it settled succeeds, however late.
 */
export async function pollUntilSettled<T>(
  event: WaitEvent, check: (seen: (what: string, state: string) => void) => Promise<T | undefined>,
): Promise<T | undefined> {
  return pollInline(async () => {
    let last: [string, string] | undefined;
    let result: T | undefined;
    try {
      result = await check((what, state) => {
        last = [what, state];
      });
    } catch (e) {
      // Throttled (or failed on the service's side) while waiting: not yet, until the deadline.
      if (!isTransient(e) || pastDeadline(event)) {
        throw e;
      }
      log('WARN', 'a check was throttled or failed on the service side: not settled yet', { logicalId: event.LogicalResourceId, error: (e as Error).message });
      return undefined;
    }
    if (result === undefined && last !== undefined) {
      checkDeadline(event, last[0], last[1]);
    }
    return result;
  });
}

/**
 * The end of an isComplete on Create or Update: `settle` until it is done. Throttled, or failed on
 * the service's side: not yet (the waiter calls again) until the deadline; only a failure that
 * stands, of a request that `made` the resource, is handed to `cleanUp`, which cleans up what
 * this request made and returns the error to report.
 */
export async function settleOrCleanUp<T>(
  event: WaitEvent, settle: () => Promise<T>, made: boolean, cleanUp: (failure: unknown) => Promise<Error>,
): Promise<T> {
  try {
    return await settle();
  } catch (e) {
    if (isTransient(e) && !pastDeadline(event)) {
      throw e;
    }
    if (made) {
      throw await cleanUp(e);
    }
    throw e;
  }
}
