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

export function injected(s: EmulatorState, operation: string): void {
  const i = s.faults.errors.findIndex(f => f.count > 0 && (f.operation === undefined || f.operation === operation));
  if (i < 0) {
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
