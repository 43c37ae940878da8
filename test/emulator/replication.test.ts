/**
 * The instance and its replica: DescribeInstance, ReplicateInstance, DeleteInstance of the replica
 * and what replication brings (the default group, the flows in the replica Region). connect-api.md:
 * ReplicateInstance, Identifiers, DeleteTrafficDistributionGroup (default group).
 */
import {
  AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand, DeleteInstanceCommand,
  DescribeInstanceCommand, ListTrafficDistributionGroupsCommand, ReplicateInstanceCommand,
} from '@aws-sdk/client-connect';
import { clientFor, failure, replicaInstanceArn, until, useVirtualClock } from './helpers';
import { ConnectEmulator, EmulatorOptions, SEED } from '../../local/emulator';

useVirtualClock();

const SRC = SEED.sourceRegion;
const REP = SEED.replicaRegion;

let emulator: ConnectEmulator;
let source: ConnectClient;
let replica: ConnectClient;

async function start(options: EmulatorOptions = {}) {
  // Replication 600 ms, replica deletion 300 ms.
  emulator = await ConnectEmulator.start({ timeScale: 0.01, rateLimit: false, ...options });
  source = clientFor(emulator, SRC);
  replica = clientFor(emulator, REP);
}

afterEach(async () => {
  source.destroy();
  replica.destroy();
  await emulator.stop();
});

const replicationOf = async (region: string) => (await source.send(new DescribeInstanceCommand({ InstanceId: SEED.instanceArn })))
  .ReplicationConfiguration?.ReplicationStatusSummaryList?.find(s => s.Region === region);

const associateFirstFlow = (PhoneNumberId: string) =>
  new AssociatePhoneNumberContactFlowCommand({ PhoneNumberId, InstanceId: SEED.instanceId, ContactFlowId: SEED.flowIds[0] });

describe('ReplicateInstance and DescribeInstance', () => {
  test('IN_PROGRESS, then COMPLETE: the default group appears and the replica answers in its Region with the same id', async () => {
    await start();
    const before = await source.send(new DescribeInstanceCommand({ InstanceId: SEED.instanceId }));
    expect(before.Instance).toMatchObject({ Id: SEED.instanceId, Arn: SEED.instanceArn, InstanceStatus: 'ACTIVE', IdentityManagementType: 'SAML' });
    expect(before.Instance!.CreatedTime).toBeInstanceOf(Date);
    expect(before.ReplicationConfiguration).toBeUndefined();
    expect((await failure(replica.send(new DescribeInstanceCommand({ InstanceId: SEED.instanceId })))).name).toBe('ResourceNotFoundException');

    const out = await source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ReplicaRegion: REP, ReplicaAlias: 'seed-west' }));
    expect(out).toMatchObject({ Id: SEED.instanceId, Arn: replicaInstanceArn });
    expect(await replicationOf(REP)).toEqual({ Region: REP, ReplicationStatus: 'INSTANCE_REPLICATION_IN_PROGRESS' });
    expect(emulator.groups()).toEqual([]);
    // Not ready yet: a group cannot be created (connect-api.md: ResourceNotReady).
    const early = await failure(source.send(new CreateTrafficDistributionGroupCommand({ Name: 'x', InstanceId: SEED.instanceArn })));
    expect(early).toMatchObject({ name: 'ResourceNotReadyException', status: 409 });

    await until(async () => (await replicationOf(REP))?.ReplicationStatus === 'INSTANCE_REPLICATION_COMPLETE' || undefined);
    const groups = await source.send(new ListTrafficDistributionGroupsCommand({ InstanceId: SEED.instanceArn }));
    expect(groups.TrafficDistributionGroupSummaryList).toEqual([
      expect.objectContaining({ IsDefault: true, Status: 'ACTIVE', InstanceArn: SEED.instanceArn }),
    ]);
    const there = await replica.send(new DescribeInstanceCommand({ InstanceId: SEED.instanceId }));
    expect(there.Instance).toMatchObject({ Id: SEED.instanceId, Arn: replicaInstanceArn, InstanceAlias: 'seed-west' });
    expect(there.ReplicationConfiguration).toMatchObject({ SourceRegion: SRC });
    expect(emulator.instance()).toEqual({ arn: SEED.instanceArn, replicaRegions: [REP], replicationStatus: { [REP]: 'INSTANCE_REPLICATION_COMPLETE' } });

    // The flows exist in the replica Region now.
    const group = emulator.groups()[0].arn;
    const number = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: group }));
    await until(() => emulator.claimedNumbers()[0].status === 'CLAIMED' || undefined);
    await replica.send(associateFirstFlow(number.PhoneNumberArn!));
    expect(emulator.claimedNumbers()[0].flows).toEqual({ [REP]: SEED.flowArn(REP) });
  });

  test('preconditions (InvalidRequestException): same Region, unsupported pair, already replicated, bad or missing alias; a replica is not found before it exists', async () => {
    await start();
    for (const input of [
      { ReplicaRegion: SRC, ReplicaAlias: 'support-west' },
      { ReplicaRegion: 'Mars-1', ReplicaAlias: 'support-west' },
      { ReplicaRegion: 'eu-west-2', ReplicaAlias: 'support-west' },
      { ReplicaRegion: REP },
      { ReplicaRegion: REP, ReplicaAlias: 'd-123' },
      { ReplicaRegion: REP, ReplicaAlias: SEED.instanceAlias },
    ]) {
      const e = await failure(source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ...input })));
      expect([e.name, e.status]).toEqual(['InvalidRequestException', 400]);
    }
    const fromReplica = await failure(replica.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceId, ReplicaRegion: SRC, ReplicaAlias: 'support-east' })));
    expect(fromReplica.name).toBe('ResourceNotFoundException');
    const token = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    await source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ReplicaRegion: REP, ReplicaAlias: 'support-west', ClientToken: token }));
    // The same request again is answered as the first; another one is refused.
    expect(await source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ReplicaRegion: REP, ReplicaAlias: 'support-west', ClientToken: token })))
      .toMatchObject({ Id: SEED.instanceId });
    const twice = await failure(source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ReplicaRegion: REP, ReplicaAlias: 'support-west' })));
    expect(twice).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/already replicated/) });
    await until(async () => (await replicationOf(REP))?.ReplicationStatus === 'INSTANCE_REPLICATION_COMPLETE' || undefined);
    const ofReplica = await failure(replica.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceId, ReplicaRegion: SRC, ReplicaAlias: 'support-east' })));
    expect(ofReplica).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/replica cannot be replicated/) });
  });

  test('the replication scripted to fail ends INSTANCE_REPLICATION_FAILED with its reason, and no default group', async () => {
    await start();
    emulator.failNextReplication('SAML is not enabled');
    await source.send(new ReplicateInstanceCommand({ InstanceId: SEED.instanceArn, ReplicaRegion: REP, ReplicaAlias: 'support-west' }));
    const status = await until(async () => {
      const s = await replicationOf(REP);
      return s?.ReplicationStatus === 'INSTANCE_REPLICATION_FAILED' ? s : undefined;
    });
    expect(status.ReplicationStatusReason).toBe('SAML is not enabled');
    expect(emulator.groups()).toEqual([]);
    const e = await failure(source.send(new CreateTrafficDistributionGroupCommand({ Name: 'x', InstanceId: SEED.instanceArn })));
    expect(e.name).toBe('InvalidRequestException');
  });
});

test('timeScale must be positive', async () => {
  await expect(ConnectEmulator.start({ timeScale: 0 })).rejects.toThrow(/timeScale/);
  emulator = await ConnectEmulator.start({}); // for afterEach
  source = clientFor(emulator);
  replica = clientFor(emulator, REP);
});

describe('DeleteInstance of the replica', () => {
  test('from the replica Region: INSTANCE_REPLICA_DELETING, then gone with the default group and the replica-side flows', async () => {
    await start({ replicated: true });
    const group = emulator.groups()[0].arn;
    const number = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: group }));
    await until(() => emulator.claimedNumbers()[0].status === 'CLAIMED' || undefined);
    await replica.send(associateFirstFlow(number.PhoneNumberArn!));

    await replica.send(new DeleteInstanceCommand({ InstanceId: replicaInstanceArn }));
    expect((await replicationOf(REP))?.ReplicationStatus).toBe('INSTANCE_REPLICA_DELETING');
    await replica.send(new DeleteInstanceCommand({ InstanceId: SEED.instanceId }));
    await until(async () => (await replicationOf(REP)) === undefined || undefined);
    expect(emulator.groups()).toEqual([]);
    expect(emulator.claimedNumbers()[0].flows).toEqual({});
    expect((await failure(replica.send(new DeleteInstanceCommand({ InstanceId: replicaInstanceArn })))).name).toBe('ResourceNotFoundException');
  });

  test('the replica cannot be deleted from the source Region, nor the source instance at all', async () => {
    await start({ replicated: true });
    expect((await failure(source.send(new DeleteInstanceCommand({ InstanceId: replicaInstanceArn })))).name).toBe('ResourceNotFoundException');
    expect((await failure(source.send(new DeleteInstanceCommand({ InstanceId: SEED.instanceArn })))).name).toBe('InvalidRequestException');
    expect(emulator.instance().replicationStatus).toEqual({ [REP]: 'INSTANCE_REPLICATION_COMPLETE' });
  });
});
