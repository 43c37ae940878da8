import {
  AccessDeniedException, CreateTrafficDistributionGroupCommand, DeleteTrafficDistributionGroupCommand,
  DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand, InternalServiceException, InvalidRequestException,
  ListPhoneNumbersV2Command, ListTrafficDistributionGroupsCommand, ResourceConflictException, ResourceInUseException, ResourceNotFoundException,
  ResourceNotReadyException, ServiceQuotaExceededException, ThrottlingException, TagResourceCommand, TrafficDistributionGroupStatus,
  UntagResourceCommand, UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { CLIENT_TOKEN_PATTERN, createEvent, deleteEvent, expectFailed, expectNotFatalBeforeDeadline, expectSucceeded, GROUP2_ARN, inputsOf, OTHER_INSTANCE_ARN, regionsOf, run, sdkError, tagCallsOtherThanMarker, updateEvent, useConnectMock, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { ownerTags } from '../../lambda/lib/ownership';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import { CREATED_FIELD, DEADLINE_FIELD, Deadlines, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE as TYPE } from '../../src/shared/names';
import { ACCOUNT, GROUP_ARN, GROUP_ID, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();
// The instance has no other group of the requested name unless a test says so (the look-up a
// rollback sent to the group of a failed replacement makes).
// The old group of a replacement holds no numbers unless a test says so (the check before a replacement).
beforeEach(() => {
  cm.on(ListTrafficDistributionGroupsCommand).resolves({ TrafficDistributionGroupSummaryList: [] });
  cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
});
const LOGICAL_ID = 'SupportGroup';
const o = { logicalId: LOGICAL_ID };

const PROPS = {
  InstanceArn: INSTANCE_ARN,
  Name: 'support',
  Description: 'Support lines',
  TelephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 },
  Tags: { team: 'support' },
};

function group(status: TrafficDistributionGroupStatus | undefined, extra: Record<string, unknown> = {}) {
  return {
    TrafficDistributionGroup: {
      Id: GROUP_ID, Arn: GROUP_ARN, Name: 'support', InstanceArn: INSTANCE_ARN, Status: status, IsDefault: false, ...extra,
    },
  };
}

function split(telephony: [number, number], agent?: [number, number]) {
  const d = ([a, b]: [number, number]) => ({ Distributions: [{ Region: REGION, Percentage: a }, { Region: REPLICA_REGION, Percentage: b }] });
  return { Id: GROUP_ID, Arn: GROUP_ARN, TelephonyConfig: d(telephony), AgentConfig: agent ? d(agent) : undefined };
}

const TELEPHONY_70_30 = { Distributions: [{ Region: REGION, Percentage: 70 }, { Region: REPLICA_REGION, Percentage: 30 }] };
const notFound = () => sdkError(ResourceNotFoundException, 'Traffic distribution group not found');

describe('TrafficDistributionGroup: Create', () => {
  test('creates, waits for ACTIVE, applies the split, waits while UPDATE_IN_PROGRESS, returns the ARN and id', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(group('CREATION_IN_PROGRESS'))
      .resolvesOnce(group('ACTIVE'))
      .resolvesOnce(group('UPDATE_IN_PROGRESS'))
      .resolves(group('ACTIVE'));
    // A new group starts at 100/0; after the update it reads back as declared.
    cm.on(GetTrafficDistributionCommand).resolvesOnce(split([100, 0])).resolves(split([70, 30]));
    cm.on(UpdateTrafficDistributionCommand).resolves({});

    const event = createEvent(TYPE, PROPS, o);
    const out = await run(event);

    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).toHaveReceivedCommandTimes(CreateTrafficDistributionGroupCommand, 1);
    expect(cm).toHaveReceivedCommandWith(CreateTrafficDistributionGroupCommand, {
      Name: 'support',
      InstanceId: INSTANCE_ARN,
      Description: 'Support lines',
      Tags: { team: 'support', ...ownerTags(createEvent(TYPE, PROPS, o)) }, // the declared tags and the owner record
      ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(cm).toHaveReceivedCommandTimes(UpdateTrafficDistributionCommand, 1);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: TELEPHONY_70_30 });
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)[0].AgentConfig).toBeUndefined();
    expect(cm).toHaveReceivedCommandTimes(DescribeTrafficDistributionGroupCommand, 4);
    expect(await regionsOf(cm, CreateTrafficDistributionGroupCommand)).toEqual([REGION]);
  });

  test('without a declared split, ACTIVE is enough: the split is neither read nor written', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const out = await run(createEvent(TYPE, { InstanceArn: INSTANCE_ARN, Name: 'support' }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, CreateTrafficDistributionGroupCommand)[0])
      .toEqual(expect.objectContaining({ Description: undefined, Tags: ownerTags(createEvent(TYPE, PROPS, o)) }));
    expect(cm).not.toHaveReceivedCommand(GetTrafficDistributionCommand);
  });

  test('a group not yet visible right after creation is waited for', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).rejectsOnce(notFound()).resolves(group('ACTIVE'));
    const out = await run(createEvent(TYPE, { InstanceArn: INSTANCE_ARN, Name: 'support' }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
  });

  test('the waiter gets IsComplete false (and no Data) while the group is being created', async () => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    try {
      cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('CREATION_IN_PROGRESS'));
      const event = createEvent(TYPE, PROPS, o);
      const r = await isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() + 60_000 }));
      expect(r).toEqual({ IsComplete: false });
      expect(cm).toHaveReceivedCommandTimes(DescribeTrafficDistributionGroupCommand, 1);
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
    }
  });

  test('CREATION_FAILED fails with the status, naming the resource', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('CREATION_IN_PROGRESS')).resolves(group('CREATION_FAILED'));
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, 'CREATION_FAILED', `Traffic distribution group ${LOGICAL_ID} ('support')`, GROUP_ARN, 'replica is active');
    expect(out.response.PhysicalResourceId).toBe(GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    // A failed create is CloudFormation's to delete (it knows this physical id): the handler deletes nothing.
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a group deleted by someone else while it is created fails', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('PENDING_DELETION'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), 'being deleted (status PENDING_DELETION)', LOGICAL_ID);
  });

  test('a name already taken (ResourceConflict) says to choose another name', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).rejects(sdkError(ResourceConflictException, 'A resource already has that name.'));
    const out = await run(createEvent(TYPE, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} ('support')`, "already has a traffic distribution group named 'support'",
      'Choose another trafficDistributionGroupName');
    expect(out.response.PhysicalResourceId).toBe('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');
  });

  test('an instance that is not replicated (InvalidRequest) says what the group needs', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).rejects(sdkError(InvalidRequestException, 'The instance is not replicated'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), 'InvalidRequestException: The instance is not replicated',
      'source Region of an instance that has been replicated', INSTANCE_ARN);
  });

  test.each([
    [ThrottlingException, 'Rate exceeded', 'throttled'],
    [InternalServiceException, 'Internal error', 'failed on its side: deploy again'],
    [AccessDeniedException, 'not authorized to perform connect:CreateTrafficDistributionGroup', 'Global Resiliency is not enabled'],
    [ServiceQuotaExceededException, 'Too many groups', 'raise it through Service Quotas'],
  ])('%p fails with a reason that names the resource, the call and what to do', async (ctor, message, advice) => {
    cm.on(CreateTrafficDistributionGroupCommand).rejects(sdkError(ctor as any, message));
    expectFailed(await run(createEvent(TYPE, PROPS, o)),
      `Traffic distribution group ${LOGICAL_ID} ('support'): CreateTrafficDistributionGroup failed: ${(ctor as any).name}: ${message}`, advice);
  });

  test('ServiceUnavailable (a 503 the SDK does not model) is "not yet" until the deadline, then reported as a service failure', async () => {
    const e = Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(e);
    await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o),
      `Traffic distribution group ${LOGICAL_ID} ('support') (${GROUP_ARN}): DescribeTrafficDistributionGroup failed: ServiceUnavailableException`,
      'failed on its side: deploy again');
  });

  test('a deadline that has passed fails naming the resource and its last status', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('CREATION_IN_PROGRESS'));
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Traffic distribution group ${LOGICAL_ID} ('support') (${GROUP_ARN}) did not settle in time (last seen: CREATION_IN_PROGRESS)`);
  });

  test('a group found settled in the poll after its deadline succeeds: the deadline only fails what has not settled', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .resolves.toEqual({ IsComplete: true, Data: { Arn: GROUP_ARN, Id: GROUP_ID } });
  });

  test.each([
    [{ TelephonyDistribution: { [REGION]: '75', [REPLICA_REGION]: '25' } }, "TelephonyDistribution['us-east-1'] must be a multiple of 10"],
    [{ TelephonyDistribution: { [REGION]: '60', [REPLICA_REGION]: '30' } }, 'TelephonyDistribution percentages must sum to 100'],
    [{ AgentDistribution: { 'eu-west-2': '50', [REPLICA_REGION]: '50' } }, "AgentDistribution must include the instance's Region us-east-1"],
    [{ InstanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/not-a-uuid' }, 'InstanceArn must be an Amazon Connect instance ARN'],
    [{ Name: ' padded ' }, 'Name must not start or end with white space'],
    [{ Tags: { 'aws:owner': 'me' } }, "Tags keys must not start with 'aws:'"],
  ])('a token that resolves to a bad value (%j) fails naming the property, before any call', async (bad, message) => {
    const out = await run(createEvent(TYPE, { ...PROPS, ...bad }, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });

  test('a service error with a huge message still gives a response under 2 KB', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).rejects(sdkError(InvalidRequestException, 'x'.repeat(10_000)));
    const out = await run(createEvent(TYPE, { ...PROPS, Name: 'n'.repeat(128) }, { logicalId: 'L'.repeat(255) }));
    expectFailed(out, 'InvalidRequestException');
  });

  test('an empty Description (a token that resolved to nothing) is left out, not refused', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const out = await run(createEvent(TYPE, { InstanceArn: INSTANCE_ARN, Name: 'support', Description: '' }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, CreateTrafficDistributionGroupCommand)[0].Description).toBeUndefined();
  });

  test('a replica that is not ready yet (ResourceNotReady) says what the group needs', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).rejects(sdkError(ResourceNotReadyException, 'The replica is not ready'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), `Traffic distribution group ${LOGICAL_ID} ('support'): Amazon Connect refused to create it`,
      'ResourceNotReadyException: The replica is not ready', 'whose replica is ready', INSTANCE_ARN);
  });

  test('a created group that never becomes visible fails at its deadline, saying it was not found', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1, [CREATED_FIELD]: true })))
      .rejects.toThrow(`Traffic distribution group ${LOGICAL_ID} ('support') (${GROUP_ARN}) did not settle in time (last seen: not found)`);
    expect(cm).toHaveReceivedCommandWith(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN });
  });
});

describe('TrafficDistributionGroup: Update', () => {
  const OLD = { ...PROPS, TelephonyDistribution: { [REGION]: 100, [REPLICA_REGION]: 0 }, Tags: { team: 'support', cost: 'cc1' } };

  test('a new split and new tags are applied in place: same id, exact tag keys', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('ACTIVE')).resolvesOnce(group('UPDATE_IN_PROGRESS')).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce(split([100, 0])).resolves(split([70, 30]));
    cm.on(UpdateTrafficDistributionCommand).resolves({});

    const event = updateEvent(TYPE, GROUP_ARN, { ...PROPS, Tags: { team: 'care', owner: 'ops' } }, OLD, o);
    const out = await run(event);

    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
    expect(cm).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: GROUP_ARN, tags: { team: 'care', owner: 'ops' } });
    expect(cm).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: GROUP_ARN, tagKeys: ['cost'] });
    expect(cm).toHaveReceivedCommandTimes(UpdateTrafficDistributionCommand, 1);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: TELEPHONY_70_30 });
  });

  test('unchanged tags make no tag call; a split already in place makes no update', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const out = await run(updateEvent(TYPE, GROUP_ARN, PROPS, { ...PROPS, TelephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    // The one tag call records this request as the current one (its split declaration changed): no tag of the user's.
    expect(tagCallsOtherThanMarker(cm)).toEqual([]);
    expect(cm).toHaveReceivedCommandTimes(TagResourceCommand, 1);
    expect(cm).not.toHaveReceivedCommand(UntagResourceCommand);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('tags removed entirely are untagged; unreadable old tags are treated as none', async () => {
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const { Tags: _, ...noTags } = PROPS;
    await run(updateEvent(TYPE, GROUP_ARN, noTags, { ...PROPS, Tags: { a: '1', b: '2' } }, o));
    expect(cm).toHaveReceivedCommandWith(UntagResourceCommand, { resourceArn: GROUP_ARN, tagKeys: ['a', 'b'] });

    cm.resetHistory();
    cm.on(TagResourceCommand).resolves({});
    await run(updateEvent(TYPE, GROUP_ARN, PROPS, { ...PROPS, Tags: 'not a map' }, o));
    expect(cm).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: GROUP_ARN, tags: { team: 'support' } });
    expect(cm).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('UpdateTrafficDistribution refused while another update runs (ResourceConflict) is tried again on the next poll', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce(split([100, 0])).resolvesOnce(split([100, 0])).resolves(split([70, 30]));
    cm.on(UpdateTrafficDistributionCommand).rejectsOnce(sdkError(ResourceConflictException, 'update in progress')).resolves({});
    const out = await run(updateEvent(TYPE, GROUP_ARN, PROPS, { ...OLD, Tags: PROPS.Tags }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).toHaveReceivedCommandTimes(UpdateTrafficDistributionCommand, 2);
  });

  test('a split Amazon Connect refuses (InvalidRequest) says what a valid split is', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves(split([100, 0]));
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(InvalidRequestException, 'Regions do not match the linked instances'));
    expectFailed(await run(updateEvent(TYPE, GROUP_ARN, PROPS, { ...OLD, Tags: PROPS.Tags }, o)),
      'Amazon Connect refused the split (Regions do not match the linked instances)', 'steps of 10 that sum to 100');
  });

  test('a throttled update of the split is retried until the deadline, then fails naming the call', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves(split([100, 0]));
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(updateEvent(TYPE, GROUP_ARN, PROPS, { ...OLD, Tags: PROPS.Tags }, o),
      `Traffic distribution group ${LOGICAL_ID} ('support') (${GROUP_ARN}): UpdateTrafficDistribution failed: ThrottlingException`, 'throttled');
  });

  test('a group without a description stays in place when nothing but tags change', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const plain = { InstanceArn: INSTANCE_ARN, Name: 'support' };
    expectSucceeded(await run(updateEvent(TYPE, GROUP_ARN, { ...plain, Tags: { a: '1' } }, plain, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: GROUP_ARN, tags: { a: '1' } });
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
  });

  test('an agent split alone keeps the current telephony split', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce(split([60, 40], [100, 0])).resolves(split([60, 40], [50, 50]));
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const { TelephonyDistribution: _, ...rest } = PROPS;
    const props = { ...rest, AgentDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } };
    expectSucceeded(await run(updateEvent(TYPE, GROUP_ARN, props, rest, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, {
      Id: GROUP_ARN,
      TelephonyConfig: { Distributions: [{ Region: REGION, Percentage: 60 }, { Region: REPLICA_REGION, Percentage: 40 }] },
      AgentConfig: { Distributions: [{ Region: REGION, Percentage: 50 }, { Region: REPLICA_REGION, Percentage: 50 }] },
    });
  });

  test.each([
    ['name', { Name: 'support-2' }],
    ['instance', { InstanceArn: OTHER_INSTANCE_ARN, TelephonyDistribution: undefined }],
    ['name and description', { Name: 'support-2', Description: 'Care lines' }],
  ])('a new %s replaces the group: a new one is created and its ARN becomes the physical id', async (_what, change) => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '77777777-6666-5555-4444-333333333333', Arn: GROUP2_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: GROUP2_ARN }));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const props = { ...PROPS, ...change };
    const out = await run(updateEvent(TYPE, GROUP_ARN, props, PROPS, o));
    expectSucceeded(out, GROUP2_ARN, { Arn: GROUP2_ARN, Id: GROUP2_ARN.split('/')[1] });
    expect(cm).toHaveReceivedCommandWith(CreateTrafficDistributionGroupCommand, {
      Name: props.Name, InstanceId: props.InstanceArn, Description: props.Description,
    });
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
    expect(cm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a new description with the same name is refused before anything is created: the replacement would collide', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Description: 'Support lines' }));
    const out = await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Description: 'Care lines' }, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} ('support')`, 'its description changed', 'Change trafficDistributionGroupName too');
    expect(out.response.PhysicalResourceId).toBe(GROUP_ARN);
    expect(cm.calls().map(c => c.args[0].constructor.name)).toEqual(['DescribeTrafficDistributionGroupCommand']);
  });

  test.each([
    ['a refused description change', { Description: 'Care lines' }],
    ['a failed rename', { Name: 'support-2' }],
  ])('the rollback of %s finds the group as requested and changes nothing (same id, nothing created)', async (_what, failed) => {
    // CloudFormation rolls back with the old properties, to the group that still has them.
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Description: PROPS.Description }));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const out = await run(updateEvent(TYPE, GROUP_ARN, PROPS, { ...PROPS, ...failed }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
  });

  test('a group deleted outside CloudFormation fails the update and says what to do', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    expectFailed(await run(updateEvent(TYPE, GROUP_ARN, PROPS, PROPS, o)), 'no longer exists: it was deleted outside CloudFormation', LOGICAL_ID);
  });

  test('a bad token value on update fails naming the property', async () => {
    const out = await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, TelephonyDistribution: { [REGION]: 'seventy', [REPLICA_REGION]: '30' } }, PROPS, o));
    expectFailed(out, "invalid property: TelephonyDistribution['us-east-1'] must be an integer percentage from 0 to 100");
    expect(cm.calls()).toHaveLength(0);
  });

  test('an in-place update hands the waiter the same physical id and the group\'s deadline, and is not marked as created', async () => {
    const before = Date.now();
    const r = await onEvent(updateEvent(TYPE, GROUP_ARN, PROPS, PROPS, o));
    const limit = Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS * 1000;
    expect(r).toEqual({ PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: expect.any(Number) });
    expect(r[DEADLINE_FIELD]).toBeGreaterThanOrEqual(before + limit);
    expect(r[DEADLINE_FIELD]).toBeLessThanOrEqual(Date.now() + limit);
    expect(cm.calls()).toHaveLength(0);
  });

  test('tags alone changing on a group without a description are applied without describing the group first', async () => {
    cm.on(TagResourceCommand).resolves({});
    const plain = { InstanceArn: INSTANCE_ARN, Name: 'support' };
    await onEvent(updateEvent(TYPE, GROUP_ARN, { ...plain, Tags: { a: '1' } }, plain, o));
    expect(cm.calls().map(c => c.args[0].constructor.name)).toEqual(['TagResourceCommand']);
  });

  test.each([
    ['TagResource', TagResourceCommand, { team: 'care' }],
    ['UntagResource', UntagResourceCommand, {}],
  ])('a %s failure fails the update naming the group and the call', async (call, command, tags) => {
    cm.on(command as any).rejects(sdkError(AccessDeniedException, 'not authorized'));
    const out = await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Tags: tags }, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} ('support'): ${call} failed: AccessDeniedException: not authorized`, 'check the role');
    expect(out.response.PhysicalResourceId).toBe(GROUP_ARN);
  });

  test('a replacement whose new group is not visible at first is waited for, not taken for deleted', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).resolves(group('ACTIVE', { Description: PROPS.Description }));
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP2_ARN })
      .rejectsOnce(notFound()).resolves(group('ACTIVE', { Arn: GROUP2_ARN, Name: 'support-2' }));
    cm.on(GetTrafficDistributionCommand).resolves(split([70, 30]));
    const out = await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o));
    expectSucceeded(out, GROUP2_ARN, { Arn: GROUP2_ARN, Id: GROUP2_ARN.split('/')[1] });
  });

  test('a rename replaces the group even though its description and instance are unchanged', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).resolves(group('ACTIVE', { Description: PROPS.Description }));
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    const r = await onEvent(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o));
    expect(r).toEqual(expect.objectContaining({ PhysicalResourceId: GROUP2_ARN, [CREATED_FIELD]: true }));
    expect(inputsOf(cm, DescribeTrafficDistributionGroupCommand)).toEqual([{ TrafficDistributionGroupId: GROUP_ARN }]);
    expect(cm).toHaveReceivedCommandWith(CreateTrafficDistributionGroupCommand, { Name: 'support-2', InstanceId: INSTANCE_ARN });
    expect(cm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a move to another instance replaces the group even though its name and description are unchanged', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).resolves(group('ACTIVE', { Description: PROPS.Description }));
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    const props = { ...PROPS, InstanceArn: OTHER_INSTANCE_ARN, TelephonyDistribution: undefined };
    const r = await onEvent(updateEvent(TYPE, GROUP_ARN, props, PROPS, o));
    expect(r).toEqual(expect.objectContaining({ PhysicalResourceId: GROUP2_ARN, [CREATED_FIELD]: true }));
    expect(cm).toHaveReceivedCommandWith(CreateTrafficDistributionGroupCommand, { Name: 'support', InstanceId: OTHER_INSTANCE_ARN });
  });

  test('a rename of a group deleted outside CloudFormation creates the new group', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).rejects(notFound());
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    const r = await onEvent(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o));
    expect(r).toEqual(expect.objectContaining({ PhysicalResourceId: GROUP2_ARN, [CREATED_FIELD]: true }));
    expect(cm).toHaveReceivedCommandTimes(CreateTrafficDistributionGroupCommand, 1);
  });

  test('a physical id that is not a group ARN is replaced by a new group without describing it', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    const r = await onEvent(updateEvent(TYPE, 'a3b0c1d2-request-id', { ...PROPS, Name: 'support-2' }, PROPS, o));
    expect(r).toEqual(expect.objectContaining({ PhysicalResourceId: GROUP2_ARN, [CREATED_FIELD]: true }));
    expect(cm.calls().map(c => c.args[0].constructor.name)).toEqual(['CreateTrafficDistributionGroupCommand']);
  });

  test('the rollback of a failed rename of a group without a description changes nothing', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const plain = { InstanceArn: INSTANCE_ARN, Name: 'support' };
    const out = await run(updateEvent(TYPE, GROUP_ARN, plain, { ...plain, Name: 'support-2' }, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
  });

  test('a replacement whose new group ends in CREATION_FAILED starts deleting that group (freeing its name) and fails', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).resolves(group('ACTIVE', { Description: PROPS.Description }));
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: '88888888-7777-6666-5555-444444444444', Arn: GROUP2_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP2_ARN })
      .resolvesOnce(group('CREATION_FAILED', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .resolvesOnce(group('CREATION_FAILED', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .resolvesOnce(group('PENDING_DELETION', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .rejects(notFound());
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const out = await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} ('support-2') (${GROUP2_ARN}) ended in status CREATION_FAILED`,
      'The new group \'support-2\' that this replacement created was deleted');
    expect(inputsOf(cm, DeleteTrafficDistributionGroupCommand)).toEqual([{ TrafficDistributionGroupId: GROUP2_ARN }]);
    expect(await regionsOf(cm, DeleteTrafficDistributionGroupCommand)).toEqual([REGION]);
  });

  test('a group whose deletion outside the deployment failed (DELETION_FAILED) fails the update at once instead of waiting', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('DELETION_FAILED'));
    const event = updateEvent(TYPE, GROUP_ARN, PROPS, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() + 60_000 })))
      .rejects.toThrow(`Traffic distribution group ${LOGICAL_ID} ('support') (${GROUP_ARN}) is being deleted (status DELETION_FAILED)`);
    expect(cm).toHaveReceivedCommandTimes(DescribeTrafficDistributionGroupCommand, 1);
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a failed replacement whose clean-up delete fails still reports CREATION_FAILED', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('CREATION_FAILED', { Arn: GROUP2_ARN, Name: 'support-2' }));
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(sdkError(AccessDeniedException, 'no delete'));
    const event = updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP2_ARN, [CREATED_FIELD]: true })))
      .rejects.toThrow('ended in status CREATION_FAILED');
    expect(cm).toHaveReceivedCommandTimes(DeleteTrafficDistributionGroupCommand, 1);
  });
});

describe('TrafficDistributionGroup: Delete', () => {
  test('deletes and waits until Describe says it is gone', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(group('ACTIVE'))
      .resolvesOnce(group('PENDING_DELETION'))
      .rejects(notFound());
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const out = await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o));
    expectSucceeded(out, GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(DeleteTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN });
    expect(await regionsOf(cm, DeleteTrafficDistributionGroupCommand)).toEqual([REGION]);
  });

  test('a group already gone is success, with no delete call', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    expectSucceeded(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a group that disappears between Describe and Delete (404) is success', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('ACTIVE')).rejects(notFound());
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(notFound());
    expectSucceeded(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), GROUP_ARN);
  });

  test('a group already PENDING_DELETION (event delivered again) is waited for, not deleted twice', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('PENDING_DELETION')).rejects(notFound());
    expectSucceeded(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a default group is never deleted', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { IsDefault: true }));
    expectSucceeded(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a physical id that is not a group ARN (a create that never got one) deletes nothing', async () => {
    const event = deleteEvent(TYPE, 'a3b0c1d2-request-id', PROPS, o);
    expectSucceeded(await run(event), 'a3b0c1d2-request-id');
    expect(cm.calls()).toHaveLength(0);
  });

  test('DELETION_FAILED fails naming the group', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(group('ACTIVE'))
      .resolvesOnce(group('PENDING_DELETION'))
      .resolves(group('DELETION_FAILED'));
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const out = await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} (${GROUP_ARN}): deletion ended in status DELETION_FAILED`, 'delete again');
  });

  test('numbers still claimed (ResourceInUse): the message lists them and says how to free them', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(sdkError(ResourceInUseException, 'Phone numbers are claimed to this group',
      { ResourceType: 'PHONE_NUMBER', ResourceId: GROUP_ID }));
    cm.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [{ PhoneNumber: '+12065550100' }, { PhoneNumberId: 'pn-2' }, {}], NextToken: 'more',
    });
    const out = await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o));
    expectFailed(out, `Traffic distribution group ${LOGICAL_ID} ('support') cannot be deleted`,
      'phone numbers are still claimed to it: +12065550100, pn-2, ?, ...', 'Move them to an instance', 'release them', 'then delete again');
    expect(cm).toHaveReceivedCommandWith(ListPhoneNumbersV2Command, { TargetArn: GROUP_ARN });
  });

  test('ResourceInUse when the numbers cannot be listed still says what to do', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(sdkError(ResourceInUseException, 'in use'));
    cm.on(ListPhoneNumbersV2Command).rejects(sdkError(AccessDeniedException, 'no list'));
    const out = await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o));
    expectFailed(out, 'cannot be deleted: phone numbers are still claimed to it. Move them');
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on DeleteTrafficDistributionGroup fails with a clear reason (a transient one only after the deadline)', async (ctor, advice) => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(sdkError(ctor as any, 'boom'));
    const reason = `Traffic distribution group ${LOGICAL_ID}: DeleteTrafficDistributionGroup failed: ${(ctor as any).name}: boom`;
    if (ctor === AccessDeniedException) {
      expectFailed(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), reason, advice);
    } else {
      await expectNotFatalBeforeDeadline(deleteEvent(TYPE, GROUP_ARN, PROPS, o), reason, advice);
    }
  });

  test('a deletion that does not finish by the deadline fails naming the group', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('PENDING_DELETION'));
    const event = deleteEvent(TYPE, GROUP_ARN, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Deletion of Traffic distribution group ${LOGICAL_ID} (${GROUP_ARN}) did not settle in time (last seen: PENDING_DELETION)`);
  });

  test('a deletion past its deadline with no status reported says so', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('PENDING_DELETION', { Status: undefined }));
    const event = deleteEvent(TYPE, GROUP_ARN, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow('did not settle in time (last seen: ?)');
  });

  test('isComplete of a delete whose physical id is not an ARN is complete at once', async () => {
    const event = deleteEvent(TYPE, 'not-an-arn', PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: 'not-an-arn' }))).resolves.toEqual({ IsComplete: true });
    expect(cm.calls()).toHaveLength(0);
  });

  test('onEvent of a delete hands the waiter the same physical id and the group\'s deadline', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const before = Date.now();
    const r = await onEvent(deleteEvent(TYPE, GROUP_ARN, PROPS, o));
    const limit = Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS * 1000;
    expect(r).toEqual({ PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: expect.any(Number) });
    expect(r[DEADLINE_FIELD]).toBeGreaterThanOrEqual(before + limit);
    expect(r[DEADLINE_FIELD]).toBeLessThanOrEqual(Date.now() + limit);
  });

  test.each([
    ['one number, no more pages', { ListPhoneNumbersSummaryList: [{ PhoneNumber: '+12065550100' }] }, 'claimed to it: +12065550100. Move them'],
    ['an empty answer', {}, 'claimed to it. Move them'],
  ])('ResourceInUse with %s lists exactly what was found', async (_what, listed, message) => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(DeleteTrafficDistributionGroupCommand).rejects(sdkError(ResourceInUseException, 'in use'));
    cm.on(ListPhoneNumbersV2Command).resolves(listed);
    expectFailed(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), message);
    expect(cm).toHaveReceivedCommandWith(ListPhoneNumbersV2Command, { TargetArn: GROUP_ARN, MaxResults: 10 });
  });

  test('a group in another Region is described, deleted and waited for in that Region', async () => {
    const arn = `arn:aws:connect:${REPLICA_REGION}:${ACCOUNT}:traffic-distribution-group/${GROUP_ID}`;
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('ACTIVE', { Arn: arn })).resolvesOnce(group('PENDING_DELETION', { Arn: arn }))
      .rejects(notFound());
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, arn, PROPS, o)), arn);
    expect(await regionsOf(cm, DescribeTrafficDistributionGroupCommand)).toEqual([REPLICA_REGION, REPLICA_REGION, REPLICA_REGION]);
    expect(await regionsOf(cm, DeleteTrafficDistributionGroupCommand)).toEqual([REPLICA_REGION]);
  });

  test('the waiter gets IsComplete false while the deletion is pending', async () => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    try {
      cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('PENDING_DELETION'));
      const event = deleteEvent(TYPE, GROUP_ARN, PROPS, o);
      const r = await isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() + 60_000 }));
      expect(r).toEqual({ IsComplete: false });
      expect(cm).toHaveReceivedCommandTimes(DescribeTrafficDistributionGroupCommand, 1);
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
    }
  });
});

describe('TrafficDistributionGroup: a failed replacement leaves nothing behind', () => {
  test('a rollback sent to the new group of a failed rename finds the old group by name and answers with it: nothing created', async () => {
    // The new group (the id the FAILED response named) is being deleted; the old one is ACTIVE.
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP2_ARN })
      .resolves(group('PENDING_DELETION', { Arn: GROUP2_ARN, Name: 'support-2', Description: PROPS.Description }));
    cm.on(ListTrafficDistributionGroupsCommand).resolves({
      TrafficDistributionGroupSummaryList: [
        { Arn: GROUP2_ARN, Name: 'support-2', IsDefault: false },
        { Arn: GROUP_ARN, Name: 'support', IsDefault: false },
      ],
    });
    cm.on(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN }).resolves(group('ACTIVE', { Description: PROPS.Description }));
    const out = await onEvent(updateEvent(TYPE, GROUP2_ARN, PROPS, { ...PROPS, Name: 'support-2' }, o));
    expect(out.PhysicalResourceId).toBe(GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
    expect(inputsOf(cm, ListTrafficDistributionGroupsCommand)).toEqual([{ InstanceId: INSTANCE_ARN, MaxResults: 10 }]);
  });

  test('a replacement whose split is throttled is not a failure before the deadline: the new group is kept, the waiter calls again', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: GROUP2_ARN, Name: 'support-2' }));
    cm.on(GetTrafficDistributionCommand).resolves(split([100, 0]));
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded', { $metadata: { httpStatusCode: 429 } }));
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const event = updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP2_ARN, [DEADLINE_FIELD]: Date.now() + 60_000, [CREATED_FIELD]: true })))
      .resolves.toEqual({ IsComplete: false });
    expect(cm).not.toHaveReceivedCommand(DeleteTrafficDistributionGroupCommand);
  });

  test('a replacement whose split is refused deletes the new group, waits until it is gone, and says so', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(group('ACTIVE', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .resolvesOnce(group('ACTIVE', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .resolvesOnce(group('PENDING_DELETION', { Arn: GROUP2_ARN, Name: 'support-2' }))
      .rejects(notFound());
    cm.on(GetTrafficDistributionCommand).resolves(split([100, 0]));
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(InvalidRequestException, 'refused'));
    cm.on(DeleteTrafficDistributionGroupCommand).resolves({});
    const event = updateEvent(TYPE, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP2_ARN, [DEADLINE_FIELD]: Date.now() + 60_000, [CREATED_FIELD]: true })))
      .rejects.toThrow(/refused.* The new group 'support-2' that this replacement created was deleted, so that nothing is left behind/);
    expect(inputsOf(cm, DeleteTrafficDistributionGroupCommand)).toEqual([{ TrafficDistributionGroupId: GROUP2_ARN }]);
  });
});
