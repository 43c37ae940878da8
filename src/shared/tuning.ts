/**
 * The handlers' tuning variables (CONNECT_GR_*: inline polling, retry backoff) and their defaults, named once for
 * lambda/lib/poll.ts and retry.ts, the offline world (local/) and the benchmarks (bench/). No imports.
 *
 * The defaults are the production timings. A variable is read from the Lambda function's environment, which the
 * constructs never set: it exists for tests that drive a handler outside the offline world (whose virtual clock
 * makes the production timings free).
 */

/** One tuning variable: its environment name and its default (milliseconds). */
export interface TuningVariable {
  readonly env: string;
  readonly defaultMs: number;
}

export const Tuning = {
  /** How long isComplete polls inline before handing back to the Step Functions waiter. */
  INLINE_POLL_BUDGET: { env: 'CONNECT_GR_INLINE_POLL_BUDGET_MS', defaultMs: 60_000 },
  /** The first interval of the inline poll's backoff (and the unit of the handlers' *_FACTOR waits). */
  POLL_FIRST: { env: 'CONNECT_GR_POLL_FIRST_MS', defaultMs: 1_000 },
  /** The longest interval of the inline poll's backoff. */
  POLL_MAX: { env: 'CONNECT_GR_POLL_MAX_MS', defaultMs: 5_000 },
  /** The full-jitter backoff of a throttled call: its base ... */
  RETRY_BASE: { env: 'CONNECT_GR_RETRY_BASE_MS', defaultMs: 500 },
  /** ... and its ceiling. */
  RETRY_MAX: { env: 'CONNECT_GR_RETRY_MAX_MS', defaultMs: 2_000 },
} as const;

/**
 * The environment that gives the handlers every tuning variable's default multiplied by `scale` (at least 1 ms):
 * for a run in scaled real time (outside the virtual clock).
 */
export function scaledTuningEnv(scale: number): Record<string, string> {
  return Object.fromEntries(Object.values(Tuning).map(v => [v.env, String(Math.max(1, Math.round(v.defaultMs * scale)))]));
}
