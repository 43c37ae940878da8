/**
 * The scale section: stacks of searched numbers deployed and destroyed under the shared 2 requests/s (burst 5),
 * with bursts of injected 429s, on the offline world's virtual clock (local/world.ts: the handlers' production
 * timings, figures in simulated seconds), for every cell of the matrix of the service's undocumented readings
 * (local/emulator/README.md, "Two undocumented readings"): the search order (sorted: every caller sees the same
 * first page; shuffled: each call its own order) x how long a claim stays IN_PROGRESS (0, 8, 30 s), at a group +
 * 100 numbers, a group + 200, and two stacks of a group + 100 at once (one emulator, two engines). Then the largest
 * stack CloudFormation takes (500 resources), deployed and destroyed once.
 *
 * Necessary-calls bound: the calls a deploy cannot do without (search, claim, one describe and one flow per
 * number; create and one describe per group), minus the burst, at 2 per second. Every other call (a repeated
 * search, a claim of a taken candidate, a poll that finds nothing new) counts against the ratio, and so does the
 * last claim's own duration.
 */
import { createHash } from 'crypto';
import { App, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { byOperation, Outcome, scaleRows, templateOf } from './scale-report';
import { freshDir, Row } from './util';
import { SearchOrder, SEED } from '../local/emulator';
import { startLocalWorld } from '../local/world';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../src';

export const RATE = { perSecond: 2, burst: 5 };
/** Simulated seconds between two bursts of injected 429s, and the throttled calls of each burst. */
const BURST_EVERY_S = 20;
const BURST_CALLS = 5;
const FLOW = SEED.flowArn(SEED.sourceRegion);
/** CloudFormation's limits: resources per stack, and the size of a template uploaded through S3. */
export const MAX_RESOURCES = 500;
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** The readings of the matrix: the search order x the claim's duration (simulated ms). */
export const SEARCH_ORDERS: SearchOrder[] = ['sorted', 'shuffled'];
export const CLAIM_MS = [0, 8_000, 30_000];

/** A stack of a group and `numbers` searched numbers (DESTROY, one flow each), synthesized now (before any clock). */
export function stackOf(name: string, numbers: number): Stack {
  const app = new App({ outdir: freshDir(`scale-${name}`) });
  const stack = new Stack(app, name, { env: { account: SEED.account, region: SEED.sourceRegion } });
  new TrafficDistributionGroup(stack, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: `${name}-group` });
  for (let i = 0; i < numbers; i++) {
    new ClaimedPhoneNumber(stack, `Line${i}`, {
      target: PhoneNumberTarget.instance(SEED.instanceArn),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
      contactFlowArns: [FLOW],
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
  Stage.of(stack)!.synth();
  return stack;
}

/** The seed of one world of the benchmark, from the benchmark's seed and what the world runs. */
export function worldSeed(seed: number, what: string): number {
  return createHash('sha256').update(`${seed} ${what}`).digest().readUInt32BE(0) % 2 ** 31;
}

export interface Reading {
  readonly searchOrder: SearchOrder;
  readonly claimMs: number;
}

/** Deploys `stacks` at the same time in one world (one engine each), then destroys them at the same time. */
export async function runScenario(what: string, stacks: Stack[], numbersPerStack: number, reading: Reading, seed: number): Promise<Outcome> {
  const failed: string[] = [];
  const onProgress = (p: { status: string; logicalId: string; requestType: string; reason?: string }) => {
    if (p.status === 'FAILED') {
      failed.push(`${p.logicalId} ${p.requestType}: ${p.reason}`);
    }
  };
  const world = await startLocalWorld({
    seed: worldSeed(seed, what),
    emulator: { replicated: true, rateLimit: RATE, searchOrder: reading.searchOrder, durations: { claim: reading.claimMs } },
    engine: { onProgress },
  });
  const { clock, emulator } = world;
  const engines = stacks.map((_, i) => i === 0 ? world.engine : world.newEngine({ onProgress }));
  let injected = 0;
  const bursts = setInterval(() => {
    emulator.injectErrors({ count: BURST_CALLS, status: 429 });
    injected += BURST_CALLS;
  }, BURST_EVERY_S * 1000);
  try {
    const t0 = clock.now();
    await Promise.all(engines.map((e, i) => e.deploy(stacks[i]).catch((err: Error) => failed.push(`${stacks[i].stackName}: ${err.message.slice(0, 300)}`))));
    const t1 = clock.now();
    const deployCalls = [...emulator.calls];
    const claimedAfterDeploy = emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').length;
    await Promise.all(engines.map((e, i) => e.destroy(stacks[i].stackName).catch((err: Error) => failed.push(`${stacks[i].stackName} destroy: ${err.message.slice(0, 300)}`))));
    const destroyMs = clock.now() - t1;
    clearInterval(bursts);
    const calls = emulator.calls;
    const stats = engines.map(e => e.sandboxStats());
    const ofHandler = (re: RegExp) => stats.flatMap(s => Object.entries(s).filter(([n]) => re.test(n) && !/framework/i.test(n)).map(([, v]) => v));
    return {
      what,
      numbers: numbersPerStack * stacks.length,
      groups: stacks.length,
      deployMs: t1 - t0,
      destroyMs,
      failed,
      claimedAfterDeploy,
      leaked: emulator.claimedNumbers().length + emulator.groups().filter(g => !g.isDefault).length,
      released: calls.filter(c => c.operation === 'ReleasePhoneNumber' && c.status === 200).length,
      served: calls.filter(c => c.status !== 429).length,
      throttled: calls.filter(c => c.status === 429).length,
      injected,
      peakOnEvent: Math.max(0, ...ofHandler(/OnEvent/).map(v => v.peak)),
      peakIsComplete: Math.max(0, ...ofHandler(/IsComplete/).map(v => v.peak)),
      longestOnEventMs: Math.max(0, ...ofHandler(/OnEvent/).map(v => v.maxDurationMs)),
      deployCalls: byOperation(deployCalls),
      deployServedByOp: servedByOp(deployCalls),
      deployServed: deployCalls.filter(c => c.status !== 429).length,
      unusedMs: unusedBudget(deployCalls, t0, t1),
    };
  } finally {
    clearInterval(bursts);
    await world.stop();
  }
}

function servedByOp(calls: ReadonlyArray<{ operation: string; status: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  calls.filter(c => c.status !== 429).forEach(c => out[c.operation] = (out[c.operation] ?? 0) + 1);
  return out;
}

/**
 * The rate limiter's budget left unused between t0 and t1 (simulated ms), replayed from the calls it served: a
 * token that arrives while the bucket is full is lost (nobody called).
 */
function unusedBudget(calls: ReadonlyArray<{ status: number; at: number }>, t0: number, t1: number): number {
  const perMs = RATE.perSecond / 1000;
  let tokens = RATE.burst;
  let last = t0;
  let lost = 0;
  const refill = (now: number) => {
    const gained = Math.max(0, now - last) * perMs;
    lost += Math.max(0, tokens + gained - RATE.burst);
    tokens = Math.min(RATE.burst, tokens + gained);
    last = Math.max(last, now);
  };
  for (const c of calls.filter(x => x.status !== 429 && x.at >= t0 && x.at <= t1)) {
    refill(c.at);
    tokens = Math.max(0, tokens - 1);
  }
  refill(t1);
  return lost / perMs;
}

/** How many numbers the largest stack holds: CloudFormation's 500 resources less the group's and the provider's. */
export function largestStackNumbers(): number {
  const probe = stackOf('ScaleProbe', 1);
  return MAX_RESOURCES - (templateOf(probe).resources - 1);
}

export interface ScaleOptions {
  readonly seed: number;
  /** Cells to run, by name substring (e.g. 'sorted, claim 8 s'). @default - all */
  readonly only?: string;
  /** Also the largest stack. @default true */
  readonly largest?: boolean;
  readonly log?: (line: string) => void;
}

/** The matrix (each cell alone on the CPU, one after the other), then the largest stack. */
export async function scaleBench(options: ScaleOptions): Promise<Row[]> {
  const log = options.log ?? (line => console.error(line));
  const sizes: Array<{ what: string; stacks: () => Stack[]; per: number }> = [
    { what: 'group + 100 numbers', stacks: once(() => [stackOf('Scale100', 100)]), per: 100 },
    { what: 'group + 200 numbers', stacks: once(() => [stackOf('Scale200', 200)]), per: 200 },
    { what: 'two stacks of group + 100 at once', stacks: once(() => [stackOf('ScaleA', 100), stackOf('ScaleB', 100)]), per: 100 },
  ];
  const out: Row[] = [];
  for (const searchOrder of SEARCH_ORDERS) {
    for (const claimMs of CLAIM_MS) {
      for (const size of sizes) {
        const what = `${searchOrder}, claim ${claimMs / 1000} s: ${size.what}`;
        if (options.only !== undefined && !what.includes(options.only)) {
          continue;
        }
        const started = Date.now();
        const o = await runScenario(what, size.stacks(), size.per, { searchOrder, claimMs }, options.seed);
        log(`scale: ${what}: deploy ${(o.deployMs / 1000).toFixed(1)} s, destroy ${(o.destroyMs / 1000).toFixed(1)} s (simulated), `
          + `${o.deployServed} calls served, ${o.failed.length} failed, ${o.leaked} leaked; ${((Date.now() - started) / 1000).toFixed(0)} s of wall time`
          + `${o.failed.length > 0 ? `: ${o.failed.slice(0, 2).join(' | ')}` : ''}`);
        out.push(...scaleRows(o, RATE));
      }
    }
  }
  if (options.largest !== false) {
    out.push(...await largestBench(options.seed, log));
  }
  return out;
}

/** The largest stack, at the default readings (sorted search, the emulator's 3 s claim). */
async function largestBench(seed: number, log: (line: string) => void): Promise<Row[]> {
  const n = largestStackNumbers();
  const stack = stackOf('ScaleLargest', n);
  const template = templateOf(stack);
  const what = `largest stack: group + ${n} numbers (${template.resources} resources)`;
  const started = Date.now();
  const o = await runScenario(what, [stack], n, { searchOrder: 'sorted', claimMs: 3_000 }, seed);
  log(`scale: ${what}: deploy ${(o.deployMs / 1000).toFixed(1)} s, destroy ${(o.destroyMs / 1000).toFixed(1)} s (simulated), `
    + `${o.failed.length} failed, ${o.leaked} leaked; ${((Date.now() - started) / 1000).toFixed(0)} s of wall time`);
  return [
    {
      section: 'scale',
      metric: `${what}: template size (CloudFormation's limit through S3: ${MAX_TEMPLATE_BYTES} bytes; room ${MAX_TEMPLATE_BYTES - template.bytes} bytes)`,
      value: template.bytes,
      unit: 'bytes',
      target: `< ${MAX_TEMPLATE_BYTES}`,
      met: template.bytes < MAX_TEMPLATE_BYTES && template.resources <= MAX_RESOURCES,
    },
    ...scaleRows(o, RATE),
  ];
}

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => made ??= make();
}
