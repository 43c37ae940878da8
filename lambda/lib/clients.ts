/** The Connect clients, one per Region, reused across the invocations of a sandbox. */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DeadlineRetryStrategy } from './retry';
import { perRegion } from '../../src/shared/per-region';

const clients = perRegion(region => new ConnectClient({ region, retryStrategy: new DeadlineRetryStrategy(region) }));

/**
 * A Connect client for a Region, reused across the invocations of this sandbox (each concurrent
 * Lambda invocation runs in a sandbox of its own, with its own client). Throttled and failed calls
 * are retried with full jitter within the current window (see retryUntil). AWS_ENDPOINT_URL_CONNECT
 * is honoured by the SDK itself (that is how tests reach the local emulator, with no test-only code path).
 */
export function connect(region: string): ConnectClient {
  return clients.get(region);
}
