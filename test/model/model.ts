/**
 * What should exist in the Connect account after each step of a lifecycle, and the check that
 * the emulator holds exactly that: the stack's group and numbers (as declared), the numbers RETAIN
 * kept after the stack let go of them (claimed, parked on the instance), and nothing else.
 */
import { declared, expectedFlows, NumberConfig, replacementKey, Slot, SLOTS, StackCache, StackConfig } from './configs';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { LocalCloudFormation } from '../../local/engine';
import { expectContract } from '../e2e/harness';

/** A number the stack holds: what the deploy's outputs said. */
export interface Held {
  readonly phoneNumber: string;
  readonly arn: string;
}

export interface Model {
  /** The stack as last deployed successfully (undefined: no stack). */
  deployed?: {
    readonly config: StackConfig;
    readonly groupArn?: string;
    readonly numbers: Partial<Record<Slot, Held>>;
  };
  /**
   * The group's telephony percentage in the source Region. A configuration that declares no split
   * leaves the split as it is, so after the rollback of an update that changed it from an
   * undeclared one, either is right (undefined: not checked).
   */
  groupSplit?: number;
  /** The stack's group was deleted outside CloudFormation. */
  groupGone: boolean;
  /** The stack's numbers released outside CloudFormation. */
  readonly releasedSlots: Set<Slot>;
  /** Numbers RETAIN kept when the stack let go of them: still claimed, on the instance. */
  readonly parked: Set<string>;
  /** Specific numbers a configuration must not declare again: released (cooling down for 180 days), failed, or parked. */
  readonly unavailable: Set<string>;
  /**
   * Numbers the account held before the stack (issue 24), not held by the stack now: exactly as they
   * were seeded (claimed, on their target, with their flows), whatever fails or rolls back.
   */
  readonly foreign: Map<string, Kept>;
  /** Numbers the stack holds that it adopted (they existed before): what they were before. */
  readonly adopted: Map<string, Kept>;
  /** Numbers let go of but kept claimed off the instance: an adopted number put back, a RETAIN number left on the default group. */
  readonly kept: Map<string, Kept>;
  /** The default group's ARN (replication made it; the stack never deletes it). */
  readonly defaultGroupArn: string;
}

/** Where a number must be, and (when checked) with which flows. */
export interface Kept {
  readonly targetArn: string;
  readonly flows?: Record<string, string>;
}

export interface Real {
  readonly emulator: ConnectEmulator;
  readonly engine: LocalCloudFormation;
  readonly cache: StackCache;
}

export function initialModel(defaultGroupArn: string): Model {
  return {
    groupGone: false,
    releasedSlots: new Set(),
    parked: new Set(),
    unavailable: new Set(),
    foreign: new Map(),
    adopted: new Map(),
    kept: new Map(),
    defaultGroupArn,
  };
}

export const drifted = (m: Model) => m.groupGone || m.releasedSlots.size > 0;

/**
 * The stack let go of a number: RETAIN parks it on the instance (a number on the default group stays
 * there with its flows; an adopted one goes back to where it was), DESTROY releases it (an adopted one
 * too: the user removed it from the stack that owned it).
 */
function letGo(m: Model, held: Held, n: NumberConfig): void {
  const before = m.adopted.get(held.phoneNumber);
  m.adopted.delete(held.phoneNumber);
  if (n.retain && before !== undefined) {
    m.kept.set(held.phoneNumber, before);
  } else if (n.retain && n.onDefault) {
    m.kept.set(held.phoneNumber, { targetArn: m.defaultGroupArn, flows: expectedFlows(n) });
  } else if (n.retain) {
    m.parked.add(held.phoneNumber);
  }
  m.unavailable.add(held.phoneNumber);
}

/** After a successful deploy: the outputs name what the stack now holds. */
export function deployed(m: Model, config: StackConfig, outputs: Record<string, string>): void {
  const before = m.deployed;
  const numbers: Partial<Record<Slot, Held>> = {};
  for (const slot of SLOTS) {
    const was = before?.config.numbers[slot];
    const held = before?.numbers[slot];
    const now = config.numbers[slot];
    const kept = was !== undefined && now !== undefined && replacementKey(was, slot) === replacementKey(now, slot);
    if (now !== undefined) {
      numbers[slot] = { phoneNumber: outputs[`${slot}Number`], arn: outputs[`${slot}Arn`] };
      const existed = m.foreign.get(numbers[slot]!.phoneNumber);
      if (existed !== undefined) {
        m.foreign.delete(numbers[slot]!.phoneNumber);
        m.adopted.set(numbers[slot]!.phoneNumber, existed);
      }
      const d = declared(now, slot);
      expect(numbers[slot]!.phoneNumber.startsWith(d.phoneNumber ?? d.prefix!)).toBe(true);
      if (kept) {
        // An update in place keeps the number: never claimed again.
        expect(numbers[slot]).toEqual(held);
      }
    }
    if (was !== undefined && held !== undefined && !kept) {
      letGo(m, held, was);
    }
  }
  const sameGroup = before?.config.group !== undefined && config.group?.name === before.config.group.name;
  if (sameGroup) {
    expect(outputs.GroupArn).toBe(before!.groupArn);
  }
  // A new group starts at 100/0 and gets the declared split. On the same group a deploy moves the
  // live split only when its declaration changed (an out-of-band failover stays in effect otherwise).
  const declarationChanged = sameGroup && config.group!.split !== before!.config.group!.split;
  m.groupSplit = !sameGroup ? config.group?.split ?? 100
    : declarationChanged && config.group!.split !== undefined ? config.group!.split : m.groupSplit;
  m.deployed = { config, groupArn: outputs.GroupArn, numbers };
}

/**
 * The deploy of `config` must be refused: it changes the declared split of the same group while
 * the live split is neither the previous declaration nor the new one (an out-of-band failover).
 */
export function refused(m: Model, config: StackConfig): boolean {
  const before = m.deployed?.config.group;
  const now = config.group;
  return before !== undefined && now !== undefined && now.name === before.name && !m.groupGone
    && before.split !== undefined && now.split !== undefined && now.split !== before.split
    && m.groupSplit !== undefined && m.groupSplit !== before.split && m.groupSplit !== now.split;
}

/** After a successful destroy. */
export function destroyed(m: Model): void {
  for (const slot of SLOTS) {
    const held = m.deployed?.numbers[slot];
    if (held !== undefined && !m.releasedSlots.has(slot)) {
      letGo(m, held, m.deployed!.config.numbers[slot]!);
    }
  }
  m.deployed = undefined;
  m.groupGone = false;
  m.releasedSlots.clear();
}

/**
 * After a deploy that failed and rolled back: the account is as before, except that numbers the
 * deploy claimed for a RETAIN declaration are kept (parked on the instance: the rollback deleted
 * them with that policy), and numbers the failure reason names (a number chosen by phoneNumber
 * that a failed request kept, parked on the instance too). Those extras are learned here; anything
 * else extra fails the check: every claimed number is managed by the stack, or retained by its
 * policy, or named in the last failure reason.
 */
export function rolledBack(m: Model, config: StackConfig, emulator: ConnectEmulator, reason = ''): void {
  const group = m.deployed?.config.group;
  if (group !== undefined && group.split === undefined && config.group?.name === group.name && config.group.split !== undefined) {
    m.groupSplit = undefined; // the rollback leaves the undeclared split as the failed update may have set it
  }
  const expected = new Set(expectedNumbers(m).map(n => n.phoneNumber));
  const retainedDeclarations = SLOTS.filter(s => config.numbers[s]?.retain === true).map(s => declared(config.numbers[s]!, s));
  // A number kept on the default group stays there (never parked off it).
  const onDefault = new Set(SLOTS.filter(s => config.numbers[s]?.onDefault === true).map(s => declared(config.numbers[s]!, s).phoneNumber));
  for (const n of emulator.claimedNumbers()) {
    if (n.status === 'FAILED') {
      m.unavailable.add(n.phoneNumber);
    } else if (!expected.has(n.phoneNumber)) {
      const extra = { phoneNumber: n.phoneNumber, status: n.status, targetArn: n.targetArn };
      const targetArn = onDefault.has(n.phoneNumber) ? m.defaultGroupArn : SEED.instanceArn;
      expect(extra).toEqual({ phoneNumber: n.phoneNumber, status: 'CLAIMED', targetArn });
      const named = reason.includes(`The number ${n.phoneNumber} (`);
      const retained = retainedDeclarations.some(d => n.phoneNumber.startsWith(d.phoneNumber ?? d.prefix!));
      expect({ phoneNumber: n.phoneNumber, retainedOrNamed: named || retained }).toEqual({ phoneNumber: n.phoneNumber, retainedOrNamed: true });
      if (targetArn === SEED.instanceArn) {
        m.parked.add(n.phoneNumber);
      } else {
        m.kept.set(n.phoneNumber, { targetArn });
      }
    }
  }
  // A specific number the failed deploy declared may have been claimed and released: never again.
  for (const slot of SLOTS) {
    const d = config.numbers[slot] === undefined ? undefined : declared(config.numbers[slot]!, slot);
    if (d?.phoneNumber !== undefined && m.deployed?.numbers[slot]?.phoneNumber !== d.phoneNumber) {
      m.unavailable.add(d.phoneNumber);
    }
  }
}

interface ExpectedNumber {
  readonly phoneNumber: string;
  readonly status: 'CLAIMED';
  readonly targetArn: string;
  readonly arn?: string;
  readonly flows?: Record<string, string>;
}

function expectedNumbers(m: Model): ExpectedNumber[] {
  const out: ExpectedNumber[] = [...m.parked].map(phoneNumber => ({ phoneNumber, status: 'CLAIMED', targetArn: SEED.instanceArn }));
  for (const [phoneNumber, k] of [...m.foreign, ...m.kept]) {
    out.push({ phoneNumber, status: 'CLAIMED', targetArn: k.targetArn, ...(k.flows === undefined ? {} : { flows: k.flows }) });
  }
  for (const slot of SLOTS) {
    const held = m.deployed?.numbers[slot];
    if (held !== undefined && !m.releasedSlots.has(slot)) {
      const n = m.deployed!.config.numbers[slot]!;
      out.push({
        phoneNumber: held.phoneNumber,
        arn: held.arn,
        status: 'CLAIMED',
        targetArn: n.onDefault ? m.defaultGroupArn : n.onGroup ? m.deployed!.groupArn! : SEED.instanceArn,
        flows: expectedFlows(n),
      });
    }
  }
  return out.sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber));
}

/**
 * The invariants after every step: each delivery answered exactly once, and the account holds
 * exactly the model's groups and numbers (nothing leaked, duplicated, or released that RETAIN keeps).
 */
export function expectWorld(m: Model, real: Real): void {
  expectContract(real.engine);
  const group = m.groupGone ? undefined : m.deployed?.config.group;
  // A group being deleted is on its way out (the group of a failed replacement is deleted without
  // waiting: its deletion cannot hold up the rollback); anything else not in the model is a leak.
  const groups = real.emulator.groups()
    .filter(g => !g.isDefault && (g.status !== 'PENDING_DELETION' || g.arn === m.deployed?.groupArn))
    .map(g => ({ name: g.name, arn: g.arn, status: g.status }));
  expect(groups).toEqual(group === undefined ? [] : [{ name: group.name, arn: m.deployed!.groupArn, status: 'ACTIVE' }]);
  if (group !== undefined && m.groupSplit !== undefined) {
    const split = m.groupSplit;
    expect(real.emulator.distribution(m.deployed!.groupArn!).telephony)
      .toEqual({ [SEED.sourceRegion]: split, [SEED.replicaRegion]: 100 - split });
  }
  const expected = expectedNumbers(m);
  const actual = real.emulator.claimedNumbers()
    .filter(n => n.status !== 'FAILED')
    .sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber))
    .map((n, i) => ({
      phoneNumber: n.phoneNumber,
      status: n.status,
      targetArn: n.targetArn,
      // Parked numbers: whatever flows they kept are not the model's business.
      ...(expected[i]?.arn !== undefined ? { arn: n.arn } : {}),
      ...(expected[i]?.flows !== undefined ? { flows: n.flows } : {}),
    }));
  expect(actual).toEqual(expected);
  // The replica made before the stack, and its default group, are never deleted (issue 24): no step
  // deletes the replica (an InstanceReplica the stack adopts is RETAIN by the time it is removed).
  expect(real.emulator.instance()).toMatchObject({
    replicaRegions: [SEED.replicaRegion], replicationStatus: { [SEED.replicaRegion]: 'INSTANCE_REPLICATION_COMPLETE' },
  });
  expect(real.emulator.groups().filter(g => g.isDefault).map(g => ({ arn: g.arn, status: g.status })))
    .toEqual([{ arn: m.defaultGroupArn, status: 'ACTIVE' }]);
  expect(real.emulator.calls.filter(c => c.operation === 'DeleteInstance')).toEqual([]);
}
