/**
 * The throughput section: 50 searched numbers (one flow each) in one stack, against the emulator's token bucket
 * (2 requests/s, burst 5), through the real provider framework, the Step Functions waiter definition and the bundled
 * handlers (local/engine), on the offline world's virtual clock (simulated seconds). The deploy latency and the
 * calls per resource over a range of service times are bench/latency.ts's; many numbers under both readings of
 * the service, bench/scale.ts's.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { worldSeed } from './scale';
import { freshDir, Row } from './util';
import { SEED } from '../local/emulator';
import { startLocalWorld } from '../local/world';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType } from '../src';

/** The service's rate limit per account and Region (connect-api.md: Rate limits). */
const RATE = { perSecond: 2, burst: 5 };
const THROUGHPUT_NUMBERS = 50;
const FLOW = SEED.flowArn(SEED.sourceRegion);

const s = (ms: number) => Number((ms / 1000).toFixed(2));

/** THROUGHPUT_NUMBERS searched numbers, each with a flow, in one stack, in one world. */
export async function deployBench(options: { seed: number }): Promise<Row[]> {
  const app = new App({ outdir: freshDir('deploy-throughput') });
  const stack = new Stack(app, 'BenchThroughput', { env: { account: SEED.account, region: SEED.sourceRegion } });
  for (let i = 0; i < THROUGHPUT_NUMBERS; i++) {
    new ClaimedPhoneNumber(stack, `Number${i}`, {
      target: PhoneNumberTarget.instance(SEED.instanceArn),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
      contactFlowArns: [FLOW],
    });
  }
  Stage.of(stack)!.synth();
  const failures: string[] = [];
  const world = await startLocalWorld({
    seed: worldSeed(options.seed, 'throughput'),
    emulator: { replicated: true, rateLimit: RATE },
    engine: { onProgress: p => p.status === 'FAILED' && failures.push(`${p.logicalId}: ${p.reason}`) },
  });
  let totalMs: number;
  try {
    const started = world.clock.now();
    await world.engine.deploy(stack).catch((e: Error) => failures.length === 0 && failures.push(e.message));
    totalMs = world.clock.now() - started;
  } finally {
    await world.stop();
  }
  const calls = world.emulator.calls;
  const served = calls.filter(c => c.status !== 429).length;
  const claimed = world.emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').length;
  // As the scale section counts it: search, claim, one describe and one flow per number (the flow check before a
  // claim is made once per flow and sandbox, so it is not a per-number necessity).
  const needed = 4 * THROUGHPUT_NUMBERS;
  const boundMs = (needed - RATE.burst) / RATE.perSecond * 1000;
  const ratio = totalMs / boundMs;
  return [
    {
      section: 'throughput',
      metric: `${THROUGHPUT_NUMBERS} searched numbers (1 flow each) in one stack at ${RATE.perSecond} req/s burst ${RATE.burst}: deploy time `
        + `(${claimed} claimed, ${served} calls served, ${calls.length - served} throttled)`,
      value: s(totalMs),
      unit: 's',
    },
    {
      section: 'throughput',
      metric: `${THROUGHPUT_NUMBERS} numbers: failed resources`,
      value: failures.length,
      unit: 'resources',
      target: '0',
      met: failures.length === 0,
      ...(failures.length > 0 ? { note: failures[0].slice(0, 300) } : {}),
    },
    {
      section: 'throughput',
      metric: `${THROUGHPUT_NUMBERS} numbers: deploy time / lower bound ((${needed} calls - burst ${RATE.burst}) / ${RATE.perSecond} per s = ${s(boundMs)} s)`,
      value: Number(ratio.toFixed(2)),
      unit: 'x',
      target: '<= 1.3x',
      met: ratio <= 1.3,
      note: 'one Lambda sandbox per concurrent invocation, as on AWS: each with its own SDK client and retry policy',
    },
  ];
}
