/** A Region that does not answer: consecutive 5xx answers or connection errors per Region, and the error that names the outage. */
import { REGION_OUTAGE_THRESHOLD } from '../../src/shared/names';

/** Consecutive 5xx answers or connection errors per Region, in this sandbox. */
const consecutive = new Map<string, number>();
const OUTAGE_FIELD = '$connectRegionOutage';
const CONNECTION_ERRORS = ['TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'];

/** A 5xx answer or a connection error: the Region did not really answer (429 is an answer: throttling). */
function unanswered(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const name = (e as { name?: string })?.name ?? '';
  const code = (e as { code?: string })?.code ?? '';
  return (status !== undefined && status >= 500) || CONNECTION_ERRORS.includes(name) || CONNECTION_ERRORS.includes(code);
}

/**
 * Records a failed attempt of a call to `region`. True (and the error marked with the Region) once
 * REGION_OUTAGE_THRESHOLD attempts in a row got no answer: the caller stops retrying.
 */
export function noteFailure(region: string | undefined, e: unknown): boolean {
  if (region === undefined) {
    return false;
  }
  if (!unanswered(e)) {
    consecutive.delete(region);
    return false;
  }
  const n = (consecutive.get(region) ?? 0) + 1;
  consecutive.set(region, n);
  if (n < REGION_OUTAGE_THRESHOLD || e === null || typeof e !== 'object') {
    return false;
  }
  (e as Record<string, unknown>)[OUTAGE_FIELD] = region;
  return true;
}

/** Records an answer from `region`: it is up. */
export function noteAnswer(region: string | undefined): void {
  if (region !== undefined) {
    consecutive.delete(region);
  }
}

/** The Region an error was found down in (noteFailure), or undefined. */
export function outageRegion(e: unknown): string | undefined {
  const r = (e as Record<string, unknown> | undefined)?.[OUTAGE_FIELD];
  return typeof r === 'string' ? r : undefined;
}

/** The user's message for a call that met an outage. */
export function outageMessage(what: string, region: string, error: string): string {
  return `${what} failed: Region ${region} did not answer ${REGION_OUTAGE_THRESHOLD} calls in a row (5xx or no connection; last: ${error}): `
    + `it looks like an outage of Amazon Connect in ${region}, so nothing more is tried there. `
    + 'Deploy again once the Region answers; meanwhile fail traffic over from the healthy Region (README: When a Region fails) '
    + 'and deploy only changes that need no call to the Region that is down.';
}
