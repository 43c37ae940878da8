/**
 * What a request meets before its operation runs: the rate limiter (a token bucket per account and
 * Region) and the errors a test injected (`injectErrors`).
 */
import { EmulatorState } from './state';
import { ConnectError, fail, TokenBucket } from './wire';

/** connect-api.md (Rate limits): per account per Region, 2/s, burst 5; throttled → 429 ThrottlingException. */
export function throttle(s: EmulatorState, region: string): void {
  if (s.rateLimit === false) {
    return;
  }
  let bucket = s.buckets.get(region);
  if (bucket === undefined) {
    bucket = new TokenBucket(s.rateLimit.perSecond / 1000 / s.timeScale, s.rateLimit.burst, Date.now());
    s.buckets.set(region, bucket);
  }
  if (!bucket.take(Date.now())) {
    fail('ThrottlingException', 'Rate exceeded');
  }
}

/**
 * Fails the request with the next injected error that applies to it. `stage` 'throttle' (before
 * the rate limiter) takes only injected 429s: a throttled request is refused instead of being
 * admitted, so it takes no token, as a request the bucket refuses takes none (connect-api.md
 * documents only the rate; the token bucket AWS documents for EC2's API removes a token per
 * request it lets through, and the requests over the limit fail). 'admitted' (after the limiter:
 * the request took a token) takes the others, 4xx and 5xx, which the service answers after
 * admitting the request.
 */
export function injected(s: EmulatorState, operation: string, stage: 'throttle' | 'admitted'): void {
  // The next injected error that applies, in the order injected; it fails the request at its stage.
  const i = s.faults.errors.findIndex(f => f.count > 0 && (f.operation === undefined || f.operation === operation));
  if (i < 0 || (s.faults.errors[i].status === 429) !== (stage === 'throttle')) {
    return;
  }
  const f = s.faults.errors[i];
  f.count -= 1;
  if (f.count === 0) {
    s.faults.errors.splice(i, 1);
  }
  const type = f.errorType ?? {
    400: 'InvalidRequestException', 403: 'AccessDeniedException', 429: 'ThrottlingException', 500: 'InternalServiceException', 503: 'ServiceUnavailableException',
  }[f.status];
  throw new ConnectError(f.status, type, `Injected ${type} (scripted fault).`);
}
