/**
 * From one instance to the whole Global Resiliency chain, end to end: InstanceReplica, then a
 * group on the replicated instance, the sign-in distribution on the default group that
 * replication created, and agents on the group.
 */
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import {
  InstanceReplica, TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;

describe('InstanceReplica chain end to end', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ replicated: false });
  });
  afterEach(async () => {
    await world.close();
  });

  test('replica, then default group sign-in, group and agents; no group is created before replication is complete', async () => {
    const out = await world.deploy(s => {
      const replica = new InstanceReplica(s, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA });
      const group = new TrafficDistributionGroup(s, 'Group', {
        instanceArn: replica.instanceArn,
        trafficDistributionGroupName: 'support',
        telephonyDistribution: { [SOURCE]: 70, [REPLICA]: 30 },
      });
      new TrafficDistribution(s, 'SignIn', {
        trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
        signInDistribution: { [SOURCE]: true, [REPLICA]: false },
      });
      new TrafficDistributionGroupUsers(s, 'Agents', { trafficDistributionGroup: group, userIds: SEED.userIds });
      new CfnOutput(s, 'GroupArn', { value: group.trafficDistributionGroupArn });
      new CfnOutput(s, 'DefaultGroupArn', { value: replica.defaultTrafficDistributionGroup.trafficDistributionGroupArn });
      new CfnOutput(s, 'ReplicaArn', { value: replica.replicaInstanceArn });
    });

    expect(out.outputs.ReplicaArn).toBe(`arn:aws:connect:${REPLICA}:${SEED.account}:instance/${SEED.instanceId}`);
    const defaultGroup = world.emulator.groups().find(g => g.isDefault)!;
    expect(defaultGroup.arn).toBe(out.outputs.DefaultGroupArn);
    expect(world.emulator.distribution(defaultGroup.arn).signIn).toEqual({ [SOURCE]: true, [REPLICA]: false });
    expect(world.emulator.groups().find(g => g.arn === out.outputs.GroupArn)).toMatchObject({ status: 'ACTIVE', isDefault: false });
    expect(world.emulator.distribution(out.outputs.GroupArn).telephony).toEqual({ [SOURCE]: 70, [REPLICA]: 30 });
    expect([...world.emulator.groupUsers(out.outputs.GroupArn)].sort()).toEqual([...SEED.userIds].sort());

    // The group's creation waited for the replica: the emulator refuses CreateTrafficDistributionGroup
    // until replication is complete; the one call it served (its rate limiter aside) succeeded, after ReplicateInstance.
    expect(world.emulator.instance().replicationStatus).toEqual({ [REPLICA]: 'INSTANCE_REPLICATION_COMPLETE' });
    const creates = served(world.emulator, 'CreateTrafficDistributionGroup');
    expect(creates.map(c => c.status)).toEqual([200]);
    const replicate = world.emulator.calls.find(c => c.operation === 'ReplicateInstance')!;
    expect(replicate.at).toBeLessThan(creates[0].at);

    // Deleting the stack takes the agents off the group, then deletes the group; the replica stays (RETAIN).
    await world.destroy();
    expect(served(world.emulator, 'DisassociateTrafficDistributionGroupUser').filter(c => c.status === 200))
      .toHaveLength(SEED.userIds.length);
    expect(world.emulator.groups().filter(g => !g.isDefault)).toEqual([]);
    expect(world.emulator.instance().replicationStatus).toEqual({ [REPLICA]: 'INSTANCE_REPLICATION_COMPLETE' });
  });

  test('a replica with RemovalPolicy.DESTROY is deleted with the stack, and its default group with it', async () => {
    await world.deploy(s => new InstanceReplica(s, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA, removalPolicy: RemovalPolicy.DESTROY }));
    expect(world.emulator.instance().replicationStatus).toEqual({ [REPLICA]: 'INSTANCE_REPLICATION_COMPLETE' });
    expect(world.emulator.groups().filter(g => g.isDefault)).toHaveLength(1);

    await world.destroy();
    expect(world.emulator.instance().replicaRegions).toEqual([]);
    expect(world.emulator.groups()).toEqual([]);
  });
});
