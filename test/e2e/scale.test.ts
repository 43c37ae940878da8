/**
 * Many numbers at once, end to end: 50 searched numbers in one stack, deployed and destroyed under
 * the service's shared rate limit (2 requests/s, burst 5) with bursts of injected 429s on top, and
 * Lambda's concurrency model (one sandbox, so one SDK client and one retry policy, per concurrent
 * invocation), at the harsh reading of what AWS does not document (local/emulator/README.md, "Two
 * undocumented readings"): every search sees the same sorted first page, and a claim stays IN_PROGRESS
 * for 30 s. Nothing may fail: throttling is never fatal before a resource's deadline. A test of
 * correctness, not of time: the benchmark's scale section times the whole matrix of readings.
 */
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { SEED, startWorld, World } from './harness';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType } from '../../src';

const NUMBERS = 50;
const FLOW = SEED.flowArn(SEED.sourceRegion);
/** Five throttled calls every 20 s (simulated), beside the rate limiter's own 429s. */
const BURST_EVERY_MS = 20_000;
/** The harsh reading's claim: 30 s IN_PROGRESS (the emulator's default is 3 s). */
const CLAIM_MS = 30_000;

describe('50 numbers at once under the shared rate limit, with 429 bursts, at the harsh reading', () => {
  let world: World;
  let bursts: NodeJS.Timeout | undefined;
  beforeEach(async () => {
    world = await startWorld({ searchOrder: 'sorted', durations: { claim: CLAIM_MS } });
    bursts = setInterval(() => world.emulator.injectErrors({ count: 5, status: 429 }), BURST_EVERY_MS);
  });
  afterEach(async () => {
    clearInterval(bursts);
    await world.close();
  });

  test('deploy: every number claimed with its flow, none failed; destroy: every number released, none failed', async () => {
    const started = world.clock.now();
    const out = await world.deploy(s => {
      for (let i = 0; i < NUMBERS; i++) {
        const n = new ClaimedPhoneNumber(s, `Line${i}`, {
          target: PhoneNumberTarget.instance(SEED.instanceArn),
          countryCode: 'US',
          phoneNumberType: PhoneNumberType.DID,
          prefix: '+1206',
          contactFlowArns: [FLOW],
          removalPolicy: RemovalPolicy.DESTROY,
        });
        new CfnOutput(s, `Line${i}Number`, { value: n.phoneNumber });
      }
    });

    // The simulated time of the deploy (the same in every run: the world is seeded and load-proof).
    process.stderr.write(`scale: ${NUMBERS} numbers deployed in ${((world.clock.now() - started) / 1000).toFixed(2)} s simulated, ${world.emulator.calls.length} calls\n`);
    const numbers = Array.from({ length: NUMBERS }, (_, i) => out.outputs[`Line${i}Number`]);
    expect(new Set(numbers).size).toBe(NUMBERS);
    const claimed = world.emulator.claimedNumbers();
    expect(claimed).toHaveLength(NUMBERS);
    for (const n of claimed) {
      expect({ number: n.phoneNumber, status: n.status, flows: n.flows }).toEqual({ number: n.phoneNumber, status: 'CLAIMED', flows: { [SEED.sourceRegion]: FLOW } });
    }
    expect(world.engine.responses.filter(r => r.status !== 'SUCCESS')).toEqual([]);
    // The service did throttle (its limiter and the bursts), and the calls ran in many sandboxes at once.
    expect(world.emulator.calls.filter(c => c.status === 429).length).toBeGreaterThan(0);
    const stats = world.engine.sandboxStats();
    const onEvent = Object.entries(stats).filter(([name]) => /OnEvent/.test(name) && !/framework/i.test(name));
    expect(onEvent).toHaveLength(1);
    expect(onEvent[0][1].peak).toBeGreaterThan(1);

    await world.destroy();
    expect(world.engine.responses.filter(r => r.status !== 'SUCCESS')).toEqual([]);
    expect(world.emulator.claimedNumbers()).toEqual([]);
    expect(world.emulator.calls.filter(c => c.operation === 'ReleasePhoneNumber' && c.status === 200)).toHaveLength(NUMBERS);
  }, 240_000);
});
