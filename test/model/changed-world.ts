/**
 * The model test's steps for a world that changed under the stack (issue 25): an update of a
 * resource gone outside CloudFormation, a deploy during an outage of the replica Region, and a split
 * change cancelled while its waiter polls. Their invariant: no step ever ends in ROLLBACK_FAILED or
 * UPDATE_ROLLBACK_FAILED, and a deploy during the outage makes no call there unless its change needs one.
 */
import * as fc from 'fast-check';
import { SPLITS, STACK_NAME, Slot, SLOTS, StackConfig } from './configs';
import { deployed, drifted, expectWorld, Model, Real, rolledBack } from './model';
import { SEED } from '../../local/emulator';

/** No rollback failed: the stack is deployable again. */
function expectNoRollbackFailed(error: string | undefined): void {
  expect(error ?? '').not.toMatch(/ROLLBACK_FAILED|rollback failed/);
}

/**
 * An in-place update of a resource gone outside CloudFormation: the removal policy of a released
 * number toggled, or the split of a deleted group changed. The forward fails naming what is gone;
 * the rollback completes (nothing to roll back); the account is as before.
 */
export class UpdateWhileGone implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  constructor(readonly split: typeof SPLITS[number]) {}
  check(m: Model): boolean {
    const d = m.deployed;
    this.config = undefined;
    if (d === undefined || !drifted(m)) {
      return false;
    }
    const released = SLOTS.find(s => m.releasedSlots.has(s) && d.config.numbers[s] !== undefined);
    if (released !== undefined) {
      const n = d.config.numbers[released]!;
      this.config = { group: d.config.group, numbers: { ...d.config.numbers, [released]: { ...n, retain: !n.retain } } };
    } else if (m.groupGone && d.config.group !== undefined && this.split !== undefined && this.split !== d.config.group.split) {
      this.config = { group: { ...d.config.group, split: this.split }, numbers: d.config.numbers };
    }
    return this.config !== undefined;
  }
  async run(m: Model, real: Real): Promise<void> {
    const error = await real.engine.deploy(real.cache.stack(this.config!)).then(() => undefined, (e: Error) => e.message);
    expectNoRollbackFailed(error);
    expect(error).toMatch(/UPDATE_ROLLBACK_COMPLETE after .*no longer exists: it was (released|deleted) outside CloudFormation/);
    rolledBack(m, this.config!, real.emulator);
    expectWorld(m, real);
  }
  toString(): string {
    return `update a resource gone out of band${this.split === undefined ? '' : ` (split ${this.split})`}`;
  }
}

/**
 * The replica Region down, and a deploy whose only change is the removal policy of every number
 * (no flow, no move): it completes and makes no call to the replica Region.
 */
export class DeployDuringOutage implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  check(m: Model): boolean {
    const d = m.deployed;
    const slots = SLOTS.filter(s => d?.config.numbers[s] !== undefined);
    if (d === undefined || drifted(m) || slots.length === 0) {
      return false;
    }
    const numbers: Partial<Record<Slot, NonNullable<StackConfig['numbers'][Slot]>>> = { ...d.config.numbers };
    slots.forEach(s => (numbers[s] = { ...numbers[s]!, retain: !numbers[s]!.retain }));
    this.config = { group: d.config.group, numbers };
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    const since = real.emulator.calls.length;
    real.emulator.failRegion(SEED.replicaRegion);
    try {
      const out = await real.engine.deploy(real.cache.stack(this.config!));
      expect(real.engine.stackStatus(STACK_NAME)).toBe('UPDATE_COMPLETE');
      expect(real.emulator.calls.slice(since).filter(c => c.region === SEED.replicaRegion)).toEqual([]);
      deployed(m, this.config!, out.outputs);
    } finally {
      real.emulator.restoreRegion(SEED.replicaRegion);
    }
    expectWorld(m, real);
  }
  toString(): string {
    return 'deploy a removal-policy change during an outage of the replica Region';
  }
}

/**
 * A split change cancelled (cancel-update-stack) while its waiter polls (its UpdateTrafficDistribution
 * throttled): the rollback completes at once, and the cancelled update's waiter, which keeps running,
 * never moves the split: an hour later it is still the old one.
 */
export class CancelledSplitChange implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  constructor(readonly split: 70 | 50) {}
  check(m: Model): boolean {
    const group = m.deployed?.config.group;
    if (group === undefined || drifted(m) || group.split === undefined || group.split === this.split || m.groupSplit !== group.split) {
      return false;
    }
    this.config = { group: { ...group, split: this.split }, numbers: m.deployed!.config.numbers };
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    const arn = m.deployed!.groupArn!;
    const live = real.emulator.distribution(arn).telephony;
    real.emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 3, status: 429 });
    const since = real.emulator.calls.length;
    const outcome = real.engine.deploy(real.cache.stack(this.config!)).then(() => undefined, (e: Error) => e.message);
    for (let i = 0; !real.emulator.calls.slice(since).some(c => c.operation === 'UpdateTrafficDistribution' && c.status === 429); i++) {
      expect(i).toBeLessThan(36_000); // an hour of simulated polling at most
      await new Promise(r => setTimeout(r, 100));
    }
    real.engine.cancelUpdateStack(STACK_NAME);
    const error = await outcome;
    expectNoRollbackFailed(error);
    expect(error).toMatch(/UPDATE_ROLLBACK_COMPLETE after .*Resource update cancelled/);
    await new Promise(r => setTimeout(r, 3_600_000));
    real.emulator.clearFaults();
    expect(real.emulator.distribution(arn).telephony).toEqual(live);
    expectWorld(m, real);
  }
  toString(): string {
    return `cancel a split change to ${this.split} while its waiter polls`;
  }
}

/** The steps above, for the model's sequences. */
export const changedWorldSteps = [
  fc.constantFrom(...SPLITS).map(s => new UpdateWhileGone(s)),
  fc.constant(new DeployDuringOutage()),
  fc.constantFrom<70 | 50>(70, 50).map(s => new CancelledSplitChange(s)),
];
