/** The ClaimedPhoneNumber handler on Delete: a number released (DESTROY) or kept and parked (RETAIN), and the wait until done. */
import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand,
  InternalServiceException,
  InvalidParameterException, ReleasePhoneNumberCommand, ResourceInUseException, ResourceNotFoundException, ThrottlingException,
  UpdatePhoneNumberCommand,
} from '@aws-sdk/client-connect';
import { gone, LOGICAL_ID, NUMBER, o, ON_GROUP, PN_ARN, PN_ID, SEARCHED, summary, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import { CLIENT_TOKEN_PATTERN, deleteEvent, expectFailed, expectNotFatalBeforeDeadline, expectSucceeded, regionsOf, run, sdkError, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { stackOf } from '../../lambda/lib/ownership';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, DEADLINE_FIELD, STACK_TAG } from '../../src/shared/names';
import { FLOW_ARN, GROUP_ARN, INSTANCE_ARN, REGION } from '../fixtures/arns';

const cm = usePhoneNumberMock();

/** The group as DescribeTrafficDistributionGroup shows one this stack created: its owner record names the stack. */
const ownGroup = () => ({
  TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' as const, Tags: { [STACK_TAG]: stackOf(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)) } },
});

describe('ClaimedPhoneNumber: Delete', () => {
  test('DESTROY releases the number and waits until it is gone', async () => {
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN }))
      .resolvesOnce(summary('IN_PROGRESS', { TargetArn: INSTANCE_ARN }))
      .rejects(gone());
    cm.on(ReleasePhoneNumberCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandWith(ReleasePhoneNumberCommand, {
      PhoneNumberId: PN_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(await regionsOf(cm, ReleasePhoneNumberCommand)).toEqual([REGION]);
  });

  test('DESTROY delivered again while the first release is under way waits for it (ResourceInUse on a number IN_PROGRESS)', async () => {
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN }))
      .resolvesOnce(summary('IN_PROGRESS', { TargetArn: INSTANCE_ARN }))
      .rejects(gone());
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(ResourceInUseException, `Phone number ${NUMBER} is already being released.`));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(ReleasePhoneNumberCommand, 1);
  });

  test('DESTROY whose release was started by another request and has finished meanwhile (ResourceInUse, then gone) succeeds', async () => {
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN }))
      .rejects(gone());
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(ResourceInUseException, `Phone number ${NUMBER} is already being released.`));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(ReleasePhoneNumberCommand, 1);
  });

  test('DESTROY of a number in use by something else (ResourceInUse on a CLAIMED number) fails with the reason', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(ResourceInUseException, 'The phone number is the outbound caller ID of a queue'));
    expectFailed(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), 'ReleasePhoneNumber failed: ResourceInUseException: The phone number is the outbound caller ID of a queue');
  });

  test('DESTROY refused for another reason while the number is IN_PROGRESS (a move under way) fails with the refusal', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN })).resolves(summary('IN_PROGRESS', { TargetArn: INSTANCE_ARN }));
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(InvalidParameterException, 'The phone number is being updated'));
    expectFailed(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), 'ReleasePhoneNumber failed: InvalidParameterException: The phone number is being updated');
  });

  test('DESTROY of a number whose release left it FAILED is complete', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED')).resolves(summary('FAILED'));
    cm.on(ReleasePhoneNumberCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
  });

  test('a number already gone is success, with no release and no second look', async () => {
    cm.on(DescribePhoneNumberCommand).rejects(gone());
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 1);
  });

  test('a number whose claim FAILED (never claimed) is success, with no release and no second look', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('FAILED')).rejects(gone());
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 1);
  });

  test('a number that disappears before the release (404) is success', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED')).rejects(gone());
    cm.on(ReleasePhoneNumberCommand).rejects(gone());
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), PN_ARN);
  });

  test.each([
    ['explicit RETAIN', { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }],
    ['RETAIN by default', { TargetArn: INSTANCE_ARN, PhoneNumber: NUMBER }],
    ['an unknown policy (kept, never released)', { TargetArn: INSTANCE_ARN, PhoneNumber: NUMBER, RemovalPolicy: 'Destroy' }],
  ])('%s on an instance: nothing releases or moves the number', async (_what, props) => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, props, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    expect(cm.calls().every(c => c.args[0] instanceof DescribePhoneNumberCommand)).toBe(true);
  });

  test("RETAIN of a number on a group parks it on the group's instance and waits until it is there", async () => {
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED'))
      .resolvesOnce(summary('IN_PROGRESS'))
      .resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(ownGroup());
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });

    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);

    expect(cm).toHaveReceivedCommandWith(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN });
    // Parked, it keeps answering: its declared flow of the instance's Region is associated again, on the instance.
    expect(cm).toHaveReceivedCommandTimes(AssociatePhoneNumberContactFlowCommand, 1);
    expect(cm).toHaveReceivedCommandWith(AssociatePhoneNumberContactFlowCommand, {
      PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ARN.split('/')[1], ContactFlowId: FLOW_ARN.split('/').pop(),
    });
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberCommand, {
      PhoneNumberId: PN_ARN, TargetArn: INSTANCE_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('RETAIN of a number on a group: a number still CLAIMED on the group after the park call is waited for, not taken as parked', async () => {
    // UpdatePhoneNumber is accepted before the number shows IN_PROGRESS: it may still read CLAIMED on the group.
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED'))
      .resolvesOnce(summary('CLAIMED'))
      .resolvesOnce(summary('CLAIMED'))
      .resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(ownGroup());
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 5); // 4 until parked, 1 before the flow
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
  });

  test('RETAIN of a number on a group: while parking, the group vanishing ends the wait (the number stays where it is)', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(ownGroup())
      .rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group not found'));
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('RETAIN of a number on a group that keeps it (the park never lands) is not complete: the waiter polls on', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(ownGroup());
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    const out = await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o), 2);
    expectFailed(out, 'Operation timed out');
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
  });

  test('RETAIN of a number already being parked (event delivered again) does not move it twice', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS')).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN } });
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('RETAIN of a number whose group is gone leaves the number as it is, and the delete completes', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group not found'));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('RETAIN of a number on a group whose Describe is throttled never fails before the deadline, then names the call', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(deleteEvent(TYPE, PN_ARN, ON_GROUP, o), `Phone number ${LOGICAL_ID}: DescribeTrafficDistributionGroup failed: ThrottlingException`);
  });

  test('parking that ends FAILED surfaces the message and says how to move it by hand', async () => {
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED'))
      .resolves(summary('FAILED', { PhoneNumberStatus: { Status: 'FAILED', Message: 'Instance limit reached' } }));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN } });
    cm.on(UpdatePhoneNumberCommand).resolves({});
    expectFailed(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)),
      `Phone number ${LOGICAL_ID} (${PN_ARN}): moving the retained number to its group's instance failed: Instance limit reached`,
      'move it by hand (UpdatePhoneNumber)');
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on ReleasePhoneNumber fails naming the number (a transient one only after the deadline)', async (ctor, advice) => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(ctor as any, 'nope'));
    const reason = `Phone number ${LOGICAL_ID} (${NUMBER}): ReleasePhoneNumber failed: ${(ctor as any).name}: nope`;
    if (ctor === AccessDeniedException) {
      expectFailed(await run(deleteEvent(TYPE, PN_ARN, SEARCHED, o)), reason, advice);
    } else {
      await expectNotFatalBeforeDeadline(deleteEvent(TYPE, PN_ARN, SEARCHED, o), reason, advice);
    }
  });

  test('a throttled Describe on delete never fails before the deadline, then names the call', async () => {
    cm.on(DescribePhoneNumberCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    await expectNotFatalBeforeDeadline(deleteEvent(TYPE, PN_ARN, SEARCHED, o), `Phone number ${LOGICAL_ID}: DescribePhoneNumber failed: ThrottlingException`);
  });

  test('a release not finished by the deadline fails naming the number', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('IN_PROGRESS'));
    const event = deleteEvent(TYPE, PN_ARN, SEARCHED, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Release of Phone number ${LOGICAL_ID} (${PN_ARN}) did not settle in time (last seen: IN_PROGRESS)`);
  });

  test('a physical id that is not a phone number ARN deletes nothing', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, 'some-request-id', SEARCHED, o)), 'some-request-id');
    expect(cm.calls()).toHaveLength(0);
  });
});
