import {
  AccessDeniedException, AssociateTrafficDistributionGroupUserCommand, DisassociateTrafficDistributionGroupUserCommand,
  InternalServiceException, ResourceNotFoundException, ThrottlingException,
} from '@aws-sdk/client-connect';
import { createEvent, deleteEvent, expectFailed, expectSucceeded, GROUP2_ARN, inputsOf, regionsOf, run, sdkError, updateEvent, useConnectMock, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE as TYPE } from '../../src/shared/names';
import { GROUP_ARN, INSTANCE_ARN, REGION } from '../fixtures/arns';

const cm = useConnectMock();
const LOGICAL_ID = 'Agents';
const o = { logicalId: LOGICAL_ID };

const U1 = 'a1a1a1a1-0000-0000-0000-000000000001';
const U2 = 'a1a1a1a1-0000-0000-0000-000000000002';
const U3 = 'a1a1a1a1-0000-0000-0000-000000000003';
const userArn = (id: string) => `${INSTANCE_ARN}/agent/${id}`;
const PROPS = { TrafficDistributionGroupArn: GROUP_ARN, InstanceArn: INSTANCE_ARN, UserIds: [U1, U2] };
const PHYSICAL_ID = `${GROUP_ARN}/users`;

const call = (userId: string, groupArn = GROUP_ARN) => ({ TrafficDistributionGroupId: groupArn, UserId: userId, InstanceId: INSTANCE_ARN });

describe('TrafficDistributionGroupUsers', () => {
  test('Create associates each user once (user ARNs and ids alike) in the group Region', async () => {
    cm.on(AssociateTrafficDistributionGroupUserCommand).resolves({});
    const out = await run(createEvent(TYPE, { ...PROPS, UserIds: [U1, userArn(U2), U1] }, o));
    expectSucceeded(out, PHYSICAL_ID);
    expect(inputsOf(cm, AssociateTrafficDistributionGroupUserCommand)).toEqual([call(U1), call(U2)]);
    expect(await regionsOf(cm, AssociateTrafficDistributionGroupUserCommand)).toEqual([REGION, REGION]);
    expect(cm).not.toHaveReceivedCommand(DisassociateTrafficDistributionGroupUserCommand);
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on an association fails naming the user', async (ctor, advice) => {
    cm.on(AssociateTrafficDistributionGroupUserCommand).resolvesOnce({}).rejects(sdkError(ctor as any, 'nope'));
    expectFailed(await run(createEvent(TYPE, PROPS, o)),
      `Agents of a traffic distribution group ${LOGICAL_ID}: AssociateTrafficDistributionGroupUser (${U2}) failed: ${(ctor as any).name}: nope`, advice);
  });

  test('Update associates the added users and disassociates the removed ones; same physical id', async () => {
    cm.on(AssociateTrafficDistributionGroupUserCommand).resolves({});
    cm.on(DisassociateTrafficDistributionGroupUserCommand).resolves({});
    const out = await run(updateEvent(TYPE, PHYSICAL_ID, { ...PROPS, UserIds: [U2, U3] }, PROPS, o));
    expectSucceeded(out, PHYSICAL_ID);
    expect(inputsOf(cm, AssociateTrafficDistributionGroupUserCommand)).toEqual([call(U3)]);
    expect(inputsOf(cm, DisassociateTrafficDistributionGroupUserCommand)).toEqual([call(U1)]);
  });

  test('Update with the same users makes no call', async () => {
    expectSucceeded(await run(updateEvent(TYPE, PHYSICAL_ID, { ...PROPS, UserIds: [U2, U1] }, PROPS, o)), PHYSICAL_ID);
    expect(cm.calls()).toHaveLength(0);
  });

  test('Update to another group associates everyone there under a new physical id; the old group is left to the cleanup Delete', async () => {
    cm.on(AssociateTrafficDistributionGroupUserCommand).resolves({});
    const out = await run(updateEvent(TYPE, PHYSICAL_ID, { ...PROPS, TrafficDistributionGroupArn: GROUP2_ARN }, PROPS, o));
    expectSucceeded(out, `${GROUP2_ARN}/users`);
    expect(inputsOf(cm, AssociateTrafficDistributionGroupUserCommand)).toEqual([call(U1, GROUP2_ARN), call(U2, GROUP2_ARN)]);
    expect(cm).not.toHaveReceivedCommand(DisassociateTrafficDistributionGroupUserCommand);
  });

  test('Update from unreadable old properties associates everyone', async () => {
    cm.on(AssociateTrafficDistributionGroupUserCommand).resolves({});
    await run(updateEvent(TYPE, PHYSICAL_ID, PROPS, { ...PROPS, UserIds: 'u1,u2' }, o));
    expect(inputsOf(cm, AssociateTrafficDistributionGroupUserCommand)).toEqual([call(U1), call(U2)]);
  });

  test('Delete disassociates every user; users already disassociated (404) are fine', async () => {
    cm.on(DisassociateTrafficDistributionGroupUserCommand).rejectsOnce(sdkError(ResourceNotFoundException, 'User not associated')).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PHYSICAL_ID, PROPS, o)), PHYSICAL_ID);
    expect(inputsOf(cm, DisassociateTrafficDistributionGroupUserCommand)).toEqual([call(U1), call(U2)]);
  });

  test('Delete refused for another reason fails naming the user', async () => {
    cm.on(DisassociateTrafficDistributionGroupUserCommand).rejects(sdkError(AccessDeniedException, 'denied'));
    expectFailed(await run(deleteEvent(TYPE, PHYSICAL_ID, PROPS, o)), `DisassociateTrafficDistributionGroupUser (${U1}) failed: AccessDeniedException`);
  });

  test('Delete with unreadable properties makes no call', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, PHYSICAL_ID, { ...PROPS, UserIds: [] }, o)), PHYSICAL_ID);
    expect(cm.calls()).toHaveLength(0);
  });

  test('isComplete has nothing to wait for', async () => {
    const event = createEvent(TYPE, PROPS, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: PHYSICAL_ID }))).resolves.toEqual({ IsComplete: true });
    expect(cm.calls()).toHaveLength(0);
  });

  test.each([
    [{ UserIds: [] }, 'UserIds must be a non-empty list of user ids'],
    [{ UserIds: ['bob'] }, "UserIds[0] must be a Connect user id (a UUID) or user ARN; got 'bob'"],
    [{ InstanceArn: GROUP_ARN }, 'InstanceArn must be an Amazon Connect instance ARN'],
    [{ TrafficDistributionGroupArn: INSTANCE_ARN }, 'TrafficDistributionGroupArn must be a traffic distribution group ARN'],
  ])('a token that resolves to a bad value (%j) fails naming the property, before any call', async (bad, message) => {
    expectFailed(await run(createEvent(TYPE, { ...PROPS, ...bad }, o)), `Agents of a traffic distribution group ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });
});
