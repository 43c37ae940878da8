/**
 * The stack changes only what it owns (issue 24), end to end: a number that existed before the stack,
 * a number on the default group, a construct moved to a new logical id, a group renamed while a number
 * from outside sits on it. Each case checks what the emulator holds after the failure or the refactor,
 * and after the next deploy.
 */
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SEED, served, startWorld, World } from './harness';
import {
  ClaimedPhoneNumber, ClaimedPhoneNumberProps, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';
import { ADOPTED_FROM_TAG, OWNER_NONE, OWNER_TAG } from '../../src/shared/names';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;
const FLOWS = { [SOURCE]: SEED.flowArn(SOURCE), [REPLICA]: SEED.flowArn(REPLICA) };
const MISSING_FLOW = SEED.flowArn(SOURCE, 'aaaaaaaa-0000-4000-8000-00000000dead');
const MAIN = '+12065550100';
const OTHER = '+12065550111';

let world: World;
beforeEach(async () => {
  world = await startWorld({ rateLimit: false });
});
afterEach(async () => {
  await world.close();
});

const number = (n: string) => world.emulator.claimedNumbers().find(x => x.phoneNumber === n);
const held = () => world.emulator.claimedNumbers().filter(n => n.status === 'CLAIMED').map(n => n.phoneNumber).sort();
const defaultGroup = () => world.emulator.groups().find(g => g.isDefault)!.arn;

/** A resource that fails at deploy time (its flow does not exist), after `after` was created. */
function failingAfter(stack: Stack, after: Construct): void {
  const broken = new ClaimedPhoneNumber(stack, 'Broken', {
    target: PhoneNumberTarget.instance(SEED.instanceArn), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, contactFlowArns: [MISSING_FLOW],
  });
  broken.node.addDependency(after);
}

function onDefaultGroup(stack: Stack, id: string, props: Partial<ClaimedPhoneNumberProps>): ClaimedPhoneNumber {
  const group = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, `${id}Group`, defaultGroup());
  const n = new ClaimedPhoneNumber(stack, id, {
    target: PhoneNumberTarget.trafficDistributionGroup(group), contactFlowArns: Object.values(FLOWS), ...props,
  });
  new CfnOutput(stack, `${id}Number`, { value: n.phoneNumber });
  return n;
}

test('case 1: a number in service before the stack, declared with DESTROY, survives the failed first deploy as it was; the next deploy adopts it; removing it then releases it', async () => {
  world.emulator.seedClaimedNumber(MAIN, defaultGroup(), { flows: FLOWS, description: 'in service since 2019' });
  await expect(world.deploy(s => failingAfter(s, onDefaultGroup(s, 'Main', { phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY }))))
    .rejects.toThrow(/ROLLBACK_COMPLETE after .*does not exist/);
  // Put back as it was: claimed, on its target, with its flows and description; the record says no stack owns it.
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: defaultGroup(), flows: FLOWS, description: 'in service since 2019' });
  expect(number(MAIN)!.tags).toEqual({ [OWNER_TAG]: OWNER_NONE });
  expect(served(world.emulator, 'ReleasePhoneNumber')).toEqual([]);

  const out = await world.deploy(s => onDefaultGroup(s, 'Main', { phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY }));
  expect(out.outputs.MainNumber).toBe(MAIN);
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: defaultGroup(), flows: FLOWS });
  expect(number(MAIN)!.tags[ADOPTED_FROM_TAG]).toBe(defaultGroup()); // adopted: a rollback would put it back
  expect(held()).toEqual([MAIN]);

  // The user removes it from the stack that owned it (here, deletes the stack): now DESTROY applies.
  await world.destroy();
  expect(held()).toEqual([]);
  expect(served(world.emulator, 'ReleasePhoneNumber')).toHaveLength(1);
}, 120_000);

test('case 2: a replica made outside the stack, adopted with DESTROY, survives the failed first deploy with its default group; the next deploy adopts it, deleting nothing; removing it then deletes it', async () => {
  const replica = (s: Stack) => {
    const r = new InstanceReplica(s, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA, removalPolicy: RemovalPolicy.DESTROY });
    new CfnOutput(s, 'DefaultGroupArn', { value: r.defaultTrafficDistributionGroup.trafficDistributionGroupArn });
    return r;
  };
  const group = defaultGroup();
  const replicated = { replicaRegions: [REPLICA], replicationStatus: { [REPLICA]: 'INSTANCE_REPLICATION_COMPLETE' } };
  expect(world.emulator.instance()).toMatchObject(replicated);

  await expect(world.deploy(s => failingAfter(s, replica(s)))).rejects.toThrow(/ROLLBACK_COMPLETE after .*does not exist/);
  // The rollback of the deployment that adopted it leaves the replica, and its default group, as they were.
  expect(served(world.emulator, 'DeleteInstance')).toEqual([]);
  expect(world.emulator.instance()).toMatchObject(replicated);
  expect(world.emulator.groups().filter(g => g.isDefault).map(g => ({ arn: g.arn, status: g.status }))).toEqual([{ arn: group, status: 'ACTIVE' }]);

  const out = await world.deploy(s => replica(s));
  expect(out.outputs.DefaultGroupArn).toBe(group);
  expect(served(world.emulator, 'DeleteInstance')).toEqual([]);
  expect(world.emulator.instance()).toMatchObject(replicated);

  // The user removes it from the stack that owned it (here, deletes the stack): now DESTROY applies.
  await world.destroy();
  expect(served(world.emulator, 'DeleteInstance')).toHaveLength(1);
  expect(world.emulator.instance().replicaRegions).toEqual([]);
  expect(world.emulator.groups().filter(g => g.isDefault)).toEqual([]);
}, 120_000);

test('case 3: a number of the stack on the default group (RETAIN) keeps its target and both flows through a failed deploy and a stack deletion', async () => {
  await expect(world.deploy(s => failingAfter(s, onDefaultGroup(s, 'Main', { phoneNumber: MAIN }))))
    .rejects.toThrow(/ROLLBACK_COMPLETE after .*does not exist/);
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: defaultGroup(), flows: FLOWS });
  expect(served(world.emulator, 'UpdatePhoneNumber')).toEqual([]); // never parked off a default group

  await world.deploy(s => onDefaultGroup(s, 'Main', { phoneNumber: MAIN }));
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: defaultGroup(), flows: FLOWS });
  expect(served(world.emulator, 'ClaimPhoneNumber').filter(c => c.status === 200)).toHaveLength(1);

  await world.destroy();
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: defaultGroup(), flows: FLOWS });
  expect(served(world.emulator, 'UpdatePhoneNumber')).toEqual([]);
  expect(held()).toEqual([MAIN]);
});

test('case 5: a searched number (RETAIN) of a first deploy that fails elsewhere is released by its rollback: two failed tries and one good deploy hold one number', async () => {
  const searched = (s: Stack) => {
    const n = new ClaimedPhoneNumber(s, 'Line', {
      target: PhoneNumberTarget.instance(SEED.instanceArn), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: '+1312',
    });
    new CfnOutput(s, 'LineNumber', { value: n.phoneNumber });
    return n;
  };
  for (let attempt = 1; attempt <= 2; attempt++) {
    await expect(world.deploy(s => failingAfter(s, searched(s)))).rejects.toThrow(/ROLLBACK_COMPLETE after .*does not exist/);
    expect(held()).toEqual([]); // released: claimed by a deployment that never completed
    expect(served(world.emulator, 'ReleasePhoneNumber')).toHaveLength(attempt);
  }
  const out = await world.deploy(s => searched(s));
  expect(held()).toEqual([out.outputs.LineNumber]);

  // Once the deployment completed, RETAIN holds: deleting the stack keeps the number.
  await world.destroy();
  expect(held()).toEqual([out.outputs.LineNumber]);
  expect(served(world.emulator, 'ReleasePhoneNumber')).toHaveLength(2);
});

describe('case 4: a ClaimedPhoneNumber moved into a wrapper construct (a new logical id)', () => {
  const build = (wrapped: boolean, removalPolicy: RemovalPolicy) => (s: Stack) => {
    const group = new TrafficDistributionGroup(s, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'support' });
    const scope = wrapped ? new Construct(s, 'Wrapper') : s;
    const n = new ClaimedPhoneNumber(scope, 'Main', {
      target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: MAIN, contactFlowArns: Object.values(FLOWS), removalPolicy,
    });
    new CfnOutput(s, 'MainArn', { value: n.phoneNumberArn });
  };

  for (const policy of [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN]) {
    test(`${policy}: the old resource's cleanup Delete leaves the number exactly as the new one declared it`, async () => {
      const before = await world.deploy(build(false, policy));
      const group = world.emulator.groups().find(g => g.name === 'support')!.arn;
      const owner = number(MAIN)!.tags[OWNER_TAG];

      const after = await world.deploy(build(true, policy));
      expect(after.cleanupFailures).toEqual([]);
      expect(after.outputs.MainArn).toBe(before.outputs.MainArn);
      expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: group, flows: FLOWS });
      // The new logical resource owns it outright: the old one let go (its record of the takeover is gone).
      expect(number(MAIN)!.tags[OWNER_TAG]).not.toBe(owner);
      expect(number(MAIN)!.tags[ADOPTED_FROM_TAG]).toBeUndefined();
      expect(served(world.emulator, 'ReleasePhoneNumber')).toEqual([]);
      expect(served(world.emulator, 'UpdatePhoneNumber')).toEqual([]);

      await world.deploy(build(true, policy));
      expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: group, flows: FLOWS });
      expect(held()).toEqual([MAIN]);
    });
  }
});

test('case 6: renaming a group that holds a number from outside fails first, creating nothing; declared, the number moves with the rename', async () => {
  const build = (name: string, declareOther: boolean) => (s: Stack) => {
    const group = new TrafficDistributionGroup(s, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: name });
    if (declareOther) {
      new ClaimedPhoneNumber(s, 'Other', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: OTHER });
    }
  };
  await world.deploy(build('support', false));
  const old = world.emulator.groups().find(g => g.name === 'support')!.arn;
  world.emulator.seedClaimedNumber(OTHER, old);

  await expect(world.deploy(build('support-2', false)))
    .rejects.toThrow(new RegExp(`UPDATE_ROLLBACK_COMPLETE after .*numbers this stack does not manage: \\${OTHER} .*Nothing was created`));
  expect(world.emulator.groups().filter(g => !g.isDefault).map(g => g.name)).toEqual(['support']);
  expect(served(world.emulator, 'CreateTrafficDistributionGroup')).toHaveLength(1);
  expect(number(OTHER)).toMatchObject({ status: 'CLAIMED', targetArn: old });

  // Declared in the stack (adopted), then renamed: the number moves to the new group, the old group goes.
  await world.deploy(build('support', true));
  const out = await world.deploy(build('support-2', true));
  expect(out.cleanupFailures).toEqual([]);
  const renamed = world.emulator.groups().find(g => g.name === 'support-2')!.arn;
  expect(world.emulator.groups().filter(g => !g.isDefault).map(g => g.name)).toEqual(['support-2']);
  expect(number(OTHER)).toMatchObject({ status: 'CLAIMED', targetArn: renamed });
});

test('a number that existed, declared in a replacement (a new phoneNumber) that fails elsewhere, is put back as it was; the number the resource held stays', async () => {
  const FOREIGN = '+12065550180';
  const line = (phoneNumber: string, removalPolicy: RemovalPolicy) => (s: Stack) => {
    const n = new ClaimedPhoneNumber(s, 'Main', {
      target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber, contactFlowArns: [FLOWS[SOURCE]], removalPolicy,
    });
    new CfnOutput(s, 'MainNumber', { value: n.phoneNumber });
    return n;
  };
  await world.deploy(line(MAIN, RemovalPolicy.RETAIN));
  world.emulator.seedClaimedNumber(FOREIGN, SEED.instanceArn, { flows: { [SOURCE]: FLOWS[SOURCE] } });

  await expect(world.deploy(s => failingAfter(s, line(FOREIGN, RemovalPolicy.DESTROY)(s)))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*does not exist/);
  expect(number(FOREIGN)).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn, flows: { [SOURCE]: FLOWS[SOURCE] } });
  expect(number(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn, flows: { [SOURCE]: FLOWS[SOURCE] } });
  expect(served(world.emulator, 'ReleasePhoneNumber')).toEqual([]);
  expect(held()).toEqual([MAIN, FOREIGN].sort());
});
