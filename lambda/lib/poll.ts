/** Inline polling with backoff and jitter, until a result, the inline budget, or the resource's deadline. */
import { pastDeadline, checkDeadline } from './deadlines';
import { isTransient } from './errors';
import type { WaitEvent } from './events';
import { log } from './log';
import { retryUntil } from './retry';
import { Waiter } from '../../src/shared/names';
import { Tuning, TuningVariable } from '../../src/shared/tuning';

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * How long isComplete keeps polling inline before handing back to the Step Functions waiter, and
 * its backoff. Inline polling cuts the latency between a resource settling and CloudFormation
 * hearing of it; the backoff keeps polls from eating the 2 requests/s budget that claims need.
 * Overridable (milliseconds) through the environment, for tests (src/shared/tuning.ts).
 */
export function pollSettings(): { budgetMs: number; firstMs: number; maxMs: number } {
  const num = (t: TuningVariable) => {
    const v = Number(process.env[t.env]);
    return Number.isFinite(v) && v >= 0 ? v : t.defaultMs;
  };
  return { budgetMs: num(Tuning.INLINE_POLL_BUDGET), firstMs: num(Tuning.POLL_FIRST), maxMs: num(Tuning.POLL_MAX) };
}

/**
 * A transition the poll waits for (a claim, a move, a group's creation): what kind it is, when it started (epoch ms),
 * and how long after its start to look first when this sandbox has seen none of its kind yet.
 */
export interface Transition {
  readonly kind: string;
  readonly startedAt?: number;
  /** @default 0: at once */
  readonly firstLookMs?: number;
}

/**
 * How long each kind of transition took when this sandbox last saw one (ms from its start). The service publishes no
 * durations and they vary by account, Region and load, so they are learned, per sandbox: a poll first looks when the
 * last transition of its kind was over, then takes short steps. A sandbox serves many resources of a stack one after
 * the other, so all but its first few are found settled by their first look, within a step of settling.
 */
const learned = new Map<string, number>();
/** The Step Functions waiter's interval between two isComplete invocations. */
const WAITER_INTERVAL_MS = Waiter.QUERY_INTERVAL_SECONDS * 1000;
/** How much a first look that found the transition over moves the next one earlier (ms): the estimate keeps up with shorter transitions. */
const PROBE_EARLIER_MS = 500;

/** Forgets what the sandbox learned (a new sandbox; the handler tests start each test in one). */
export function forgetLearnedDurations(): void {
  learned.clear();
}

/** The duration of `kind` this sandbox has learned, if any (ms). */
export function learnedDuration(kind: string): number | undefined {
  return learned.get(kind);
}

/**
 * Learns from one poll: `missedAt` (ms since the start) the last look that found the transition under way, if any,
 * `settledAt` the look that found it over. With both, the duration is between them; with only the second, it was
 * at most that, and perhaps far less: the next first look is a little earlier than this one.
 */
function learn(kind: string, missedAt: number | undefined, settledAt: number, firstLookAt: number | undefined): void {
  if (missedAt !== undefined) {
    learned.set(kind, (missedAt + settledAt) / 2);
  } else if (firstLookAt !== undefined && settledAt <= firstLookAt + PROBE_EARLIER_MS) {
    learned.set(kind, Math.max(0, firstLookAt - PROBE_EARLIER_MS));
  } else if (!learned.has(kind)) {
    learned.set(kind, settledAt);
  }
}

/**
 * Polls `check` until it returns a result or the inline budget is spent (then undefined: the
 * waiter calls again later). Backoff with jitter between polls. With a `transition`, the first look waits until
 * the duration this sandbox learned for its kind has passed since its start (or `firstLookMs` when it learned
 * none), and each look teaches the sandbox. A check that starts another transition (a group's split, once the group
 * is ACTIVE) says so with `next(kind)`: the one before is learned as over, and the next look waits for the new
 * one's learned duration, or short steps again; one that finds another transition under way since a time it does
 * not know (a later invocation finding the split being applied) says `next(kind, false)`: short steps, nothing learned.
 */
export async function pollInline<T>(
  check: (next: (kind: string, startedNow?: boolean) => void) => Promise<T | undefined>, transition?: Transition,
): Promise<T | undefined> {
  const { budgetMs, firstMs, maxMs } = pollSettings();
  const stopAt = Date.now() + budgetMs;
  // Looks due a little past the budget (within the waiter's interval, and a tenth of the budget) are made inline.
  const overrun = Math.min(WAITER_INTERVAL_MS, budgetMs / 10);
  let kind = transition?.kind;
  let startedAt = transition?.startedAt;
  let firstLookAt: number | undefined;
  let missedAt: number | undefined;
  let wait = 0;
  if (kind !== undefined && startedAt !== undefined) {
    firstLookAt = learned.get(kind) ?? transition?.firstLookMs ?? 0;
    wait = startedAt + firstLookAt - Date.now();
  }
  let delay = firstMs;
  for (;;) {
    if (wait > 0) {
      const lookAt = Date.now() + wait;
      if (lookAt > stopAt + overrun) {
        // Far past the inline budget: hand back to the waiter so that its next call comes about when this look was
        // due (the next invocation looks at once when the time has come).
        const handBackAt = Math.min(stopAt, lookAt - WAITER_INTERVAL_MS);
        if (handBackAt > Date.now()) {
          await sleep(handBackAt - Date.now());
        }
        return undefined;
      }
      await sleep(wait);
    }
    let started: { kind: string; now: boolean } | undefined;
    // A throttled check is retried no longer than the inline budget (or the waiter's interval, past it).
    const r = await retryUntil(Math.max(stopAt, Date.now() + overrun), () => check((k, now = true) => started = { kind: k, now }));
    const elapsed = startedAt === undefined ? undefined : Date.now() - startedAt;
    const switched = started !== undefined && started.kind !== kind ? started : undefined;
    if (r !== undefined || switched?.now === true) {
      if (kind !== undefined && elapsed !== undefined) {
        learn(kind, missedAt, elapsed, missedAt === undefined ? firstLookAt : undefined);
      }
      if (r !== undefined) {
        return r;
      }
    }
    if (switched !== undefined) {
      // Another transition: started now (look when its kind was last over, or in short steps again), or found
      // under way since a time unknown (short steps, nothing learned).
      kind = switched.kind;
      startedAt = switched.now ? Date.now() : undefined;
      missedAt = undefined;
      delay = firstMs;
      const known = learned.get(kind);
      firstLookAt = switched.now ? known ?? firstMs : undefined;
      wait = !switched.now ? firstMs : known ?? firstMs * (0.8 + Math.random() * 0.4);
      continue;
    }
    if (elapsed !== undefined) {
      missedAt = elapsed;
    }
    wait = delay * (0.8 + Math.random() * 0.4);
    delay = Math.min(maxMs, delay * 1.5);
  }
}

/**
 * Polls inline (like pollInline) until `check` returns a result. A poll that finds the resource
 * not settled (`check` returns undefined, having reported what it saw with `seen(what, state)`)
 * after the resource's deadline fails naming it; one that finds it settled succeeds, however late.
 */
export async function pollUntilSettled<T>(
  event: WaitEvent,
  check: (seen: (what: string, state: string) => void, next: (kind: string, startedNow?: boolean) => void) => Promise<T | undefined>,
  transition?: Transition,
): Promise<T | undefined> {
  return pollInline(async next => {
    let last: [string, string] | undefined;
    let result: T | undefined;
    try {
      result = await check((what, state) => {
        last = [what, state];
      }, next);
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
  }, transition);
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
