import * as crypto from 'crypto';
import { ConnectClient } from '@aws-sdk/client-connect';
import type {
  CloudFormationCustomResourceEvent,
} from 'aws-lambda';
import { CREATED_FIELD, DEADLINE_FIELD } from '../src/shared/names';

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

/** One JSON log line (the functions use the JSON log format). Never logs the ResponseURL. */
export function log(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'ERROR') {
    console.error(line);
  } else if (level === 'WARN') {
    console.warn(line);
  } else {
    console.log(line);
  }
}

const clients = new Map<string, ConnectClient>();

/**
 * A Connect client for a Region, reused across invocations. Adaptive retry spreads the shared
 * 2 requests/s budget between concurrent handlers; AWS_ENDPOINT_URL_CONNECT is honoured by the
 * SDK itself (that is how tests reach the local emulator, with no test-only code path).
 */
export function connect(region: string): ConnectClient {
  let c = clients.get(region);
  if (c === undefined) {
    c = new ConnectClient({ region, retryMode: 'adaptive', maxAttempts: 6 });
    clients.set(region, c);
  }
  return c;
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

/** The name of an SDK error (`ResourceNotFoundException`, ...). */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

export function isNotFound(e: unknown): boolean {
  return errorName(e) === 'ResourceNotFoundException';
}

/** Keeps a reason short: CloudFormation rejects a response over 4 KB, and then never learns the id. */
export function clip(s: string, max = 900): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/**
 * An error for the user: what went wrong, on which resource, and what to do. `what` names the
 * resource and the step (e.g. "traffic distribution group 'support': CreateTrafficDistributionGroup").
 */
export function userError(what: string, e: unknown): Error {
  if (e instanceof UserError) {
    return e;
  }
  const name = errorName(e);
  const message = (e as Error)?.message ?? String(e);
  let advice: string;
  switch (name) {
    case 'AccessDeniedException':
      advice = 'The handler role lacks a permission, or Global Resiliency is not enabled for this account: check the role and the account.';
      break;
    case 'ThrottlingException':
    case 'TooManyRequestsException':
    case 'LimitExceededException':
      advice = 'Amazon Connect throttled the calls even after retries (its limit is about 2 requests per second per account and Region, shared by everything): deploy again, or deploy fewer resources at once.';
      break;
    case 'InternalServiceException':
    case 'ServiceUnavailableException':
      advice = 'Amazon Connect failed on its side: deploy again.';
      break;
    case 'ServiceQuotaExceededException':
      advice = 'A service quota is reached: raise it through Service Quotas or AWS Support.';
      break;
    default:
      advice = '';
  }
  return new UserError(clip(`${what} failed: ${name}: ${message}${advice ? ` ${advice}` : ''}`));
}

/** An error whose message is already meant for the user. */
export class UserError extends Error {
  constructor(message: string) {
    super(clip(message));
    this.name = 'UserError';
  }
}

/** Runs `fn`, turning any failure into a user error about `what`. */
export async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw userError(what, e);
  }
}

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
    const r = await check();
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
    const result = await check((what, state) => {
      last = [what, state];
    });
    if (result === undefined && last !== undefined) {
      checkDeadline(event, last[0], last[1]);
    }
    return result;
  });
}

/** Epoch ms by which a resource of this kind must have settled. */
export function deadlineFrom(seconds: number): number {
  return Date.now() + seconds * 1000;
}

/** Throws a user error naming the resource when its deadline has passed. */
export function checkDeadline(event: WaitEvent, what: string, state: string): void {
  const deadline = event[DEADLINE_FIELD];
  if (typeof deadline === 'number' && Date.now() > deadline) {
    throw new UserError(`${what} did not settle in time (last seen: ${state}). Look at it in the Amazon Connect console; deploy again once it has settled, or fix what keeps it from settling.`);
  }
}
