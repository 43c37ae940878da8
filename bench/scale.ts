/**
 * The scale section: a contact center's stack under the shared 2 requests/s (burst 5), with
 * Lambda's concurrency model (one sandbox per concurrent invocation: local/engine/lambda-runtime.ts)
 * and bursts of injected 429s on top of the emulator's own rate limiter (an injected 429 takes no
 * token, as a request the limiter throttles takes none: local/emulator/README.md):
 *
 * - a group + 100 searched numbers (DESTROY, one flow each) deployed, then destroyed;
 * - the same with 200 numbers;
 * - two such stacks of 100 numbers deploying at the same time in one account and Region (one
 *   emulator, two engines), then destroyed at the same time.
 *
 * Lower bound (as bench/deploy.ts computes it): the calls a deploy cannot do without (search,
 * claim, one describe and one flow per number; create and one describe per group), minus the
 * burst, at 2 per second. Every other call (a repeated search, a claim of a taken candidate, a
 * poll that finds nothing new) counts against the ratio.
 *
 * `scale` multiplies every duration alike: the emulator's transitions and its rate limiter's
 * refill, the waiter's interval, the handlers' inline polling and retry backoff, the functions'
 * timeouts and the 429 bursts' period. Figures are reported in real (unscaled) seconds.
 */
import { App, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { freshDir, Row } from './util';
import { ConnectEmulator, SEED } from '../local/emulator';
import { LocalCloudFormation, pollEnv } from '../local/engine';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../src';

const RATE = { perSecond: 2, burst: 5 };
/** Real seconds between two bursts of injected 429s, and the throttled calls of each burst. */
const BURST_EVERY_S = 20;
const BURST_CALLS = 5;
/** Calls a deploy cannot do without: per number (search, claim, describe, flow), per group (create, describe). */
const CALLS_PER_NUMBER = 4;
const CALLS_PER_GROUP = 2;
const FLOW = SEED.flowArn(SEED.sourceRegion);

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
  // Synthesized now, before any clock starts: synthesis blocks the event loop.
  Stage.of(stack)!.synth();
  return stack;
}

interface Outcome {
  readonly what: string;
  readonly numbers: number;
  readonly groups: number;
  readonly deployMs: number;
  readonly destroyMs: number;
  readonly failed: string[];
  readonly claimedAfterDeploy: number;
  readonly leaked: number;
  readonly released: number;
  readonly served: number;
  readonly throttled: number;
  readonly injected: number;
  readonly peakOnEvent: number;
  readonly peakIsComplete: number;
  readonly longestOnEventMs: number;
  /** The deploy's Connect calls by operation: served (throttled). */
  readonly deployCalls: string;
  /** Connect calls the rate limiter served during the deploy. */
  readonly deployServed: number;
  /** Real seconds of the shared budget left unused during the deploy (the bucket full), per tenth of the deploy. */
  readonly unusedByTenth: number[];
}

/** Deploys `stacks` at the same time on one emulator (one engine each), then destroys them at the same time. */
export async function runScenario(what: string, stacks: Stack[], numbersPerStack: number, scale: number): Promise<Outcome> {
  const emulator = await ConnectEmulator.start({ timeScale: scale, replicated: true, rateLimit: RATE });
  const failed: string[] = [];
  const engines = stacks.map(() => new LocalCloudFormation({
    env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...pollEnv(scale) },
    waiterIntervalScale: scale,
    lambdaTimeoutScale: scale,
    onProgress: p => {
      if (p.status === 'FAILED') {
        failed.push(`${p.logicalId} ${p.requestType}: ${p.reason}`);
      }
    },
  }));
  let injected = 0;
  const bursts = setInterval(() => {
    emulator.injectErrors({ count: BURST_CALLS, status: 429 });
    injected += BURST_CALLS;
  }, BURST_EVERY_S * 1000 * scale);
  try {
    const t0 = Date.now();
    await Promise.all(engines.map((e, i) => e.deploy(stacks[i]).catch((err: Error) => failed.push(`${stacks[i].stackName}: ${err.message.slice(0, 300)}`))));
    const deployMs = (Date.now() - t0) / scale;
    const deployCalls = byOperation(emulator.calls);
    const deployServed = emulator.calls.filter(c => c.status !== 429).length;
    const unusedByTenth = unusedBudget(emulator.calls, t0, Date.now(), scale);
    const claimedAfterDeploy = emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').length;
    const t1 = Date.now();
    await Promise.all(engines.map((e, i) => e.destroy(stacks[i].stackName).catch((err: Error) => failed.push(`${stacks[i].stackName} destroy: ${err.message.slice(0, 300)}`))));
    const destroyMs = (Date.now() - t1) / scale;
    clearInterval(bursts);
    const leftNumbers = emulator.claimedNumbers().length;
    const leftGroups = emulator.groups().filter(g => !g.isDefault).length;
    const calls = emulator.calls;
    const released = calls.filter(c => c.operation === 'ReleasePhoneNumber' && c.status === 200).length;
    const stats = engines.map(e => e.sandboxStats());
    const peak = (re: RegExp) => Math.max(0, ...stats.flatMap(s => Object.entries(s).filter(([n]) => re.test(n) && !/framework/i.test(n)).map(([, v]) => v.peak)));
    const longest = Math.max(0, ...stats.flatMap(s => Object.entries(s).filter(([n]) => /OnEvent/.test(n) && !/framework/i.test(n)).map(([, v]) => v.maxDurationMs)));
    return {
      what,
      numbers: numbersPerStack * stacks.length,
      groups: stacks.length,
      deployMs,
      destroyMs,
      failed,
      claimedAfterDeploy,
      leaked: leftNumbers + leftGroups,
      released,
      served: calls.filter(c => c.status !== 429).length,
      throttled: calls.filter(c => c.status === 429).length,
      injected,
      peakOnEvent: peak(/OnEvent/),
      peakIsComplete: peak(/IsComplete/),
      longestOnEventMs: longest / scale,
      deployCalls,
      deployServed,
      unusedByTenth,
    };
  } finally {
    clearInterval(bursts);
    await emulator.stop();
  }
}

/**
 * The rate limiter's budget left unused between t0 and t1, replayed from the calls it served: a
 * token that arrives while the bucket is full is lost (nobody called). In real seconds (tokens /
 * rate, unscaled), per tenth of the interval: where a deploy leaves the shared budget idle.
 */
function unusedBudget(calls: ReadonlyArray<{ status: number; at: number }>, t0: number, t1: number, scale: number): number[] {
  const perMs = RATE.perSecond / 1000 / scale;
  const tenths = new Array<number>(10).fill(0);
  let tokens = RATE.burst;
  let last = t0;
  const refill = (now: number) => {
    // Spread over the tenths the refill crosses, in 100 ms steps (enough for a figure in seconds).
    for (let t = last; t < now; t += 100) {
      const dt = Math.min(100, now - t);
      const over = Math.max(0, tokens + dt * perMs - RATE.burst);
      tokens = Math.min(RATE.burst, tokens + dt * perMs);
      tenths[Math.min(9, Math.floor(((t - t0) / (t1 - t0)) * 10))] += over / RATE.perSecond;
    }
    last = Math.max(last, now);
  };
  for (const c of calls.filter(x => x.status !== 429 && x.at >= t0 && x.at <= t1)) {
    refill(c.at);
    tokens = Math.max(0, tokens - 1);
  }
  refill(t1);
  return tenths.map(x => Number(x.toFixed(1)));
}

/** `Op served (throttled)` for each operation called, most served first. */
function byOperation(calls: ReadonlyArray<{ operation: string; status: number }>): string {
  const counts = new Map<string, { served: number; throttled: number }>();
  for (const c of calls) {
    const n = counts.get(c.operation) ?? { served: 0, throttled: 0 };
    if (c.status === 429) {
      n.throttled++;
    } else {
      n.served++;
    }
    counts.set(c.operation, n);
  }
  return [...counts].sort((a, b) => b[1].served - a[1].served).map(([op, n]) => `${op} ${n.served} (${n.throttled})`).join(', ');
}

const s = (ms: number) => Number((ms / 1000).toFixed(1));

function rows(o: Outcome): Row[] {
  const needed = o.numbers * CALLS_PER_NUMBER + o.groups * CALLS_PER_GROUP;
  const boundMs = (needed - RATE.burst) / RATE.perSecond * 1000;
  const ratio = o.deployMs / boundMs;
  const note = o.failed.length > 0 ? { note: o.failed.slice(0, 3).map(f => f.slice(0, 300)).join(' | ') } : {};
  return [
    {
      section: 'scale',
      metric: `${o.what}: deploy time (${o.claimedAfterDeploy} claimed; peak sandboxes: onEvent ${o.peakOnEvent}, isComplete ${o.peakIsComplete}; longest onEvent ${s(o.longestOnEventMs)} s of its 240 s timeout)`,
      value: s(o.deployMs),
      unit: 's',
    },
    {
      section: 'scale',
      metric: `${o.what}: deploy time / lower bound ((${o.numbers} x ${CALLS_PER_NUMBER} + ${o.groups} x ${CALLS_PER_GROUP} calls - burst ${RATE.burst}) / ${RATE.perSecond} per s = ${s(boundMs)} s)`,
      value: Number(ratio.toFixed(2)),
      unit: 'x',
      target: '<= 1.3x',
      met: ratio <= 1.3,
    },
    {
      section: 'scale',
      metric: `${o.what}: deploy calls served beyond the lower bound's ${needed} (served (throttled) by operation: ${o.deployCalls})`,
      value: o.deployServed - needed,
      unit: 'calls',
    },
    {
      section: 'scale',
      metric: `${o.what}: shared budget left unused during the deploy (no call waiting while the bucket was full; per tenth of the deploy: ${o.unusedByTenth.join(', ')} s)`,
      value: Number(o.unusedByTenth.reduce((a, b) => a + b, 0).toFixed(1)),
      unit: 's',
    },
    {
      section: 'scale',
      metric: `${o.what}: failed resources (deploy and destroy)`,
      value: o.failed.length,
      unit: 'resources',
      target: '0',
      met: o.failed.length === 0,
      ...note,
    },
    {
      section: 'scale',
      metric: `${o.what}: leaked resources after destroy (numbers still claimed, groups left); destroy took ${s(o.destroyMs)} s`,
      value: o.leaked,
      unit: 'resources',
      target: '0',
      met: o.leaked === 0,
    },
    {
      section: 'scale',
      metric: `${o.what}: numbers released by the destroy (DESTROY)`,
      value: o.released,
      unit: 'numbers',
      target: `${o.numbers}`,
      met: o.released === o.numbers,
    },
    {
      section: 'scale',
      metric: `${o.what}: Connect calls served, deploy and destroy (${o.throttled} throttled, of which ${o.injected} injected 429s)`,
      value: o.served,
      unit: 'calls',
    },
    {
      section: 'scale',
      metric: `${o.what}: calls served per number, deploy and destroy (happy path: ${CALLS_PER_NUMBER} to deploy, and a flow check per flow, sandbox and 5 minutes; 3 to destroy: describe, release, describe)`,
      value: Number((o.served / o.numbers).toFixed(2)),
      unit: 'calls',
    },
  ];
}

/** The scale section: 100, 200, and two stacks of 100 at once, one after the other (each alone on the CPU). */
export async function scaleBench(options: { scale: number }): Promise<Row[]> {
  const scale = options.scale;
  const out: Row[] = [];
  const log = (o: Outcome) => console.error(`scale: ${o.what}: deploy ${s(o.deployMs)} s, destroy ${s(o.destroyMs)} s, ${o.failed.length} failed, ${o.leaked} leaked${o.failed.length > 0 ? `: ${o.failed.slice(0, 3).join(' | ')}` : ''}`);
  for (const n of [100, 200]) {
    const o = await runScenario(`group + ${n} numbers`, [stackOf(`Scale${n}`, n)], n, scale);
    log(o);
    out.push(...rows(o));
  }
  const two = await runScenario('two stacks of group + 100 numbers, at once', [stackOf('ScaleA', 100), stackOf('ScaleB', 100)], 100, scale);
  log(two);
  out.push(...rows(two));
  return out;
}
