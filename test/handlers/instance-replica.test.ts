import {
  AccessDeniedException, DeleteInstanceCommand, DescribeInstanceCommand, InstanceReplicationStatus, InternalServiceException,
  InvalidRequestException, ListTrafficDistributionGroupsCommand, ReplicateInstanceCommand, ResourceConflictException,
  ResourceNotFoundException, ThrottlingException,
} from '@aws-sdk/client-connect';
import { CLIENT_TOKEN_PATTERN, createEvent, DEFAULT_GROUP_ARN, DEFAULT_GROUP_ID, deleteEvent, expectFailed, expectNotFatalBeforeDeadline, expectSucceeded, inputsOf, OTHER_INSTANCE_ARN, regionsOf, run, sdkError, setStackStatus, updateEvent, useConnectMock, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { CfnEvent } from '../../lambda/lib/events';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import { DEADLINE_FIELD, Deadlines, INSTANCE_REPLICA_RESOURCE_TYPE as TYPE } from '../../src/shared/names';
import { GROUP_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_INSTANCE_ARN, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();
const LOGICAL_ID = 'Replica';
const o = { logicalId: LOGICAL_ID };

/** The default alias of INSTANCE_ID replicated to us-west-2: the instance id without hyphens, the Region without hyphens. */
const DEFAULT_ALIAS = '11111111222233334444555555555555-uswest2';
const PROPS = { InstanceArn: INSTANCE_ARN, ReplicaRegion: REPLICA_REGION, ReplicaAlias: 'support-west', RemovalPolicy: 'retain' };
const DESTROY = { ...PROPS, RemovalPolicy: 'destroy' };
/** The physical id of a replica the resource adopted (it existed before). */
const ADOPTED = `${REPLICA_INSTANCE_ARN}#adopted`;
const DATA = {
  SourceInstanceArn: INSTANCE_ARN,
  ReplicaInstanceArn: REPLICA_INSTANCE_ARN,
  DefaultTrafficDistributionGroupArn: DEFAULT_GROUP_ARN,
  DefaultTrafficDistributionGroupId: DEFAULT_GROUP_ID,
};

/** DescribeInstance of the source, with the replica's status (none: not replicated). */
function source(status?: string, reason?: string) {
  return {
    Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN, InstanceStatus: 'ACTIVE' as const },
    ReplicationConfiguration: {
      SourceRegion: REGION,
      ReplicationStatusSummaryList: status === undefined
        ? []
        : [{ Region: REPLICA_REGION, ReplicationStatus: status as InstanceReplicationStatus, ReplicationStatusReason: reason }],
    },
  };
}

const GROUPS = {
  TrafficDistributionGroupSummaryList: [
    { Id: '99999999-8888-7777-6666-555555555555', Arn: GROUP_ARN, Name: 'support', IsDefault: false },
    { Id: DEFAULT_GROUP_ID, Arn: DEFAULT_GROUP_ARN, Name: 'default', IsDefault: true },
  ],
};

describe('InstanceReplica: Create', () => {
  test('replicates, waits for COMPLETE, then finds the default group', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand)
      .resolvesOnce(source('RESOURCE_REPLICATION_NOT_STARTED'))
      .resolvesOnce(source('INSTANCE_REPLICATION_IN_PROGRESS'))
      .resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    // The default group shows up with the replica, possibly a little later.
    cm.on(ListTrafficDistributionGroupsCommand).resolvesOnce({ TrafficDistributionGroupSummaryList: [GROUPS.TrafficDistributionGroupSummaryList[0]] })
      .resolves(GROUPS);

    const out = await run(createEvent(TYPE, PROPS, o));

    expectSucceeded(out, REPLICA_INSTANCE_ARN, DATA);
    expect(cm).toHaveReceivedCommandWith(ReplicateInstanceCommand, {
      InstanceId: INSTANCE_ARN, ReplicaRegion: REPLICA_REGION, ReplicaAlias: 'support-west', ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(await regionsOf(cm, ReplicateInstanceCommand)).toEqual([REGION]);
    expect(cm).toHaveReceivedCommandWith(ListTrafficDistributionGroupsCommand, { InstanceId: INSTANCE_ARN });
    expect(cm).toHaveReceivedCommandTimes(ListTrafficDistributionGroupsCommand, 2);
  });

  test('without an alias (a template of an earlier release), the default alias is sent: the admin guide still requires one', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves({ TrafficDistributionGroupSummaryList: [{ Arn: DEFAULT_GROUP_ARN, IsDefault: true }] });
    const { ReplicaAlias: _, ...noAlias } = PROPS;
    expectSucceeded(await run(createEvent(TYPE, noAlias, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(cm).toHaveReceivedCommandWith(ReplicateInstanceCommand, { ReplicaAlias: DEFAULT_ALIAS });
  });

  test('replication FAILED fails with the service reason', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand).resolvesOnce(source('INSTANCE_REPLICATION_IN_PROGRESS'))
      .resolves(source('INSTANCE_REPLICATION_FAILED', 'The instance alias is not unique in us-west-2'));
    cm.on(DeleteInstanceCommand).resolves({});
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, `Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}): replication to ${REPLICA_REGION} failed: `
      + 'The instance alias is not unique in us-west-2.');
    expect(cm).not.toHaveReceivedCommand(ListTrafficDistributionGroupsCommand);
  });

  test('replication FAILED without a reason says so', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_FAILED'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), 'failed: no reason given.');
  });

  test.each([
    [InvalidRequestException, 'Instance is already replicated'],
    [ResourceConflictException, 'Replication in progress'],
  ])('already replicated to this Region (%p): the replica is adopted', async (ctor, message) => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(ctor as any, message));
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    // The physical id records the adoption (issue 24): a Delete in the rollback of this deployment leaves the replica.
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), ADOPTED, DATA);
    expect(cm).toHaveReceivedCommandTimes(ReplicateInstanceCommand, 1);
  });

  test('a re-delivered Create of a replication it started reads the same: ReplicateInstance answers the same ClientToken alike', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    const event = createEvent(TYPE, PROPS, o);
    expectSucceeded(await run(event), REPLICA_INSTANCE_ARN, DATA);
    expectSucceeded(await run(event), REPLICA_INSTANCE_ARN, DATA);
    const tokens = cm.commandCalls(ReplicateInstanceCommand).map(c => c.args[0].input.ClientToken);
    expect(new Set(tokens).size).toBe(1);
  });

  test('a refusal with no replica in the Region says what replication needs', async () => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(InvalidRequestException, 'Instance has no alias'));
    cm.on(DescribeInstanceCommand).resolves(source());
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, `Instance replica ${LOGICAL_ID}: Amazon Connect refused to replicate ${INSTANCE_ARN} to ${REPLICA_REGION}`,
      'InvalidRequestException: Instance has no alias', 'SAML identity management');
    expect(out.response.PhysicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
  });

  test('a refusal for a source instance that does not exist says what replication needs', async () => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(InvalidRequestException, 'bad'));
    cm.on(DescribeInstanceCommand).rejects(sdkError(ResourceNotFoundException, 'Instance not found'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), 'Amazon Connect refused to replicate');
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'Global Resiliency is not enabled'],
  ])('%p on ReplicateInstance fails with a clear reason', async (ctor, advice) => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(ctor as any, 'nope'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)),
      `Instance replica ${LOGICAL_ID}: ReplicateInstance (${INSTANCE_ARN} to ${REPLICA_REGION}) failed: ${(ctor as any).name}: nope`, advice);
  });

  test.each(['INSTANCE_REPLICA_DELETING', 'INSTANCE_REPLICATION_DELETION_FAILED'])('a replica being deleted outside (%s) fails', async (status) => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source(status));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), `the replica is being deleted (${status}), outside this deployment`);
  });

  test('a throttled DescribeInstance while waiting is "not yet" until the deadline, then fails naming the call', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o), `Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}): DescribeInstance failed: ThrottlingException`);
  });

  test('the waiter gets IsComplete false while replication runs; a bad property fails it', async () => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    try {
      cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_IN_PROGRESS'));
      const event = createEvent(TYPE, PROPS, o);
      await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).resolves.toEqual({ IsComplete: false });
      const bad = createEvent(TYPE, { ...PROPS, ReplicaRegion: 'mars' }, o);
      await expect(isComplete(waitEvent(bad, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).rejects.toThrow('invalid property: ReplicaRegion');
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
    }
  });

  test('a replication not done by the deadline fails naming the replica and its status', async () => {
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_IN_PROGRESS'));
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}) did not settle in time (last seen: INSTANCE_REPLICATION_IN_PROGRESS)`);
  });

  test.each([
    [{ ReplicaRegion: 'eu-west-2' }, 'ReplicaRegion must be a Region that us-east-1 replicates to (us-west-2)'],
    [{ ReplicaAlias: 'd-abc' }, "ReplicaAlias must be 1 to 45 letters, digits and hyphens, start and end with a letter or digit, and not start with 'd-'"],
    [{ InstanceArn: GROUP_ARN }, 'InstanceArn must be an Amazon Connect instance ARN'],
    [{ RemovalPolicy: 'DESTROY' }, "RemovalPolicy must be 'retain' or 'destroy'; got 'DESTROY'"],
  ])('a token that resolves to a bad value (%j) fails naming the property, before any call', async (bad, message) => {
    expectFailed(await run(createEvent(TYPE, { ...PROPS, ...bad }, o)), `Instance replica ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });

  test('isComplete of a delete with unreadable properties is complete at once', async () => {
    const event = deleteEvent(TYPE, REPLICA_INSTANCE_ARN, { ...DESTROY, InstanceArn: 'gone' }, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).resolves.toEqual({ IsComplete: true });
    expect(cm.calls()).toHaveLength(0);
  });
});

describe('InstanceReplica: Update', () => {
  test('nothing that matters changed: same physical id, status checked again', async () => {
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    expectSucceeded(await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, PROPS, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ReplicateInstanceCommand);
  });

  test.each([
    ['ReplicaAlias', { ReplicaAlias: 'support-west-2' }],
    ['InstanceArn', { InstanceArn: OTHER_INSTANCE_ARN }],
  ])('a new %s is refused with what to do instead, before any call', async (key, change) => {
    const out = await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, { ...PROPS, ...change }, PROPS, o));
    expectFailed(out, `Instance replica ${LOGICAL_ID}: ${key} cannot change`, 'Remove the InstanceReplica from the stack');
    expect(out.response.PhysicalResourceId).toBe(REPLICA_INSTANCE_ARN);
    expect(cm.calls()).toHaveLength(0);
  });

  test('isComplete of a delete with unreadable properties is complete at once', async () => {
    const event = deleteEvent(TYPE, REPLICA_INSTANCE_ARN, { ...DESTROY, InstanceArn: 'gone' }, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).resolves.toEqual({ IsComplete: true });
    expect(cm.calls()).toHaveLength(0);
  });
});

test.each([
  ['the default alias', { ReplicaAlias: DEFAULT_ALIAS }],
  ['a declared alias', { ReplicaAlias: 'support-west' }],
])('InstanceReplica: an update that adds %s to a replica made without one (an earlier release) is in place, never a replacement', async (_, alias) => {
  const { ReplicaAlias: __, ...noAlias } = PROPS;
  cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
  cm.on(ListTrafficDistributionGroupsCommand).resolves({ TrafficDistributionGroupSummaryList: [{ Arn: DEFAULT_GROUP_ARN, IsDefault: true }] });
  expectSucceeded(await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, { ...noAlias, ...alias }, noAlias, o)), REPLICA_INSTANCE_ARN, DATA);
  expect(cm).not.toHaveReceivedCommand(ReplicateInstanceCommand);
  expect(cm).not.toHaveReceivedCommand(DeleteInstanceCommand);
});

test('InstanceReplica: removing a declared alias (the construct then sends the default) is refused', async () => {
  expectFailed(await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, { ...PROPS, ReplicaAlias: DEFAULT_ALIAS }, PROPS, o)), 'ReplicaAlias cannot change');
  expect(cm.calls()).toHaveLength(0);
});

describe('InstanceReplica: Delete', () => {
  test('RETAIN makes no call at all', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, PROPS, o)), REPLICA_INSTANCE_ARN);
    expect(cm.calls()).toHaveLength(0);
  });

  test('DESTROY deletes the replica in the replica Region and waits until the source no longer lists it', async () => {
    cm.on(DeleteInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand)
      .resolvesOnce(source('INSTANCE_REPLICA_DELETING'))
      .resolves(source());
    expectSucceeded(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)), REPLICA_INSTANCE_ARN);
    expect(cm).toHaveReceivedCommandWith(DeleteInstanceCommand, {
      InstanceId: REPLICA_INSTANCE_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(await regionsOf(cm, DeleteInstanceCommand)).toEqual([REPLICA_REGION]);
    expect(await regionsOf(cm, DescribeInstanceCommand)).toEqual([REGION, REGION]);
  });

  test('DESTROY of a replica already gone (404) is success', async () => {
    cm.on(DeleteInstanceCommand).rejects(sdkError(ResourceNotFoundException, 'Instance not found'));
    cm.on(DescribeInstanceCommand).rejects(sdkError(ResourceNotFoundException, 'Instance not found'));
    expectSucceeded(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)), REPLICA_INSTANCE_ARN);
  });

  test('DESTROY whose deletion FAILED fails with the service reason', async () => {
    cm.on(DeleteInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_DELETION_FAILED', 'Numbers are still claimed'));
    expectFailed(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)),
      `Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}): deleting the replica failed: Numbers are still claimed.`);
  });

  test('DESTROY whose deletion FAILED without a reason says so', async () => {
    cm.on(DeleteInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_DELETION_FAILED'));
    expectFailed(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)), 'deleting the replica failed: no reason given.');
  });

  test('DESTROY refused (AccessDenied) fails with a clear reason', async () => {
    cm.on(DeleteInstanceCommand).rejects(sdkError(AccessDeniedException, 'denied'));
    expectFailed(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)),
      `Instance replica ${LOGICAL_ID}: DeleteInstance (${REPLICA_INSTANCE_ARN}) failed: AccessDeniedException: denied`, 'check the role');
  });

  describe('an adopted replica (issue 24: physical id <ARN>#adopted)', () => {
    test.each([
      'ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    ])('DESTROY in the rollback of the deployment that adopted it (%s) leaves it and its default group: no Connect call', async status => {
      setStackStatus(status);
      expectSucceeded(await run(deleteEvent(TYPE, ADOPTED, DESTROY, o)), ADOPTED);
      expect(cm.calls()).toHaveLength(0);
    });

    test('DESTROY when the stack status cannot be read leaves it (the reading that keeps it)', async () => {
      setStackStatus(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
      expectSucceeded(await run(deleteEvent(TYPE, ADOPTED, DESTROY, o)), ADOPTED);
      expect(cm.calls()).toHaveLength(0);
    });

    test.each(['DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'])(
      'DESTROY when the user removes it from the stack that owned it (%s) deletes it and waits', async status => {
        setStackStatus(status);
        cm.on(DeleteInstanceCommand).resolves({});
        cm.on(DescribeInstanceCommand).resolvesOnce(source('INSTANCE_REPLICA_DELETING')).resolves(source());
        expectSucceeded(await run(deleteEvent(TYPE, ADOPTED, DESTROY, o)), ADOPTED);
        expect(cm).toHaveReceivedCommandWith(DeleteInstanceCommand, { InstanceId: REPLICA_INSTANCE_ARN });
        expect(cm).toHaveReceivedCommandTimes(DescribeInstanceCommand, 2);
      });

    test('RETAIN makes no call at all, rollback or not', async () => {
      expectSucceeded(await run(deleteEvent(TYPE, ADOPTED, PROPS, o)), ADOPTED);
      expect(cm.calls()).toHaveLength(0);
    });

    test('an update keeps the adopted physical id (a changed one would make CloudFormation delete the old one)', async () => {
      cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
      cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
      expectSucceeded(await run(updateEvent(TYPE, ADOPTED, DESTROY, PROPS, o)), ADOPTED, DATA);
    });

    test('a replica this resource replicated (a plain ARN, as every earlier physical id) is deleted by DESTROY in a rollback too', async () => {
      setStackStatus('ROLLBACK_IN_PROGRESS');
      cm.on(DeleteInstanceCommand).resolves({});
      cm.on(DescribeInstanceCommand).resolves(source());
      expectSucceeded(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o)), REPLICA_INSTANCE_ARN);
      expect(cm).toHaveReceivedCommandTimes(DeleteInstanceCommand, 1);
    });
  });

  test('a deletion not done by the deadline fails naming the replica', async () => {
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICA_DELETING'));
    const event = deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Deletion of Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}) did not settle in time (last seen: INSTANCE_REPLICA_DELETING)`);
  });

  test('a physical id that is not an instance ARN, or unreadable properties, delete nothing', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, 'request-id', DESTROY, o)), 'request-id');
    expectSucceeded(await run(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, { ...DESTROY, ReplicaRegion: 'nowhere' }, o)), REPLICA_INSTANCE_ARN);
    expect(cm.calls()).toHaveLength(0);
  });

  test('isComplete of a delete with unreadable properties is complete at once', async () => {
    const event = deleteEvent(TYPE, REPLICA_INSTANCE_ARN, { ...DESTROY, InstanceArn: 'gone' }, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).resolves.toEqual({ IsComplete: true });
    expect(cm.calls()).toHaveLength(0);
  });
});

/** Runs onEvent alone and checks it hands the waiter this physical id and the replica's deadline. */
async function expectOnEventResult(event: CfnEvent, physicalId: string, more: Record<string, unknown> = {}): Promise<void> {
  const before = Date.now();
  const result = await onEvent(event);
  const after = Date.now();
  // A Create that started the replication says so (a replication it started and that fails is deleted).
  const started = event.RequestType === 'Create' ? { ConnectReplicationStarted: true } : {};
  expect(result).toEqual({ PhysicalResourceId: physicalId, [DEADLINE_FIELD]: expect.any(Number), ...started, ...more });
  expect(result[DEADLINE_FIELD]).toBeGreaterThanOrEqual(before + Deadlines.INSTANCE_REPLICA_SECONDS * 1000);
  expect(result[DEADLINE_FIELD]).toBeLessThanOrEqual(after + Deadlines.INSTANCE_REPLICA_SECONDS * 1000);
}

describe('InstanceReplica: more cases', () => {
  test('an empty alias (a token resolving to "") counts as no alias: the default is sent', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    expectSucceeded(await run(createEvent(TYPE, { ...PROPS, ReplicaAlias: '' }, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(inputsOf(cm, ReplicateInstanceCommand)).toEqual([
      {
        InstanceId: INSTANCE_ARN,
        ReplicaRegion: REPLICA_REGION,
        ReplicaAlias: DEFAULT_ALIAS,
        ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
      },
    ]);
  });

  test('every DescribeInstance while waiting asks for the source instance, in its Region', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolvesOnce(source('INSTANCE_REPLICATION_IN_PROGRESS')).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(inputsOf(cm, DescribeInstanceCommand)).toEqual([{ InstanceId: INSTANCE_ARN }, { InstanceId: INSTANCE_ARN }]);
    expect(await regionsOf(cm, DescribeInstanceCommand)).toEqual([REGION, REGION]);
  });

  test('a replica not yet listed by the source is waited for', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolvesOnce(source()).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(cm).toHaveReceivedCommandTimes(DescribeInstanceCommand, 2);
  });

  test('a replication not even listed by the deadline fails saying it has not started', async () => {
    cm.on(DescribeInstanceCommand).resolves(source());
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}) did not settle in time (last seen: not started)`);
  });

  test('a ListTrafficDistributionGroups answer with no list is waited on, not taken as done', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolvesOnce({}).resolves(GROUPS);
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), REPLICA_INSTANCE_ARN, DATA);
    expect(cm).toHaveReceivedCommandTimes(ListTrafficDistributionGroupsCommand, 2);
  });

  test('a throttled ListTrafficDistributionGroups is "not yet" until the deadline, then fails naming the call', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o),
      `Instance replica ${LOGICAL_ID} (${REPLICA_INSTANCE_ARN}): ListTrafficDistributionGroups failed: ThrottlingException: Rate exceeded`, 'throttled');
  });

  test.each([
    ['that was never replicated (no replication configuration)', { Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN } }],
    ['with a replication configuration but no status list', { Instance: { Id: INSTANCE_ID, Arn: INSTANCE_ARN }, ReplicationConfiguration: { SourceRegion: REGION } }],
    ['replicated to another Region only', {
      ...source(),
      ReplicationConfiguration: { SourceRegion: REGION, ReplicationStatusSummaryList: [{ Region: 'ca-central-1', ReplicationStatus: 'INSTANCE_REPLICATION_COMPLETE' as const }] },
    }],
  ])('a refusal for a source %s is not adopted: it fails saying what replication needs', async (_, described) => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(InvalidRequestException, 'Instance is replicated elsewhere'));
    cm.on(DescribeInstanceCommand).resolves(described);
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, `Instance replica ${LOGICAL_ID}: Amazon Connect refused to replicate ${INSTANCE_ARN} to ${REPLICA_REGION}`,
      'InvalidRequestException: Instance is replicated elsewhere', 'not be replicated elsewhere');
    expect(cm).not.toHaveReceivedCommand(ListTrafficDistributionGroupsCommand);
  });

  test('onEvent hands the waiter the replica ARN and the replica deadline on Create', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    await expectOnEventResult(createEvent(TYPE, PROPS, o), REPLICA_INSTANCE_ARN);
  });

  test('onEvent hands the waiter the physical id and the replica deadline on Update', async () => {
    await expectOnEventResult(updateEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, PROPS, o), REPLICA_INSTANCE_ARN);
    expect(cm.calls()).toHaveLength(0);
  });

  test.each([
    ['RETAIN', REPLICA_INSTANCE_ARN, PROPS],
    ['a physical id that is not an instance ARN', 'request-id', DESTROY],
    ['unreadable properties', REPLICA_INSTANCE_ARN, { ...DESTROY, ReplicaRegion: 'nowhere' }],
  ])('onEvent of a Delete (%s) keeps the physical id and hands on the deadline', async (_, physicalId, props) => {
    await expectOnEventResult(deleteEvent(TYPE, physicalId, props, o), physicalId);
    expect(cm.calls()).toHaveLength(0);
  });

  test('onEvent of a DESTROY Delete keeps the physical id and hands on the deadline', async () => {
    cm.on(DeleteInstanceCommand).resolves({});
    await expectOnEventResult(deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o), REPLICA_INSTANCE_ARN, { ConnectReplicaDeleting: true });
    expect(cm).toHaveReceivedCommandTimes(DeleteInstanceCommand, 1);
  });

  test.each([
    ['an empty alias to none', { ReplicaAlias: '' }, {}],
    ['no alias to an empty one', {}, { ReplicaAlias: '' }],
  ])('an update from %s is not a change', async (_, oldAlias, newAlias) => {
    const { ReplicaAlias: __, ...noAlias } = PROPS;
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_COMPLETE'));
    cm.on(ListTrafficDistributionGroupsCommand).resolves(GROUPS);
    expectSucceeded(await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, { ...noAlias, ...newAlias }, { ...noAlias, ...oldAlias }, o)),
      REPLICA_INSTANCE_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ReplicateInstanceCommand);
  });

  test('an update that changes several properties names them all', async () => {
    const out = await run(updateEvent(TYPE, REPLICA_INSTANCE_ARN, { ...PROPS, InstanceArn: OTHER_INSTANCE_ARN, ReplicaAlias: 'other' }, PROPS, o));
    expectFailed(out, `Instance replica ${LOGICAL_ID}: InstanceArn, ReplicaAlias cannot change`);
    expect(cm.calls()).toHaveLength(0);
  });

  test('the waiter gets IsComplete false while the replica is being deleted', async () => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    try {
      cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICA_DELETING'));
      const event = deleteEvent(TYPE, REPLICA_INSTANCE_ARN, DESTROY, o);
      await expect(isComplete(waitEvent(event, { PhysicalResourceId: REPLICA_INSTANCE_ARN }))).resolves.toEqual({ IsComplete: false });
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
    }
  });
});

describe('InstanceReplica: a failed replication leaves nothing behind', () => {
  test('a replication this request started that ends FAILED is deleted (RETAIN or not), waited for, and the reason says so', async () => {
    cm.on(ReplicateInstanceCommand).resolves({ Id: INSTANCE_ID, Arn: REPLICA_INSTANCE_ARN });
    cm.on(DescribeInstanceCommand)
      .resolvesOnce(source('INSTANCE_REPLICATION_FAILED', 'quota'))
      .resolvesOnce(source('INSTANCE_REPLICATION_FAILED', 'quota'))
      .resolvesOnce(source('INSTANCE_REPLICA_DELETING'))
      .resolves(source());
    cm.on(DeleteInstanceCommand).resolves({});
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, `replication to ${REPLICA_REGION} failed: quota. The failed replica was deleted (it is no usable replica)`);
    expect(inputsOf(cm, DeleteInstanceCommand))
      .toEqual([{ InstanceId: REPLICA_INSTANCE_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN) }]);
    expect(await regionsOf(cm, DeleteInstanceCommand)).toEqual([REPLICA_REGION]);
  });

  test('a failed replica this request only adopted is left alone, and the reason says exactly what to do', async () => {
    cm.on(ReplicateInstanceCommand).rejects(sdkError(InvalidRequestException, 'Instance is already replicated'));
    cm.on(DescribeInstanceCommand).resolves(source('INSTANCE_REPLICATION_FAILED', 'quota'));
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, 'This replica was not started by this deployment', `Delete the failed replica (DeleteInstance ${REPLICA_INSTANCE_ARN}, called in ${REPLICA_REGION})`,
      `no longer lists ${REPLICA_REGION}`);
    expect(cm).not.toHaveReceivedCommand(DeleteInstanceCommand);
  });
});
