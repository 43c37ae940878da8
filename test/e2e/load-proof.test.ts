/**
 * The verdict and the figure do not depend on the machine: the same deploy (a group and five searched
 * numbers, under the shared rate limit) on the virtual clock, once on an idle machine and once beside two
 * CPU-bound processes, takes the same simulated time within 2 % and the same Connect calls within a few.
 */
import { ChildProcess, spawn } from 'child_process';
import { RemovalPolicy } from 'aws-cdk-lib';
import { instanceArn, SEED, startWorld } from './harness';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../../src';

const NUMBERS = 5;

/** Deploys the stack on a fresh world; returns the simulated milliseconds it took and the calls served. */
async function deployOnce(): Promise<{ ms: number; calls: number; claimed: number }> {
  const world = await startWorld();
  try {
    const started = world.clock.now();
    await world.deploy(s => {
      const group = new TrafficDistributionGroup(s, 'Group', {
        instanceArn: instanceArn(),
        trafficDistributionGroupName: 'load-proof',
        telephonyDistribution: { [SEED.sourceRegion]: 70, [SEED.replicaRegion]: 30 },
      });
      for (let i = 0; i < NUMBERS; i++) {
        new ClaimedPhoneNumber(s, `Line${i}`, {
          target: PhoneNumberTarget.trafficDistributionGroup(group),
          countryCode: 'US',
          phoneNumberType: PhoneNumberType.DID,
          prefix: '+1206',
          removalPolicy: RemovalPolicy.DESTROY,
        });
      }
    });
    const ms = world.clock.now() - started;
    expect(world.engine.responses.filter(r => r.status !== 'SUCCESS')).toEqual([]);
    return { ms, calls: world.emulator.calls.filter(c => c.status !== 429).length, claimed: world.emulator.claimedNumbers().length };
  } finally {
    await world.close();
  }
}

/** Two processes that spin for at most `seconds` (they stop by themselves). */
function busyLoops(seconds: number): ChildProcess[] {
  const script = `const end = Date.now() + ${seconds * 1000}; while (Date.now() < end) { Math.sqrt(Math.random()); }`;
  return [0, 1].map(() => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }));
}

test('one deploy takes the same simulated time, idle and beside two busy loops', async () => {
  // The first deploy of a process also loads what stays loaded (the SDK's shared config files, read once):
  // not measured, so that the two measured deploys start from the same process state.
  await deployOnce();
  const idle = await deployOnce();
  const loops = busyLoops(120);
  let busy: Awaited<ReturnType<typeof deployOnce>>;
  try {
    busy = await deployOnce();
  } finally {
    loops.forEach(p => p.kill());
  }
  process.stderr.write(`load-proof: idle ${JSON.stringify(idle)}, busy ${JSON.stringify(busy)}\n`);
  expect(idle.claimed).toBe(NUMBERS);
  expect(busy.claimed).toBe(NUMBERS);
  // The group's creation and settling alone take the service's 20 s: the figure is the service's time, not the machine's.
  expect(idle.ms).toBeGreaterThan(20_000);
  expect(Math.abs(busy.ms - idle.ms) / idle.ms).toBeLessThanOrEqual(0.02);
  expect(Math.abs(busy.calls - idle.calls)).toBeLessThanOrEqual(3);
}, 240_000);
