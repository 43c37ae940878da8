/**
 * Deploy-time benchmarks against the local Connect emulator, through the real provider framework,
 * the real Step Functions waiter definition and the bundled handlers (local/engine):
 *
 * 1. Added deploy latency: from the moment the emulator makes a resource ACTIVE / CLAIMED (the
 *    time of the call that started it, from the emulator's own call record, plus the duration the
 *    emulator was given) to CloudFormation receiving SUCCESS. The anchor is the published polling
 *    policy of the native CloudFormation handlers, run against an emulator set up the same way.
 * 2. Connect API calls per resource on the happy path, from the emulator's call record.
 * 3. Throughput under the rate limit: 50 searched numbers in one stack against the emulator's
 *    token bucket (2 requests/s, burst 5).
 *
 * `scale` multiplies every duration (emulator statuses, rate-limit refill, the waiter's interval,
 * the handlers' inline polling, the native policy's sleeps); figures are reported in real seconds
 * (measured / scale). At scale 1 everything runs in real time.
 */
import { CreateTrafficDistributionGroupCommand, ClaimPhoneNumberCommand, ConnectClient, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand, SearchAvailablePhoneNumbersCommand } from '@aws-sdk/client-connect';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { freshDir, median, Row } from './util';
import { CallRecord, ConnectEmulator, SEED } from '../local/emulator';
import { LocalCloudFormation } from '../local/engine';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../src';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../src/shared/names';

/** The emulator's transition times (real milliseconds), as the task sets them. */
const GROUP_ACTIVE_MS = 20_000;
const CLAIM_MS = 3_000;
/** The native handlers' policy (connect-api.md: Native CFN PhoneNumber / TDG handler). */
const NATIVE_POLL_MS = 30_000;
const NATIVE_PRE_DESCRIBE_MS = 2_000;
const NATIVE_GROUP_SETTLE_MS = 30_000;
/** The service's rate limit per account and Region (connect-api.md: Rate limits). */
const RATE = { perSecond: 2, burst: 5 };
const THROUGHPUT_NUMBERS = 50;
const FLOW = SEED.flowArn(SEED.sourceRegion);

export interface DeployBenchOptions {
  /** Concurrent runs (each its own emulator and stack) per resource kind. @default 5 */
  readonly runs?: number;
  /** Multiplies every duration; 1 is real time. @default 1 */
  readonly scale?: number;
}

/** One local account: an emulator at `scale`, and an engine whose functions call it. */
interface World {
  readonly emulator: ConnectEmulator;
  readonly engine: LocalCloudFormation;
  /** When CloudFormation received SUCCESS for a Create, by custom resource type (epoch ms; one resource per type in the latency stacks). */
  readonly succeededAt: Map<string, number>;
  readonly failed: string[];
}

async function startWorld(scale: number): Promise<World> {
  const emulator = await ConnectEmulator.start({
    timeScale: scale,
    replicated: true,
    rateLimit: RATE,
    durations: { groupCreate: GROUP_ACTIVE_MS, claim: CLAIM_MS },
  });
  const succeededAt = new Map<string, number>();
  const failed: string[] = [];
  const ms = (real: number) => String(Math.max(1, Math.round(real * scale)));
  const engine = new LocalCloudFormation({
    env: {
      AWS_ENDPOINT_URL_CONNECT: emulator.endpoint,
      // The handlers' defaults (lambda/lib/poll.ts pollSettings), scaled.
      ...(scale === 1 ? {} : {
        CONNECT_GR_POLL_FIRST_MS: ms(1_000),
        CONNECT_GR_POLL_MAX_MS: ms(5_000),
        CONNECT_GR_INLINE_POLL_BUDGET_MS: ms(60_000),
      }),
    },
    waiterIntervalScale: scale,
    // The engine reports SUCCESS as soon as the waiter's execution that sent the response ends.
    onProgress: p => {
      if (p.status === 'SUCCESS' && p.requestType === 'Create' && p.resourceType.startsWith('Custom::')) {
        succeededAt.set(p.resourceType, Date.now());
      } else if (p.status === 'FAILED') {
        failed.push(`${p.logicalId}: ${p.reason}`);
      }
    },
  });
  return { emulator, engine, succeededAt, failed };
}

function newStack(name: string): Stack {
  const app = new App({ outdir: freshDir(`deploy-${name}`) });
  return new Stack(app, name, { env: { account: SEED.account, region: SEED.sourceRegion } });
}

function claimedNumber(stack: Stack, id: string): void {
  new ClaimedPhoneNumber(stack, id, {
    target: PhoneNumberTarget.instance(SEED.instanceArn),
    countryCode: 'US',
    phoneNumberType: PhoneNumberType.DID,
    prefix: '+1206',
    contactFlowArns: [FLOW],
  });
}

/** The calls the emulator served (a request its rate limiter turned away is retried by the SDK). */
const served = (calls: ReadonlyArray<CallRecord>) => calls.filter(c => c.status !== 429);
const firstOk = (calls: ReadonlyArray<CallRecord>, operation: string) => {
  const c = calls.find(x => x.operation === operation && x.status === 200);
  if (c === undefined) {
    throw new Error(`the emulator served no ${operation}`);
  }
  return c.at;
};

interface Sample {
  /** Real milliseconds from the resource's transition to SUCCESS. */
  readonly latencyMs: number;
  /** Served calls by operation. */
  readonly calls: Record<string, number>;
}

function countByOperation(calls: ReadonlyArray<CallRecord>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of served(calls)) {
    out[c.operation] = (out[c.operation] ?? 0) + 1;
  }
  return out;
}

/**
 * A stack, synthesized now: synthesis blocks the event loop for a while, so it is done before
 * any emulator starts its clocks (the engine's deploy reuses the cached assembly).
 */
function synthesized(name: string, build: (stack: Stack) => void): Stack {
  const stack = newStack(name);
  build(stack);
  Stage.of(stack)!.synth();
  return stack;
}

/** One group, or one searched number with a flow, deployed through the engine. */
async function oursOnce(kind: 'group' | 'claim', stack: Stack, scale: number): Promise<Sample> {
  const w = await startWorld(scale);
  try {
    await w.engine.deploy(stack);
    const calls = w.emulator.calls;
    const settledAt = kind === 'group'
      ? firstOk(calls, 'CreateTrafficDistributionGroup') + GROUP_ACTIVE_MS * scale
      : firstOk(calls, 'ClaimPhoneNumber') + CLAIM_MS * scale;
    const type = kind === 'group' ? TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE : CLAIMED_PHONE_NUMBER_RESOURCE_TYPE;
    return { latencyMs: (w.succeededAt.get(type)! - settledAt) / scale, calls: countByOperation(calls) };
  } finally {
    await w.emulator.stop();
  }
}

/**
 * The native handlers' published policy, simulated against an emulator set up the same way
 * (connect-api.md: Native CFN PhoneNumber handler: "poll every 30 s, +2 s pre-describe sleep";
 * TDG handler: "stabilize-polls Describe, then adds a 30 s callback delay after ACTIVE").
 */
async function nativeOnce(kind: 'group' | 'claim', scale: number): Promise<Sample> {
  const w = await startWorld(scale);
  const sleep = (real: number) => new Promise(r => setTimeout(r, real * scale));
  const client = new ConnectClient({
    region: SEED.sourceRegion, endpoint: w.emulator.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    let settledAt: number;
    if (kind === 'group') {
      const { Arn } = await client.send(new CreateTrafficDistributionGroupCommand({ Name: 'native', InstanceId: SEED.instanceArn }));
      settledAt = firstOk(w.emulator.calls, 'CreateTrafficDistributionGroup') + GROUP_ACTIVE_MS * scale;
      for (;;) {
        const out = await client.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: Arn }));
        if (out.TrafficDistributionGroup?.Status === 'ACTIVE') {
          break;
        }
        await sleep(NATIVE_POLL_MS);
      }
      await sleep(NATIVE_GROUP_SETTLE_MS);
    } else {
      const search = await client.send(new SearchAvailablePhoneNumbersCommand({
        TargetArn: SEED.instanceArn, PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', PhoneNumberPrefix: '+1206', MaxResults: 10,
      }));
      const list = search.AvailableNumbersList ?? [];
      const pick = list[Math.floor(Math.random() * list.length)].PhoneNumber!;
      const { PhoneNumberArn } = await client.send(new ClaimPhoneNumberCommand({ TargetArn: SEED.instanceArn, PhoneNumber: pick }));
      settledAt = firstOk(w.emulator.calls, 'ClaimPhoneNumber') + CLAIM_MS * scale;
      for (;;) {
        await sleep(NATIVE_PRE_DESCRIBE_MS);
        const out = await client.send(new DescribePhoneNumberCommand({ PhoneNumberId: PhoneNumberArn }));
        if (out.ClaimedPhoneNumberSummary?.PhoneNumberStatus?.Status === 'CLAIMED') {
          break;
        }
        await sleep(NATIVE_POLL_MS);
      }
    }
    return { latencyMs: (Date.now() - settledAt) / scale, calls: countByOperation(w.emulator.calls) };
  } finally {
    client.destroy();
    await w.emulator.stop();
  }
}

interface Throughput {
  readonly totalMs: number;
  readonly failures: string[];
  readonly throttled: number;
  readonly served: number;
  readonly claimed: number;
}

/** THROUGHPUT_NUMBERS searched numbers, each with a flow, in one stack, against one rate-limited emulator. */
async function throughputOnce(stack: Stack, scale: number): Promise<Throughput> {
  const w = await startWorld(scale);
  try {
    const started = Date.now();
    let error: string | undefined;
    try {
      await w.engine.deploy(stack);
    } catch (e) {
      error = (e as Error).message;
    }
    const totalMs = Date.now() - started;
    const calls = w.emulator.calls;
    return {
      totalMs: totalMs / scale,
      failures: [...w.failed, ...(error !== undefined && w.failed.length === 0 ? [error] : [])],
      throttled: calls.filter(c => c.status === 429).length,
      served: served(calls).length,
      claimed: w.emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').length,
    };
  } finally {
    await w.emulator.stop();
  }
}

const s = (ms: number) => Number((ms / 1000).toFixed(2));

/** Sections 1-3. The latency runs, the native anchor and the throughput run go concurrently, each on its own emulator. */
export async function deployBench(options: DeployBenchOptions = {}): Promise<Row[]> {
  const runs = options.runs ?? 5;
  const scale = options.scale ?? 1;
  const times = (n: number) => Array.from({ length: n }, (_, i) => i);
  const groupStacks = times(runs).map(i => synthesized(`BenchGroup${i}`, st => new TrafficDistributionGroup(st, 'Group', { instanceArn: SEED.instanceArn })));
  const claimStacks = times(runs).map(i => synthesized(`BenchClaim${i}`, st => claimedNumber(st, 'Number')));
  const throughputStack = synthesized('BenchThroughput', st => times(THROUGHPUT_NUMBERS).forEach(i => claimedNumber(st, `Number${i}`)));
  const throughput = throughputOnce(throughputStack, scale);
  const [groups, claims, nativeGroups, nativeClaims] = await Promise.all([
    Promise.all(groupStacks.map(st => oursOnce('group', st, scale))),
    Promise.all(claimStacks.map(st => oursOnce('claim', st, scale))),
    Promise.all(times(runs).map(() => nativeOnce('group', scale))),
    Promise.all(times(runs).map(() => nativeOnce('claim', scale))),
  ]);
  const tp = await throughput;

  const rows: Row[] = [];
  const fidelity = 'local engine: no Lambda/Step Functions invocation overhead'
    + (scale === 1 ? '' : `; run at time scale ${scale} (every duration, interval and the rate limit scaled alike), reported in real seconds`);
  const latency = (what: string, ours: Sample[], native: Sample[], targetS: number) => {
    const m = median(ours.map(x => x.latencyMs));
    const max = Math.max(...ours.map(x => x.latencyMs));
    const nm = median(native.map(x => x.latencyMs));
    rows.push({
      section: 'latency',
      metric: `${what}: added deploy latency, median of ${runs} (max ${s(max)} s)`,
      value: s(m),
      unit: 's',
      target: `<= ${targetS} s`,
      met: m <= targetS * 1000,
      note: fidelity,
    });
    rows.push({
      section: 'latency',
      metric: `${what}: same, native handlers' policy simulated (max ${s(Math.max(...native.map(x => x.latencyMs)))} s)`,
      value: s(nm),
      unit: 's',
    });
  };
  latency(`group (ACTIVE after ${GROUP_ACTIVE_MS / 1000} s)`, groups, nativeGroups, 5);
  latency(`claim (CLAIMED after ${CLAIM_MS / 1000} s)`, claims, nativeClaims, 2);

  // Section 2: calls per resource (medians over the runs).
  const med = (xs: Sample[], pick: (c: Record<string, number>) => number) => median(xs.map(x => pick(x.calls)));
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  const claimCalls = med(claims, total);
  const claimDescribes = med(claims, c => c.DescribePhoneNumber ?? 0);
  rows.push({
    section: 'calls',
    metric: `Connect calls per claim with 1 flow, the first of its sandbox (search, claim, flow check, flow + ${claimDescribes} DescribePhoneNumber; `
      + 'a sandbox checks a flow once in 5 minutes: see the scale section for calls per number in a stack)',
    value: claimCalls,
    unit: 'calls',
    target: '<= 5 (search, claim, describe, +2 per flow: its check before the claim and its association)',
    met: claimCalls <= 5,
  });
  const groupPolls = med(groups, c => Math.max(0, (c.DescribeTrafficDistributionGroup ?? 0) - 1));
  const groupOthers = med(groups, c => total(c) - Math.max(0, (c.DescribeTrafficDistributionGroup ?? 0) - 1));
  rows.push({
    section: 'calls',
    metric: 'Connect calls per group, polls while CREATION_IN_PROGRESS left out (create, describe)',
    value: groupOthers,
    unit: 'calls',
    target: '<= 2 + polls',
    met: groupOthers <= 2,
  });
  rows.push({
    section: 'calls',
    metric: `polls per group while CREATION_IN_PROGRESS (${GROUP_ACTIVE_MS / 1000} s); native policy: ${med(nativeGroups, c => (c.DescribeTrafficDistributionGroup ?? 0) - 1)}`,
    value: groupPolls,
    unit: 'calls',
  });

  // Section 3: throughput. The bound: every happy-path call at the sustained rate, after the burst.
  // As the scale section counts it: search, claim, one describe and one flow per number (the flow
  // check before a claim is made once per flow and sandbox, so it is not a per-number necessity).
  const needed = 4 * THROUGHPUT_NUMBERS;
  const boundMs = (needed - RATE.burst) / RATE.perSecond * 1000;
  const ratio = tp.totalMs / boundMs;
  rows.push({
    section: 'throughput',
    metric: `${THROUGHPUT_NUMBERS} searched numbers (1 flow each) in one stack at ${RATE.perSecond} req/s burst ${RATE.burst}: deploy time `
      + `(${tp.claimed} claimed, ${tp.served} calls served, ${tp.throttled} throttled)`,
    value: s(tp.totalMs),
    unit: 's',
  });
  rows.push({
    section: 'throughput',
    metric: `${THROUGHPUT_NUMBERS} numbers: failed resources`,
    value: tp.failures.length,
    unit: 'resources',
    target: '0',
    met: tp.failures.length === 0,
    ...(tp.failures.length > 0 ? { note: tp.failures[0].slice(0, 300) } : {}),
  });
  rows.push({
    section: 'throughput',
    metric: `${THROUGHPUT_NUMBERS} numbers: deploy time / lower bound ((${needed} calls - burst ${RATE.burst}) / ${RATE.perSecond} per s = ${s(boundMs)} s)`,
    value: Number(ratio.toFixed(2)),
    unit: 'x',
    target: '<= 1.3x',
    met: ratio <= 1.3,
    note: 'one Lambda sandbox per concurrent invocation, as on AWS: each with its own SDK client and retry policy',
  });
  return rows;
}

/** Runs the deploy benchmark alone: `ts-node bench/deploy.ts [scale]`. */
if (require.main === module) {
  void deployBench({ scale: Number(process.argv[2] ?? 1) }).then(rows => console.table(rows), e => {
    console.error(e);
    process.exitCode = 1;
  });
}
