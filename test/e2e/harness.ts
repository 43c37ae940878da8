/**
 * End-to-end harness: the local Connect emulator, and the local CloudFormation engine deploying
 * stacks of the real constructs through the real provider framework and the bundled handlers, on the
 * offline world's virtual clock (local/world.ts): the service's own durations, the waiter's real
 * intervals, the handlers' production polling and deadlines, ServiceTimeout as declared, all in
 * simulated time that jumps whenever the world waits.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CallRecord, ConnectEmulator, EmulatorOptions, SEED } from '../../local/emulator';
import { DeployResult, LocalCloudFormation } from '../../local/engine';
import { startLocalWorld, VirtualClock } from '../../local/world';

export { SEED };

/** The seed of every e2e world's Math.random (the handlers' and the SDK's jitter): a run replays. */
export const E2E_SEED = 20261207;

/** The largest response body the tests accept (CloudFormation's limit is 4096 bytes). */
export const MAX_TEST_RESPONSE_BYTES = 2048;

export const STACK_NAME = 'E2e';

export interface World {
  readonly clock: VirtualClock;
  readonly emulator: ConnectEmulator;
  readonly engine: LocalCloudFormation;
  /** A new app (in a fresh temp outdir) with one stack, STACK_NAME, built by `build`. */
  stack(build: (stack: Stack) => void): Stack;
  /** Deploys (creates or updates) the stack `build` makes. */
  deploy(build: (stack: Stack) => void): Promise<DeployResult>;
  destroy(): Promise<void>;
  /** Checks the custom resource contract over everything sent so far, then stops the emulator. */
  close(): Promise<void>;
}


/**
 * A fresh world (local/world.ts): the emulator (rate-limited like the service) and an engine, on the
 * virtual clock. The instance is replicated unless said otherwise.
 */
export async function startWorld(options: Omit<EmulatorOptions, 'timeScale'> = {}): Promise<World> {
  const world = await startLocalWorld({
    seed: E2E_SEED,
    emulator: { replicated: true, ...options },
    engine: {
      // E2E_PROGRESS=1 prints each resource operation, E2E_LOGS=1 the functions' logs.
      onProgress: process.env.E2E_PROGRESS ? p => console.log(JSON.stringify(p)) : undefined,
      printLogs: process.env.E2E_LOGS !== undefined,
    },
  });
  const { clock, emulator, engine } = world;
  const outdirs: string[] = [];
  const stack = (build: (s: Stack) => void) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-e2e-'));
    outdirs.push(outdir);
    const s = new Stack(new App({ outdir }), STACK_NAME, { env: { account: SEED.account, region: SEED.sourceRegion } });
    build(s);
    return s;
  };
  return {
    clock,
    emulator,
    engine,
    stack,
    deploy: build => engine.deploy(stack(build)),
    destroy: () => engine.destroy(STACK_NAME),
    close: async () => {
      await world.stop();
      outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
      expectContract(engine);
    },
  };
}

/**
 * The custom resource contract over every request the engine sent: exactly one response per
 * delivery (a duplicated delivery answers twice, the same way), each body under 2 KB.
 */
export function expectContract(engine: LocalCloudFormation): void {
  expect(engine.violations).toEqual([]);
  const deliveries = new Map<string, number>();
  engine.events.forEach(e => deliveries.set(e.RequestId, (deliveries.get(e.RequestId) ?? 0) + 1));
  const answered = new Map<string, number>();
  engine.responses.forEach(r => answered.set(r.requestId, (answered.get(r.requestId) ?? 0) + 1));
  expect(Object.fromEntries(answered)).toEqual(Object.fromEntries(deliveries));
  const big = engine.responses.filter(r => r.bodyBytes >= MAX_TEST_RESPONSE_BYTES);
  expect(big).toEqual([]);
}

export const instanceArn = (region: string = SEED.sourceRegion) => `arn:aws:connect:${region}:${SEED.account}:instance/${SEED.instanceId}`;

/**
 * The calls of `operation` the emulator served, leaving out those its rate limiter turned away
 * (429): the SDK retries those, so how many there are depends on timing.
 */
export function served(emulator: ConnectEmulator, operation: string): CallRecord[] {
  return emulator.calls.filter(c => c.operation === operation && c.status !== 429);
}
