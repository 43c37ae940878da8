/** The scale section's report: what one scenario measured, and the rows it prints (bench/scale.ts runs them). */
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';
import { Row } from './util';

/** Calls a deploy cannot do without: per number (search, claim, describe, flow), per group (create, describe). */
export const CALLS_PER_NUMBER = 4;
export const CALLS_PER_GROUP = 2;
/** The target: a deploy within this ratio of the necessary-calls bound. */
export const MAX_RATIO = 1.3;

export interface Outcome {
  readonly what: string;
  readonly numbers: number;
  readonly groups: number;
  /** Simulated milliseconds. */
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
  readonly deployServedByOp: Record<string, number>;
  /** Connect calls the rate limiter served during the deploy. */
  readonly deployServed: number;
  /** Simulated milliseconds of the shared budget left unused during the deploy (the bucket full, nobody calling). */
  readonly unusedMs: number;
}

/** `Op served (throttled)` for each operation called, most served first. */
export function byOperation(calls: ReadonlyArray<{ operation: string; status: number }>): string {
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

/** The synthesized template's size in bytes and its resource count. */
export function templateOf(stack: Stack): { bytes: number; resources: number } {
  const file = path.join(Stage.of(stack)!.outdir, stack.templateFile);
  const text = fs.readFileSync(file, 'utf8');
  return { bytes: Buffer.byteLength(text), resources: Object.keys(JSON.parse(text).Resources ?? {}).length };
}

export function boundMs(o: Pick<Outcome, 'numbers' | 'groups'>, rate: { perSecond: number; burst: number }): number {
  return (o.numbers * CALLS_PER_NUMBER + o.groups * CALLS_PER_GROUP - rate.burst) / rate.perSecond * 1000;
}

const s = (ms: number) => Number((ms / 1000).toFixed(1));
/** Short names of the operations, for the calls-per-number breakdown. */
const SHORT: Record<string, string> = {
  SearchAvailablePhoneNumbers: 'search',
  ClaimPhoneNumber: 'claim',
  DescribePhoneNumber: 'describe',
  AssociatePhoneNumberContactFlow: 'flow',
  DescribeContactFlow: 'flow check',
  ListPhoneNumbersV2: 'list',
};

/** Calls served per number during the deploy, by operation (`search 1.02, claim 1.02, ...`). */
export function perNumber(o: Outcome): string {
  return Object.entries(o.deployServedByOp)
    .filter(([op]) => SHORT[op] !== undefined)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${SHORT[op]} ${(n / o.numbers).toFixed(2)}`).join(', ');
}

/** The rows of one scenario: its ratio to the bound (with its breakdown), and its failures and leaks. */
export function scaleRows(o: Outcome, rate: { perSecond: number; burst: number }): Row[] {
  const needed = o.numbers * CALLS_PER_NUMBER + o.groups * CALLS_PER_GROUP;
  const bound = boundMs(o, rate);
  const ratio = o.deployMs / bound;
  const note = o.failed.length > 0 ? { note: o.failed.slice(0, 3).map(f => f.slice(0, 300)).join(' | ') } : {};
  return [
    {
      section: 'scale',
      metric: `${o.what}: deploy ${s(o.deployMs)} s / bound ${s(bound)} s ((${needed} calls - burst ${rate.burst}) / ${rate.perSecond} per s); `
        + `calls per number ${(o.deployServed / o.numbers).toFixed(2)} (${perNumber(o)}); budget unused ${s(o.unusedMs)} s`,
      value: Number(ratio.toFixed(2)),
      unit: 'x',
      target: `<= ${MAX_RATIO}x`,
      met: ratio <= MAX_RATIO,
    },
    {
      section: 'scale',
      metric: `${o.what}: failed and leaked resources (${o.claimedAfterDeploy} claimed after the deploy, ${o.released} released by the destroy `
        + `in ${s(o.destroyMs)} s; ${o.served} calls served, ${o.throttled} throttled of which ${o.injected} injected; `
        + `peak sandboxes onEvent ${o.peakOnEvent}, isComplete ${o.peakIsComplete}; longest onEvent ${s(o.longestOnEventMs)} s)`,
      value: o.failed.length + o.leaked + (o.numbers - o.released),
      unit: 'resources',
      target: '0',
      met: o.failed.length === 0 && o.leaked === 0 && o.released === o.numbers,
      ...note,
    },
  ];
}
