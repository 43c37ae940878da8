/**
 * End-to-end harness: the local Connect emulator, and the local CloudFormation engine deploying
 * stacks of the real constructs through the real provider framework and the bundled handlers.
 * Everything runs at TIME_SCALE of the service's real durations (the emulator's statuses, the
 * waiter's interval, the handlers' inline polling, ServiceTimeout).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CallRecord, ConnectEmulator, EmulatorOptions, SEED } from '../../local/emulator';
import { DeployResult, LocalCloudFormation, pollEnv } from '../../local/engine';

export { pollEnv };

export { SEED };

/** Fraction of real time the e2e tests run at. */
export const TIME_SCALE = 0.01;

/** The largest response body the tests accept (CloudFormation's limit is 4096 bytes). */
export const MAX_TEST_RESPONSE_BYTES = 2048;

export const STACK_NAME = 'E2e';

export interface World {
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
 * A fresh emulator (rate-limited like the service, scaled) and engine. The instance is
 * replicated unless said otherwise.
 */
export async function startWorld(options: EmulatorOptions = {}): Promise<World> {
  const emulator = await ConnectEmulator.start({ timeScale: TIME_SCALE, replicated: true, ...options });
  const engine = new LocalCloudFormation({
    env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...pollEnv(TIME_SCALE) },
    waiterIntervalScale: TIME_SCALE,
    // E2E_PROGRESS=1 prints each resource operation, E2E_LOGS=1 the functions' logs.
    onProgress: process.env.E2E_PROGRESS ? p => console.log(JSON.stringify(p)) : undefined,
    printLogs: process.env.E2E_LOGS !== undefined,
  });
  const outdirs: string[] = [];
  const stack = (build: (s: Stack) => void) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-e2e-'));
    outdirs.push(outdir);
    const s = new Stack(new App({ outdir }), STACK_NAME, { env: { account: SEED.account, region: SEED.sourceRegion } });
    build(s);
    return s;
  };
  return {
    emulator,
    engine,
    stack,
    deploy: build => engine.deploy(stack(build)),
    destroy: () => engine.destroy(STACK_NAME),
    close: async () => {
      await emulator.stop();
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
