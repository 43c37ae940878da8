/** Errors: SDK error names, which failures are transient, and errors meant for the user. */
import { outageMessage, outageRegion } from './outage';

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException']);
const SERVICE_SIDE = new Set(['InternalServiceException', 'ServiceUnavailableException', 'InternalFailure', 'ServiceUnavailable']);

/**
 * True for a failure that is worth the same call again: throttling (429, but not
 * LimitExceededException, which is a quota), a failure on the service's side (5xx), or a
 * connection error. A UserError remembers whether the failure it reports was one.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof UserError) {
    return e.transient;
  }
  const name = errorName(e);
  if (name === 'LimitExceededException' || outageRegion(e) !== undefined) {
    return false;
  }
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return THROTTLING.has(name) || SERVICE_SIDE.has(name) || status === 429 || (status !== undefined && status >= 500)
    || ['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(name)
    || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes((e as { code?: string })?.code ?? '');
}

/** The name of an SDK error (`ResourceNotFoundException`, ...). */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

export function isNotFound(e: unknown): boolean {
  return errorName(e) === 'ResourceNotFoundException';
}

/** The call's result, or undefined when what it reads does not exist (ResourceNotFoundException). */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isNotFound(e)) {
      return undefined;
    }
    throw e;
  }
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
  const down = outageRegion(e);
  if (down !== undefined) {
    return new RegionOutageError(clip(outageMessage(what, down, `${name}: ${message}`)), down);
  }
  let advice: string;
  switch (name) {
    case 'AccessDeniedException':
      advice = 'The handler role lacks a permission, or Global Resiliency is not enabled for this account: check the role and the account.';
      break;
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      advice = 'Amazon Connect throttled the calls until the resource\'s time was up (its limit is about 2 requests per second per account and Region, shared by everything): deploy again, or deploy fewer resources at once.';
      break;
    case 'LimitExceededException':
      advice = 'A limit of the account is reached (for example the numbers an instance may hold): raise it through Service Quotas or AWS Support, or release what is no longer used.';
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
  return new UserError(clip(`${what} failed: ${name}: ${message}${advice ? ` ${advice}` : ''}`), isTransient(e));
}

/** An error whose message is already meant for the user. */
export class UserError extends Error {
  /** @param transient the failure reported is throttling or the service's own (see isTransient) */
  constructor(message: string, public readonly transient = false) {
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

/** A call that met a Region outage (outage.ts): never transient, and it names the Region. */
export class RegionOutageError extends UserError {
  constructor(message: string, public readonly region: string) {
    super(message, false);
  }
}
