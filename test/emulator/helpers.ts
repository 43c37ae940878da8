/** Shared by the emulator's tests: real SDK clients against the emulator, polling, error capture. */
import { ConnectClient } from '@aws-sdk/client-connect';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { VirtualClock } from '../../local/world';

/**
 * Runs each test of the file on the offline world's virtual clock: the emulator's durations, the polls of
 * `until` and the tests' sleeps are simulated time, so a busy machine cannot make a status change happen
 * between two calls a test makes "while it is in progress".
 */
export function useVirtualClock(): void {
  let clock: VirtualClock | undefined;
  beforeEach(() => {
    clock = VirtualClock.start({ seed: 1 });
  });
  afterEach(() => {
    clock?.stop();
    clock = undefined;
  });
}

/** A real SDK client for a Region, pointed at the emulator; no retries unless asked. */
export function clientFor(emulator: ConnectEmulator, region: string = SEED.sourceRegion, maxAttempts = 1): ConnectClient {
  return new ConnectClient({
    region,
    endpoint: emulator.endpoint,
    maxAttempts,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

/** Polls until `check` returns a value (or fails the test after `timeoutMs`). */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > stopAt) {
      throw new Error('condition not reached in time');
    }
    await new Promise(r => setTimeout(r, 5));
  }
}

/** The error a call fails with, as the SDK parsed it (fails the test if the call succeeds). */
export async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; [k: string]: unknown }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { ...(err as object), name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export const replicaInstanceArn = `arn:aws:connect:${SEED.replicaRegion}:${SEED.account}:instance/${SEED.instanceId}`;
