/**
 * The model test's steps for what the stack does not own outright (issue 24): a number the account held
 * before the stack, declared by phoneNumber (adopted), on the instance or on the default group; a number
 * of the stack on the default group; the replica made before the stack, adopted by an InstanceReplica;
 * Main moved to a new logical id (CloudFormation creates the new resource, then deletes the old one in
 * the cleanup). Each may fail elsewhere (a resource created after all the others fails) and roll back.
 * Their invariant, checked by expectWorld after every step: nothing that existed before the stack, or
 * that another logical resource manages, is released, deleted, moved or stripped of a flow by a Delete.
 */
import * as fc from 'fast-check';
import { expectedFlows, NumberConfig, specificNumber, StackConfig } from './configs';
import { deployed, drifted, expectWorld, Model, Real, refused, rolledBack } from './model';
import { SEED } from '../../local/emulator';

/** A deploy of `config` that fails on the broken resource and rolls back. */
async function failAndRollBack(m: Model, real: Real, config: StackConfig): Promise<void> {
  const error = await real.engine.deploy(real.cache.stack(config)).then(() => undefined, (e: Error) => e.message);
  expect(error).toMatch(/ROLLBACK_COMPLETE after .*does not exist/);
  expect(error).not.toMatch(/ROLLBACK_FAILED|rollback failed/);
  rolledBack(m, config, real.emulator, error);
  expectWorld(m, real);
}

async function deployOk(m: Model, real: Real, config: StackConfig): Promise<void> {
  const out = await real.engine.deploy(real.cache.stack(config));
  expect(out.cleanupFailures).toEqual([]);
  deployed(m, config, out.outputs);
  expectWorld(m, real);
}

type Slot2 = 'Main' | 'Third';

/**
 * Declares the slot's number of variant 2 by phoneNumber: one the account held before the stack
 * (`existed`: seeded claimed on the same target with the same flows, so that the declaration itself
 * moves nothing), or one the stack claims; on the instance or on the default group.
 */
export class DeclareNumber implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  constructor(readonly slot: Slot2, readonly onDefault: boolean, readonly retain: boolean, readonly existed: boolean, readonly fail: boolean) {}
  private get option(): NumberConfig {
    return {
      kind: 'specific', variant: 2, onGroup: false, retain: this.retain, flows: this.onDefault ? 2 : 1, ...(this.onDefault ? { onDefault: true } : {}),
    };
  }
  private get phoneNumber(): string {
    return specificNumber(this.slot, 2);
  }
  check(m: Model): boolean {
    const n = this.phoneNumber;
    const seeded = m.foreign.get(n);
    if (drifted(m) || m.unavailable.has(n) || m.kept.has(n) || m.parked.has(n) || m.adopted.has(n)
      || Object.values(m.deployed?.numbers ?? {}).some(h => h?.phoneNumber === n)) {
      return false;
    }
    // A number that existed stays where it was seeded (a failed adoption put it back there).
    if (seeded !== undefined && (!this.existed || seeded.targetArn !== (this.onDefault ? m.defaultGroupArn : SEED.instanceArn))) {
      return false;
    }
    const base = m.deployed?.config ?? { numbers: {} };
    this.config = { ...base, numbers: { ...base.numbers, [this.slot]: this.option }, ...(this.fail ? { broken: true } : {}) };
    return !refused(m, this.config);
  }
  async run(m: Model, real: Real): Promise<void> {
    const n = this.phoneNumber;
    if (this.existed && !m.foreign.has(n)) {
      const targetArn = this.onDefault ? m.defaultGroupArn : SEED.instanceArn;
      const flows = expectedFlows(this.option);
      real.emulator.seedClaimedNumber(n, targetArn, { flows });
      m.foreign.set(n, { targetArn, flows });
    }
    const before = real.emulator.calls.length;
    if (this.fail) {
      await failAndRollBack(m, real, this.config!);
    } else {
      await deployOk(m, real, this.config!);
    }
    if (this.existed) {
      // Nothing that existed before the stack is released, whatever happened.
      const released = real.emulator.calls.slice(before).filter(c => c.operation === 'ReleasePhoneNumber');
      expect(released.length === 0 || !m.foreign.has(n)).toBe(true);
    }
  }
  toString(): string {
    const what = `${this.existed ? 'adopt a number that existed' : 'claim a number'} on the ${this.onDefault ? 'default group' : 'instance'}`;
    return `${what}${this.fail ? ' in a deploy that fails' : ''} (${this.slot}, ${this.retain ? 'RETAIN' : 'DESTROY'})`;
  }
}

/**
 * An InstanceReplica of the replica made before the stack: adopted. DESTROY in a deploy that fails: the
 * rollback leaves the replica and its default group. DESTROY in a deploy that completes: nothing is
 * deleted, and the next deploy makes it RETAIN (so that the sequence's later removals keep it).
 */
export class AdoptReplica implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  constructor(readonly fail: boolean) {}
  check(m: Model): boolean {
    if (drifted(m) || m.deployed?.config.replica !== undefined) {
      return false;
    }
    const base = m.deployed?.config ?? { numbers: {} };
    this.config = { ...base, replica: 'destroy', ...(this.fail ? { broken: true } : {}) };
    return !refused(m, this.config);
  }
  async run(m: Model, real: Real): Promise<void> {
    if (this.fail) {
      await failAndRollBack(m, real, this.config!);
      return;
    }
    await deployOk(m, real, this.config!);
    await deployOk(m, real, { ...this.config!, replica: 'retain' });
  }
  toString(): string {
    return `adopt the replica with DESTROY${this.fail ? ' in a deploy that fails' : ''}`;
  }
}

/**
 * Main moved into (or out of) a wrapper construct: a new logical id, the same props. The number stays
 * held, on its target, with its flows; nothing is released or moved. In a deploy that fails, the
 * rollback's Delete of the new resource gives the number back to the old one, as it was.
 */
export class MoveConstruct implements fc.AsyncCommand<Model, Real> {
  private config?: StackConfig;
  constructor(readonly fail: boolean) {}
  check(m: Model): boolean {
    const d = m.deployed;
    if (d?.numbers.Main === undefined || drifted(m)) {
      return false;
    }
    const { moved, broken: _, ...rest } = d.config;
    this.config = { ...rest, ...(moved ? {} : { moved: true }), ...(this.fail ? { broken: true } : {}) };
    return true;
  }
  async run(m: Model, real: Real): Promise<void> {
    const before = real.emulator.calls.length;
    if (this.fail) {
      await failAndRollBack(m, real, this.config!);
    } else {
      await deployOk(m, real, this.config!);
    }
    const moves = real.emulator.calls.slice(before).filter(c => c.operation === 'ReleasePhoneNumber' || c.operation === 'UpdatePhoneNumber'
      || c.operation === 'DisassociatePhoneNumberContactFlow');
    expect(moves).toEqual([]);
  }
  toString(): string {
    return `move Main to a new logical id${this.fail ? ' in a deploy that fails' : ''}`;
  }
}

/** The steps above, for the model's sequences (one draw for all: each costs a synthesis or two). */
export const ownershipSteps = fc.oneof(
  fc.tuple(fc.constantFrom<Slot2>('Main', 'Third'), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([slot, onDefault, retain, existed, fail]) => new DeclareNumber(slot, onDefault, retain, existed, fail)),
  fc.boolean().map(fail => new AdoptReplica(fail)),
  fc.boolean().map(fail => new MoveConstruct(fail)),
);
