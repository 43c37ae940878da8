/**
 * The latency section: the deploy latency the library adds to the service's own time, over a range of service
 * times (AWS publishes none: a group 20 s to 120 s plus its split's settle 0 to 30 s; a claim and a move 3 s to
 * 60 s), on the offline world's virtual clock (simulated seconds; the handlers' production timings), next to the
 * native CloudFormation handlers' published policy simulated against the same emulator.
 *
 * Each point is one world and one stack deployed 5 times, each deploy adding one resource (a group, a number) or
 * moving one number onto the group, as a team deploys a stack: the Lambda sandboxes stay warm between deploys, as
 * they do on AWS between deploys minutes apart, and the first deploy is a cold one. Added latency: CloudFormation's
 * SUCCESS minus (the call that started the transition + the service's duration); for a group, minus its create
 * call + its creation + its split's settle. Median of the 5, and the worst.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { nativeClaim, nativeGroup } from './native';
import { worldSeed } from './scale';
import { freshDir, median, Row } from './util';
import { CallRecord, SEED } from '../local/emulator';
import { LocalCloudFormation } from '../local/engine';
import { LocalWorld, startLocalWorld } from '../local/world';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../src';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../src/shared/names';

const RUNS = 5;
const RATE = { perSecond: 2, burst: 5 };
const FLOW = SEED.flowArn(SEED.sourceRegion);
const SPLIT = { [SEED.sourceRegion]: 70, [SEED.replicaRegion]: 30 };
/** The range: a group's creation and its split's settle (simulated ms). */
export const GROUP_POINTS: Array<{ createMs: number; settleMs: number }> = [
  { createMs: 20_000, settleMs: 0 }, { createMs: 30_000, settleMs: 10_000 }, { createMs: 60_000, settleMs: 2_000 },
  { createMs: 120_000, settleMs: 30_000 }, { createMs: 120_000, settleMs: 0 },
];
/** The range: a claim's and a move's duration (simulated ms). */
export const NUMBER_POINTS = [3_000, 8_000, 15_000, 30_000, 60_000];
const TARGETS = { groupS: 5, numberS: 2, callsPerNumber: 5 };

/** One resource's deploy: its added latency (ms) and the Connect calls the deploy made (served). */
export interface Sample {
  readonly addedMs: number;
  readonly calls: number;
}

/** A stack synthesized now, before the world starts (synthesis blocks the event loop). */
function synthesized(name: string, k: number, build: (stack: Stack) => void): Stack {
  const app = new App({ outdir: freshDir(`latency-${name}-${k}`) });
  const stack = new Stack(app, name, { env: { account: SEED.account, region: SEED.sourceRegion } });
  build(stack);
  Stage.of(stack)!.synth();
  return stack;
}

/** The stack of a number point: the group, and `claimed` numbers of which the first `moved` are on the group. */
function numberStack(name: string, k: number, claimed: number, moved: number): Stack {
  return synthesized(name, k, st => {
    const group = new TrafficDistributionGroup(st, 'Group', { instanceArn: SEED.instanceArn });
    for (let i = 0; i < claimed; i++) {
      new ClaimedPhoneNumber(st, `Line${i}`, {
        target: i < moved ? PhoneNumberTarget.trafficDistributionGroup(group) : PhoneNumberTarget.instance(SEED.instanceArn),
        countryCode: 'US',
        phoneNumberType: PhoneNumberType.DID,
        prefix: '+1206',
        contactFlowArns: [FLOW],
      });
    }
  });
}

const served = (calls: ReadonlyArray<CallRecord>) => calls.filter(c => c.status !== 429);
const lastOk = (calls: ReadonlyArray<CallRecord>, operation: string) => {
  const c = [...calls].reverse().find(x => x.operation === operation && x.status === 200);
  if (c === undefined) {
    throw new Error(`the emulator served no ${operation}`);
  }
  return c.at;
};

/** One engine of a world, with the time CloudFormation last heard SUCCESS for a resource of `type`. */
function tracked(world: LocalWorld, type: string) {
  const t = { successAt: 0, failed: [] as string[], engine: undefined as unknown as LocalCloudFormation };
  t.engine = world.newEngine({
    onProgress: p => {
      if (p.status === 'SUCCESS' && p.resourceType === type && p.requestType !== 'Delete') {
        t.successAt = Date.now();
      } else if (p.status === 'FAILED') {
        t.failed.push(`${p.logicalId}: ${p.reason}`);
      }
    },
  });
  return t;
}

/** Deploys `stacks` one after the other; `measure` reads when each deploy's transition was over from its calls. */
async function deploySeries(
  world: LocalWorld, t: ReturnType<typeof tracked>, stacks: Stack[], measure: (calls: CallRecord[]) => number, firstMeasured: number,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let k = 0; k < stacks.length; k++) {
    const before = world.emulator.calls.length;
    await t.engine.deploy(stacks[k]);
    if (t.failed.length > 0) {
      throw new Error(`latency: ${stacks[k].stackName} deploy ${k} failed: ${t.failed.join(' | ')}`);
    }
    const calls = world.emulator.calls.slice(before);
    if (k >= firstMeasured) {
      samples.push({ addedMs: t.successAt - measure(calls), calls: served(calls).length });
    }
  }
  return samples;
}

/** A group per deploy (with a split), at one point of the range. */
async function groupPoint(seed: number, p: { createMs: number; settleMs: number }): Promise<Sample[]> {
  const name = `LatencyGroup${p.createMs}x${p.settleMs}`;
  const stacks = Array.from({ length: RUNS }, (_, k) => synthesized(name, k, st => {
    for (let i = 0; i <= k; i++) {
      new TrafficDistributionGroup(st, `Group${i}`, { instanceArn: SEED.instanceArn, telephonyDistribution: SPLIT });
    }
  }));
  const world = await startLocalWorld({
    seed: worldSeed(seed, `latency group ${p.createMs} ${p.settleMs}`),
    emulator: { replicated: true, rateLimit: RATE, durations: { groupCreate: p.createMs, groupUpdate: p.settleMs } },
  });
  try {
    return await deploySeries(world, tracked(world, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE), stacks,
      calls => lastOk(calls, 'CreateTrafficDistributionGroup') + p.createMs + p.settleMs, 0);
  } finally {
    await world.stop();
  }
}

/**
 * Numbers at one point of the range: deploy 0 makes the group, deploys 1-5 claim one number each on the instance,
 * deploys 6-10 move one of them each onto the group.
 */
async function numberPoint(seed: number, ms: number): Promise<{ claims: Sample[]; moves: Sample[] }> {
  const name = `LatencyNumber${ms}`;
  const stacks = Array.from({ length: RUNS + 1 }, (_, k) => numberStack(name, k, k, 0));
  const moves = Array.from({ length: RUNS }, (_, m) => numberStack(name, RUNS + 1 + m, RUNS, m + 1));
  const world = await startLocalWorld({
    seed: worldSeed(seed, `latency number ${ms}`),
    emulator: { replicated: true, rateLimit: RATE, durations: { claim: ms, move: ms } },
  });
  try {
    const t = tracked(world, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE);
    const claims = await deploySeries(world, t, stacks, calls => lastOk(calls, 'ClaimPhoneNumber') + ms, 1);
    const moved = await deploySeries(world, t, moves, calls => lastOk(calls, 'UpdatePhoneNumber') + ms, 0);
    return { claims, moves: moved };
  } finally {
    await world.stop();
  }
}

const s = (ms: number) => Number((ms / 1000).toFixed(2));

function rowsOf(what: string, ours: Sample[], native: Sample[] | undefined, targetS: number, callsTarget?: number): Row[] {
  const m = median(ours.map(x => x.addedMs));
  const worst = Math.max(...ours.map(x => x.addedMs));
  const calls = median(ours.map(x => x.calls));
  const nativeText = native === undefined ? '' : `; native handlers' policy: +${s(median(native.map(x => x.addedMs)))} s, ${median(native.map(x => x.calls))} calls`;
  const rows: Row[] = [{
    section: 'latency',
    metric: `${what}: added latency, median of ${ours.length} (worst +${s(worst)} s; each: ${ours.map(x => s(x.addedMs)).join(', ')})${nativeText}`,
    value: s(m),
    unit: 's',
    target: `<= ${targetS} s`,
    met: m <= targetS * 1000,
  }, {
    section: 'latency',
    metric: `${what}: Connect calls of the deploy, median (each: ${ours.map(x => x.calls).join(', ')})`,
    value: calls,
    unit: 'calls',
    ...(callsTarget === undefined ? {} : { target: `<= ${callsTarget}`, met: calls <= callsTarget }),
  }];
  return rows;
}

/** Every point of the range, one world each, one after the other. */
export async function latencyBench(options: { seed: number; log?: (line: string) => void }): Promise<Row[]> {
  const log = options.log ?? (line => console.error(line));
  const rows: Row[] = [];
  for (const p of GROUP_POINTS) {
    const ours = await groupPoint(options.seed, p);
    const native = await nativeGroup(worldSeed(options.seed, `native group ${p.createMs} ${p.settleMs}`), p.createMs, p.settleMs, RUNS);
    log(`latency: group ${p.createMs / 1000} s + settle ${p.settleMs / 1000} s: ${ours.map(x => s(x.addedMs)).join(', ')}`);
    rows.push(...rowsOf(`group (ACTIVE after ${p.createMs / 1000} s, split settled ${p.settleMs / 1000} s later)`, ours, native, TARGETS.groupS));
  }
  for (const ms of NUMBER_POINTS) {
    const { claims, moves } = await numberPoint(options.seed, ms);
    const native = await nativeClaim(worldSeed(options.seed, `native claim ${ms}`), ms, RUNS);
    log(`latency: claim ${ms / 1000} s: ${claims.map(x => s(x.addedMs)).join(', ')}; move: ${moves.map(x => s(x.addedMs)).join(', ')}`);
    rows.push(...rowsOf(`claim (CLAIMED after ${ms / 1000} s), one number per deploy`, claims, native, TARGETS.numberS, TARGETS.callsPerNumber));
    rows.push(...rowsOf(`move onto the group (CLAIMED there after ${ms / 1000} s), one number per deploy`, moves, undefined, TARGETS.numberS));
  }
  const worst = (re: RegExp) => Math.max(...rows.filter(r => r.section === 'latency' && r.unit === 's' && re.test(r.metric)).map(r => r.value));
  rows.push({ section: 'latency', metric: 'worst median over the range: group', value: worst(/^group/), unit: 's', target: `<= ${TARGETS.groupS} s`, met: worst(/^group/) <= TARGETS.groupS });
  rows.push({ section: 'latency', metric: 'worst median over the range: claim or move', value: worst(/^(claim|move)/), unit: 's', target: `<= ${TARGETS.numberS} s`, met: worst(/^(claim|move)/) <= TARGETS.numberS });
  return rows;
}
