import {
  AccessDeniedException, DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand, InternalServiceException,
  InvalidRequestException, ResourceConflictException, ResourceNotFoundException, ThrottlingException, TrafficDistributionGroupStatus,
  UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { createEvent, DEFAULT_GROUP_ARN, deleteEvent, expectFailed, expectNotFatalBeforeDeadline, expectSucceeded, GROUP2_ARN, inputsOf, regionsOf, run, sdkError, updateEvent, useConnectMock, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { DEADLINE_FIELD, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE as TYPE } from '../../src/shared/names';
import { GROUP_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();
const LOGICAL_ID = 'Split';
const o = { logicalId: LOGICAL_ID };

const PROPS = { TrafficDistributionGroupArn: GROUP_ARN, TelephonyDistribution: { [REGION]: 80, [REPLICA_REGION]: 20 } };
const SIGN_IN = {
  TrafficDistributionGroupArn: DEFAULT_GROUP_ARN,
  TelephonyDistribution: { [REGION]: 100, [REPLICA_REGION]: 0 },
  SignInDistribution: { [REGION]: true, [REPLICA_REGION]: false },
};

function group(status: string, extra: Record<string, unknown> = {}) {
  return { TrafficDistributionGroup: { Arn: GROUP_ARN, Name: 'support', Status: status as TrafficDistributionGroupStatus, IsDefault: false, ...extra } };
}

const pct = (a: number, b: number) => ({ Distributions: [{ Region: REGION, Percentage: a }, { Region: REPLICA_REGION, Percentage: b }] });
const enabled = (a: boolean, b: boolean) => ({ Distributions: [{ Region: REGION, Enabled: a }, { Region: REPLICA_REGION, Enabled: b }] });

describe('TrafficDistribution: Create and Update', () => {
  test('sets the split of a group and waits until it reads back as declared; the group ARN is the physical id', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(group('ACTIVE'))
      .resolvesOnce(group('UPDATE_IN_PROGRESS'))
      .resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(100, 0) }).resolves({ TelephonyConfig: pct(80, 20) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});

    const out = await run(createEvent(TYPE, PROPS, o));

    expectSucceeded(out, GROUP_ARN);
    expect(out.response.Data).toEqual({});
    expect(cm).toHaveReceivedCommandTimes(UpdateTrafficDistributionCommand, 1);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: pct(80, 20) });
    expect(await regionsOf(cm, UpdateTrafficDistributionCommand)).toEqual([REGION]);
  });

  test('a group with no split reported yet (empty configs) gets the declared one', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: { Distributions: [] } })
      .resolves({ TelephonyConfig: pct(80, 20) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: pct(80, 20) });
  });

  test('a split that reads back with a third Region is brought back to the declared two', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const three = { Distributions: [...pct(80, 10).Distributions, { Region: 'ca-central-1', Percentage: 10 }] };
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: three }).resolves({ TelephonyConfig: pct(80, 20) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: pct(80, 20) });
  });

  test('a group still being created is waited for', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('CREATION_IN_PROGRESS')).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(80, 20) });
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('the sign-in split is set on a default group, with booleans from the strings CloudFormation delivers', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: DEFAULT_GROUP_ARN, IsDefault: true }));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(100, 0), SignInConfig: enabled(true, true) })
      .resolves({ TelephonyConfig: pct(100, 0), SignInConfig: enabled(true, false) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, SIGN_IN, o)), DEFAULT_GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, {
      Id: DEFAULT_GROUP_ARN, TelephonyConfig: pct(100, 0), SignInConfig: enabled(true, false),
    });
  });

  test('a sign-in split on a group that is not the default one is refused with what to do', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    const out = await run(createEvent(TYPE, { ...SIGN_IN, TrafficDistributionGroupArn: GROUP_ARN }, o));
    expectFailed(out, `Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN}: signInDistribution can only be set on the default traffic distribution group`,
      "'support' is not a default group", 'Remove signInDistribution');
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('an agent split alone keeps the telephony split as it is', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(90, 10), AgentConfig: pct(100, 0) })
      .resolves({ TelephonyConfig: pct(90, 10), AgentConfig: pct(50, 50) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const props = { TrafficDistributionGroupArn: GROUP_ARN, AgentDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } };
    expectSucceeded(await run(createEvent(TYPE, props, o)), GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: pct(90, 10), AgentConfig: pct(50, 50) });
  });

  test('an update of the split keeps the physical id; an update to another group changes it', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(80, 20) }).resolves({ TelephonyConfig: pct(50, 50) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const props = { ...PROPS, TelephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } };
    expectSucceeded(await run(updateEvent(TYPE, GROUP_ARN, props, PROPS, o)), GROUP_ARN);
    expect(cm).toHaveReceivedCommandWith(UpdateTrafficDistributionCommand, { Id: GROUP_ARN, TelephonyConfig: pct(50, 50) });

    cm.resetHistory();
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(80, 20) });
    expectSucceeded(await run(updateEvent(TYPE, GROUP_ARN, { ...PROPS, TrafficDistributionGroupArn: GROUP2_ARN }, PROPS, o)), GROUP2_ARN);
    expect(cm).toHaveReceivedCommandWith(GetTrafficDistributionCommand, { Id: GROUP2_ARN });
  });

  test('an update refused while another runs (ResourceConflict) is tried again', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(100, 0) }).resolvesOnce({ TelephonyConfig: pct(100, 0) })
      .resolves({ TelephonyConfig: pct(80, 20) });
    cm.on(UpdateTrafficDistributionCommand).rejectsOnce(sdkError(ResourceConflictException, 'in progress')).resolves({});
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
    expect(cm).toHaveReceivedCommandTimes(UpdateTrafficDistributionCommand, 2);
  });

  test('a split Amazon Connect refuses fails with what a valid split is', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(100, 0) });
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(InvalidRequestException, 'Region not linked'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), 'Amazon Connect refused the split (Region not linked)', 'Name exactly the two Regions',
      'sign-in distribution only on the default group');
  });

  test('a group that does not exist fails saying to check the ARN', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(sdkError(ResourceNotFoundException, 'not found'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), `Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN}: the group does not exist. Check the group ARN.`);
  });

  test.each(['CREATION_FAILED', 'PENDING_DELETION', 'DELETION_FAILED'])('a group in status %s fails naming the status', async (status) => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group(status));
    expectFailed(await run(createEvent(TYPE, PROPS, o)), `the group is ${status}, so its split cannot be changed`);
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on GetTrafficDistribution fails with a clear reason (a transient one only after the deadline)', async (ctor, advice) => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).rejects(sdkError(ctor as any, 'nope'));
    const reason = `Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN}: GetTrafficDistribution failed: ${(ctor as any).name}: nope`;
    if (ctor === AccessDeniedException) {
      expectFailed(await run(createEvent(TYPE, PROPS, o)), reason, advice);
    } else {
      await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o), reason, advice);
    }
  });

  test('a throttled Describe of the group is "not yet" until the deadline, then fails naming the call', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o),
      `Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN}: DescribeTrafficDistributionGroup failed: ThrottlingException`, 'throttled');
  });

  test('a throttled update is retried until the deadline, then fails naming the call', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(100, 0) });
    cm.on(UpdateTrafficDistributionCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(createEvent(TYPE, PROPS, o), 'UpdateTrafficDistribution failed: ThrottlingException: Rate exceeded', 'throttled');
  });

  test('a split not settled by the deadline fails naming it', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('UPDATE_IN_PROGRESS'));
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN} did not settle in time (last seen: UPDATE_IN_PROGRESS)`);
  });

  test.each([
    [{ TelephonyDistribution: undefined }, 'TelephonyDistribution, AgentDistribution or SignInDistribution must be given'],
    [{ TelephonyDistribution: { [REGION]: '55', [REPLICA_REGION]: '45' } }, "TelephonyDistribution['us-east-1'] must be a multiple of 10"],
    [{ SignInDistribution: { [REGION]: 'yes', [REPLICA_REGION]: 'false' } }, "SignInDistribution['us-east-1'] must be true or false"],
    [{ SignInDistribution: { [REGION]: 'false', [REPLICA_REGION]: 'false' } }, 'SignInDistribution must enable sign-in in at least one Region'],
    [{ TrafficDistributionGroupArn: 'support' }, 'TrafficDistributionGroupArn must be a traffic distribution group ARN'],
  ])('a token that resolves to a bad value (%j) fails naming the property, before any call', async (bad, message) => {
    expectFailed(await run(createEvent(TYPE, { ...PROPS, ...bad }, o)), `Traffic distribution ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });
});

describe('TrafficDistribution: converging the split', () => {
  test.each(['UPDATE_IN_PROGRESS', 'ACTIVE'])(
    'a GetTrafficDistribution refused while the group is settling (%s) is tried again, with no update', async (settling) => {
      cm.on(DescribeTrafficDistributionGroupCommand)
        .resolvesOnce(group('ACTIVE'))
        .resolvesOnce(group(settling))
        .resolves(group('ACTIVE'));
      cm.on(GetTrafficDistributionCommand)
        .rejectsOnce(sdkError(InvalidRequestException, 'Traffic distribution group is not ACTIVE'))
        .resolves({ TelephonyConfig: pct(80, 20) });
      expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
      expect(cm).toHaveReceivedCommandTimes(GetTrafficDistributionCommand, 2);
      expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
      expect(inputsOf(cm, DescribeTrafficDistributionGroupCommand)).toEqual(
        [{ TrafficDistributionGroupId: GROUP_ARN }, { TrafficDistributionGroupId: GROUP_ARN }, { TrafficDistributionGroupId: GROUP_ARN }]);
      expect(await regionsOf(cm, DescribeTrafficDistributionGroupCommand)).toEqual([REGION, REGION, REGION]);
    });

  test.each([
    ['a group in another status', group('PENDING_DELETION')],
    ['a Describe answer with no group', {}],
  ])('a GetTrafficDistribution refused for %s fails with the refusal', async (_, described) => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(group('ACTIVE')).resolves(described);
    cm.on(GetTrafficDistributionCommand).rejects(sdkError(InvalidRequestException, 'Traffic distribution group is not ACTIVE'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)),
      `Traffic distribution ${LOGICAL_ID} of ${GROUP_ARN}: GetTrafficDistribution failed: InvalidRequestException: Traffic distribution group is not ACTIVE`);
    expect(cm).toHaveReceivedCommandTimes(GetTrafficDistributionCommand, 1);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('a sign-in split alone is set, sending the telephony split as it is', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: DEFAULT_GROUP_ARN, IsDefault: true }));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(70, 30), SignInConfig: enabled(true, true) })
      .resolves({ TelephonyConfig: pct(70, 30), SignInConfig: enabled(true, false) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const props = { TrafficDistributionGroupArn: DEFAULT_GROUP_ARN, SignInDistribution: SIGN_IN.SignInDistribution };
    expectSucceeded(await run(createEvent(TYPE, props, o)), DEFAULT_GROUP_ARN);
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([
      { Id: DEFAULT_GROUP_ARN, TelephonyConfig: pct(70, 30), AgentConfig: undefined, SignInConfig: enabled(true, false) },
    ]);
  });

  test('a Region missing from the sign-in split read back counts as disabled: nothing to update', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: DEFAULT_GROUP_ARN, IsDefault: true }));
    cm.on(GetTrafficDistributionCommand)
      .resolves({ TelephonyConfig: pct(100, 0), SignInConfig: { Distributions: [{ Region: REGION, Enabled: true }] } });
    expectSucceeded(await run(createEvent(TYPE, SIGN_IN, o)), DEFAULT_GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('an entry with no Region in the split read back is ignored: nothing to update', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE'));
    // The API model says Region is always there, but the SDK does not enforce it on responses.
    const withStray = { Distributions: [...pct(80, 20).Distributions, { Percentage: 30 }] } as any;
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: withStray });
    expectSucceeded(await run(createEvent(TYPE, PROPS, o)), GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('the update lists the Regions in a stable (sorted) order, whatever order they are declared in', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(group('ACTIVE', { Arn: DEFAULT_GROUP_ARN, IsDefault: true }));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(100, 0), AgentConfig: pct(100, 0), SignInConfig: enabled(true, true) })
      .resolves({ TelephonyConfig: pct(60, 40), AgentConfig: pct(50, 50), SignInConfig: enabled(true, false) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const props = {
      TrafficDistributionGroupArn: DEFAULT_GROUP_ARN,
      TelephonyDistribution: { [REPLICA_REGION]: 40, [REGION]: 60 },
      AgentDistribution: { [REPLICA_REGION]: 50, [REGION]: 50 },
      SignInDistribution: { [REPLICA_REGION]: false, [REGION]: true },
    };
    expectSucceeded(await run(createEvent(TYPE, props, o)), DEFAULT_GROUP_ARN);
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([
      { Id: DEFAULT_GROUP_ARN, TelephonyConfig: pct(60, 40), AgentConfig: pct(50, 50), SignInConfig: enabled(true, false) },
    ]);
  });
});

describe('TrafficDistribution: Delete', () => {
  test('leaves the split as it is: no call', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, GROUP_ARN, PROPS, o)), GROUP_ARN);
    expect(cm.calls()).toHaveLength(0);
  });
});
