/** Retries of throttled and failed calls: the window they may use, their full-jitter backoff, and the SDK retry strategy. */
import { AsyncLocalStorage } from 'async_hooks';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { isTransient } from './errors';
import { noteAnswer, noteFailure } from './outage';
import { Tuning, TuningVariable } from '../../src/shared/tuning';

/**
 * Until when (epoch ms) a throttled call, or one the service failed on its side, is retried: the
 * innermost window set by retryUntil (the Lambda invocation's end, the resource's deadline, an
 * inline poll's budget). Outside any window a call is tried ATTEMPTS_OUTSIDE_A_WINDOW times.
 */
const retryWindow = new AsyncLocalStorage<number>();
const ATTEMPTS_OUTSIDE_A_WINDOW = 3;

/** Runs `fn` with calls retried until `until` at the latest (and never past an enclosing window). */
export function retryUntil<T>(until: number | undefined, fn: () => Promise<T>): Promise<T> {
  const outer = retryWindow.getStore();
  const window = Math.min(outer ?? Infinity, until ?? Infinity);
  return Number.isFinite(window) ? retryWindow.run(window, fn) : fn();
}

/**
 * Full-jitter backoff between attempts of a throttled call: the n-th retry waits a random time in
 * [0, min(maxMs, baseMs * 2^(n-1))]. Each Lambda sandbox has its own client, and hundreds of them
 * share 2 requests/s: full jitter spreads their retries so that the shared budget stays busy
 * without a coordinator. Overridable (milliseconds) through the environment, for scaled tests (src/shared/tuning.ts).
 */
export function retrySettings(): { baseMs: number; maxMs: number } {
  const num = (t: TuningVariable) => {
    const v = Number(process.env[t.env]);
    return Number.isFinite(v) && v > 0 ? v : t.defaultMs;
  };
  return { baseMs: num(Tuning.RETRY_BASE), maxMs: num(Tuning.RETRY_MAX) };
}

/**
 * The SDK's retry loop with this policy (a custom RetryStrategyV2, the SDK's own hook): transient
 * failures are retried with full-jitter backoff until the current window ends; nothing else is.
 */
export class DeadlineRetryStrategy implements RetryStrategyV2 {
  /** @param region the Region of the client: REGION_OUTAGE_THRESHOLD attempts in a row with no answer from it end the retries (outage.ts) */
  constructor(private readonly region?: string) {}

  public async acquireInitialRetryToken(): Promise<RetryToken> {
    return retryToken(0, 0);
  }

  public async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    const error = info.error ?? new Error(info.errorType);
    if (noteFailure(this.region, error)) {
      throw error; // the Region looks down: fail fast, naming it (errors.ts)
    }
    if (!isTransient(info.error) && info.errorType !== 'TRANSIENT') {
      throw error;
    }
    const { baseMs, maxMs } = retrySettings();
    const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** Math.min(retry - 1, 30));
    const window = retryWindow.getStore();
    if (window === undefined ? retry >= ATTEMPTS_OUTSIDE_A_WINDOW : Date.now() + delay > window) {
      throw error;
    }
    return retryToken(retry, delay);
  }

  public recordSuccess(): void {
    noteAnswer(this.region);
  }
}

function retryToken(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}
