/**
 * The finite space of stack configurations the model-based lifecycle test deploys, and a cache
 * that synthesizes each distinct configuration once (CDK synthesis costs far more than a deploy
 * against the emulator). Every option is valid, so a deploy fails only when a fault says so.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { SEED } from '../../local/emulator';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';

export const STACK_NAME = 'Model';
export const SOURCE_FLOW = SEED.flowArn(SEED.sourceRegion);
export const REPLICA_FLOW = SEED.flowArn(SEED.replicaRegion);

/** Telephony splits: the service's default (none declared), and two declared ones. */
export const SPLITS = [undefined, 70, 50] as const;

export interface GroupConfig {
  /** Changing the name replaces the group. */
  readonly name: 'support' | 'sales';
  /** Percentage of calls to the source Region (the rest to the replica); undefined = not declared. */
  readonly split: typeof SPLITS[number];
}

export interface NumberConfig {
  /** A specific number (one per slot and variant), or one searched by prefix. */
  readonly kind: 'specific' | 'searched';
  /** Selects the phoneNumber or the prefix; changing it replaces the number. Variant 2: a number the account held before the stack (issue 24). */
  readonly variant: 0 | 1 | 2;
  readonly onGroup: boolean;
  /** On the default group that replication created (issue 24; onGroup is then false). */
  readonly onDefault?: true;
  readonly retain: boolean;
  /** 0, 1 (source Region) or 2 (both Regions: group numbers only). */
  readonly flows: 0 | 1 | 2;
}

export const SLOTS = ['Main', 'Second', 'Third'] as const;
export type Slot = typeof SLOTS[number];

export interface StackConfig {
  readonly group?: GroupConfig;
  readonly numbers: Partial<Record<Slot, NumberConfig>>;
  /** An InstanceReplica of the (already replicated) instance: it adopts the replica (issue 24). */
  readonly replica?: 'destroy' | 'retain';
  /** Main declared inside a wrapper construct: a new logical id for the same number (a refactor). */
  readonly moved?: true;
  /** A resource that fails at deploy time (its flow does not exist), after every other one. */
  readonly broken?: true;
}

/**
 * The specific numbers, per slot and variant: out of the range searches reach first (search order
 * starts at +12065550100), so a searched number never takes one a later step declares.
 */
export function specificNumber(slot: Slot, variant: 0 | 1 | 2): string {
  // Variant 2: numbers the account held before the stack (seeded claimed), which no other option declares.
  return variant === 2 ? `+120655501${80 + SLOTS.indexOf(slot)}` : `+120655501${90 + SLOTS.indexOf(slot) * 2 + variant}`;
}

/** The searched prefixes: both select the same pool, but a change is a replacement. */
export const PREFIXES = ['+1206', '+120655501'] as const;

/** The number a configuration declares, or the prefix it searches with. */
export function declared(n: NumberConfig, slot: Slot): { phoneNumber?: string; prefix?: string } {
  return n.kind === 'specific' ? { phoneNumber: specificNumber(slot, n.variant) } : { prefix: PREFIXES[n.variant as 0 | 1] };
}

/** The properties whose change replaces the number (DESIGN.md lifecycle table). */
export function replacementKey(n: NumberConfig, slot: Slot): string {
  return JSON.stringify(declared(n, slot));
}

export function expectedFlows(n: NumberConfig): Record<string, string> {
  return {
    ...(n.flows >= 1 ? { [SEED.sourceRegion]: SOURCE_FLOW } : {}),
    ...(n.flows >= 2 ? { [SEED.replicaRegion]: REPLICA_FLOW } : {}),
  };
}

/**
 * Per slot a few options, so that configurations stay few (each is synthesized once) while
 * transitions between them still cover creation, in-place updates (split, move, flows, removal
 * policy) and replacements (group name, phoneNumber, prefix).
 */
export const SLOT_OPTIONS: Record<Slot, NumberConfig[]> = {
  Main: [
    { kind: 'specific', variant: 0, onGroup: true, retain: true, flows: 2 },
    { kind: 'specific', variant: 0, onGroup: false, retain: true, flows: 1 },
    { kind: 'specific', variant: 1, onGroup: true, retain: false, flows: 0 },
  ],
  Second: [
    { kind: 'searched', variant: 0, onGroup: false, retain: false, flows: 1 },
    { kind: 'searched', variant: 0, onGroup: true, retain: false, flows: 2 },
    { kind: 'searched', variant: 1, onGroup: true, retain: true, flows: 0 },
  ],
  Third: [
    { kind: 'searched', variant: 0, onGroup: false, retain: true, flows: 0 },
    { kind: 'specific', variant: 0, onGroup: false, retain: false, flows: 1 },
  ],
};

export const GROUP_OPTIONS: GroupConfig[] = [
  { name: 'support', split: undefined },
  { name: 'support', split: 70 },
  { name: 'sales', split: 50 },
];

/** Every configuration of the options above: 0-1 group and 0-3 numbers (at least one resource), numbers on the group only when there is one. */
function everyConfig(): StackConfig[] {
  const optional = <T>(xs: T[]) => [undefined, ...xs];
  const out: StackConfig[] = [];
  for (const group of optional(GROUP_OPTIONS)) {
    for (const Main of optional(SLOT_OPTIONS.Main)) {
      for (const Second of optional(SLOT_OPTIONS.Second)) {
        for (const Third of optional(SLOT_OPTIONS.Third)) {
          const numbers = Object.fromEntries(Object.entries({ Main, Second, Third }).filter(([, n]) => n !== undefined)) as StackConfig['numbers'];
          const valid = Object.values(numbers).every(n => group !== undefined || !n.onGroup);
          // CloudFormation refuses a stack without resources.
          if (valid && (group !== undefined || Object.keys(numbers).length > 0)) {
            out.push({ group, numbers });
          }
        }
      }
    }
  }
  return out;
}

/** How many configurations the tests draw from: each costs a synthesis (most of a run's time). */
export const CONFIG_COUNT = 36;

/** A fixed sample (the same on every run) of CONFIG_COUNT configurations. */
export const CONFIGS: ReadonlyArray<StackConfig> = fc.sample(
  fc.shuffledSubarray(everyConfig(), { minLength: CONFIG_COUNT, maxLength: CONFIG_COUNT }), { seed: 42, numRuns: 1 })[0];

export const stackConfig: fc.Arbitrary<StackConfig> = fc.constantFrom(...CONFIGS);

/** A canonical, readable key of a configuration (also how counterexamples print). */
export function configKey(c: StackConfig): string {
  const g = c.group === undefined ? 'no group' : `group ${c.group.name}${c.group.split === undefined ? '' : ` ${c.group.split}/${100 - c.group.split}`}`;
  const ns = SLOTS.filter(s => c.numbers[s] !== undefined).map(s => {
    const n = c.numbers[s]!;
    const d = declared(n, s);
    const target = n.onDefault ? 'default group' : n.onGroup ? 'group' : 'instance';
    return `${s}${s === 'Main' && c.moved ? ' (moved)' : ''}=${d.phoneNumber ?? `search ${d.prefix}`} on ${target} ${n.retain ? 'RETAIN' : 'DESTROY'} flows:${n.flows}`;
  });
  const extra = [...(c.replica ? [`replica ${c.replica.toUpperCase()}`] : []), ...(c.broken ? ['broken'] : [])];
  return [g, ...ns, ...extra].join(', ');
}

/** A resource that fails at deploy time (its flow does not exist), after every other one of the stack. */
const MISSING_FLOW = SEED.flowArn(SEED.sourceRegion, 'aaaaaaaa-0000-4000-8000-00000000dead');

function build(stack: Stack, c: StackConfig, defaultGroupArn: () => string): void {
  let group: TrafficDistributionGroup | undefined;
  if (c.group !== undefined) {
    const split = c.group.split;
    group = new TrafficDistributionGroup(stack, 'Group', {
      instanceArn: SEED.instanceArn,
      trafficDistributionGroupName: c.group.name,
      ...(split === undefined ? {} : { telephonyDistribution: { [SEED.sourceRegion]: split, [SEED.replicaRegion]: 100 - split } }),
    });
    new CfnOutput(stack, 'GroupArn', { value: group.trafficDistributionGroupArn });
  }
  for (const slot of SLOTS) {
    const n = c.numbers[slot];
    if (n === undefined) {
      continue;
    }
    const d = declared(n, slot);
    const target = n.onDefault
      ? PhoneNumberTarget.trafficDistributionGroup(TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, `${slot}DefaultGroup`, defaultGroupArn()))
      : n.onGroup ? PhoneNumberTarget.trafficDistributionGroup(group!) : PhoneNumberTarget.instance(SEED.instanceArn);
    const number = new ClaimedPhoneNumber(slot === 'Main' && c.moved ? new Construct(stack, 'Wrapper') : stack, slot, {
      target,
      ...(d.phoneNumber !== undefined ? { phoneNumber: d.phoneNumber } : { countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: d.prefix }),
      contactFlowArns: Object.values(expectedFlows(n)),
      removalPolicy: n.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new CfnOutput(stack, `${slot}Number`, { value: number.phoneNumber });
    new CfnOutput(stack, `${slot}Arn`, { value: number.phoneNumberArn });
  }
  if (c.replica !== undefined) {
    new InstanceReplica(stack, 'Replica', {
      instanceArn: SEED.instanceArn,
      replicaRegion: SEED.replicaRegion,
      removalPolicy: c.replica === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
  if (c.broken) {
    const others = stack.node.children.filter(x => x instanceof Construct && !(x instanceof CfnOutput));
    const broken = new ClaimedPhoneNumber(stack, 'Broken', {
      target: PhoneNumberTarget.instance(SEED.instanceArn), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, contactFlowArns: [MISSING_FLOW],
    });
    others.forEach(o => broken.node.addDependency(o));
  }
}

/**
 * Synthesizes each configuration once. The engine synthesizes the stack it is given, and an App
 * synthesizes only once (later calls return its cloud assembly), so deploying a cached Stack
 * again costs no synthesis.
 */
export class StackCache {
  private readonly stacks = new Map<string, Stack>();
  private readonly outdirs: string[] = [];
  /** The default group's ARN: the same in every world of a shard (derived from the world's seed); set from the first world. */
  public defaultGroupArn?: string;

  public get size(): number {
    return this.stacks.size;
  }

  public stack(c: StackConfig): Stack {
    const key = configKey(c);
    let stack = this.stacks.get(key);
    if (stack === undefined) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-model-'));
      this.outdirs.push(outdir);
      stack = new Stack(new App({ outdir }), STACK_NAME, { env: { account: SEED.account, region: SEED.sourceRegion } });
      build(stack, c, () => this.defaultGroupArn ?? (() => {
        throw new Error('the default group ARN is not known yet');
      })());
      this.stacks.set(key, stack);
    }
    return stack;
  }

  public dispose(): void {
    this.outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
  }
}
