/** The owner record on Delete: a number another resource owns is left alone, one taken over is let go, an adopted one is put back; a group replacement checks for numbers from outside. */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribePhoneNumberCommand, ListPhoneNumbersV2Command, ReleasePhoneNumberCommand, TagResourceCommand, UntagResourceCommand,
  UpdatePhoneNumberCommand,
  CreateTrafficDistributionGroupCommand, DescribeTrafficDistributionGroupCommand, ListTrafficDistributionGroupsCommand,
} from '@aws-sdk/client-connect';
import { gone, LOGICAL_ID, o, ON_GROUP, PN_ARN, SEARCHED, summary, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import { cfnMock, deleteEvent, expectFailed, expectSucceeded, inputsOf, OTHER_INSTANCE_ARN, run, setStatus as stackStatus, updateEvent } from './events';
import { ownerOf } from '../../lambda/lib/events';
import { ownerTags } from '../../lambda/lib/ownership';
import {
  ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, OWNER_NONE, OWNER_TAG, STACK_TAG,
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE as GROUP,
} from '../../src/shared/names';
import { GROUP_ARN, INSTANCE_ARN } from '../fixtures/arns';

const cm = usePhoneNumberMock();
const DESTROY = { ...ON_GROUP, RemovalPolicy: 'destroy' };
const me = deleteEvent(TYPE, PN_ARN, DESTROY, o);
const other = { ...me, LogicalResourceId: 'MovedMainLine' };

describe('ClaimedPhoneNumber: Delete acts only on what its own logical resource owns now', () => {
  test('a number another logical resource owns (a refactor moved it) is left exactly as it is, even with DESTROY', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { Tags: ownerTags(other) }));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(cm.commandCalls(DescribePhoneNumberCommand).length).toBe(1);
    expect(cm.calls().filter(c => !(c.args[0] instanceof DescribePhoneNumberCommand))).toEqual([]);
  });

  test('a number taken over from this resource: the takeover becomes final (the record goes), nothing else is called', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', {
      Tags: { ...ownerTags(other), [ADOPTED_FROM_TAG]: GROUP_ARN, [ADOPTED_OWNER_TAG]: ownerOf(me) },
    }));
    cm.on(UntagResourceCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tagKeys: [ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG] }]);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('a number this resource adopted from outside is put back (target, then owner), never released, even with DESTROY', async () => {
    const adopted = { ...ownerTags(me), [ADOPTED_FROM_TAG]: OTHER_INSTANCE_ARN, [ADOPTED_OWNER_TAG]: OWNER_NONE };
    // The rollback of the deployment that adopted it (a removal by the user releases a DESTROY number).
    stackStatus('ROLLBACK_IN_PROGRESS');
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED', { Tags: adopted }))
      .resolvesOnce(summary('IN_PROGRESS', { Tags: { [OWNER_TAG]: OWNER_NONE } }))
      .resolves(summary('CLAIMED', { TargetArn: OTHER_INSTANCE_ARN, Tags: { [OWNER_TAG]: OWNER_NONE } }));
    cm.on(UpdatePhoneNumberCommand).resolves({});
    cm.on(TagResourceCommand).resolves({});
    cm.on(UntagResourceCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(inputsOf(cm, UpdatePhoneNumberCommand)).toEqual([expect.objectContaining({ PhoneNumberId: PN_ARN, TargetArn: OTHER_INSTANCE_ARN })]);
    expect(inputsOf(cm, TagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tags: { [OWNER_TAG]: OWNER_NONE } }]);
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tagKeys: [ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, STACK_TAG] }]);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('DESTROY of an adopted number applies when the user removes it (a cleanup after a completed update): released', async () => {
    stackStatus('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const adopted = { ...ownerTags(me), [ADOPTED_FROM_TAG]: OTHER_INSTANCE_ARN, [ADOPTED_OWNER_TAG]: OWNER_NONE };
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED', { Tags: adopted })).rejects(gone());
    cm.on(ReleasePhoneNumberCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(ReleasePhoneNumberCommand, 1);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    expect(cfnMock).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: me.StackId });
  });

  test('DESTROY of an adopted number in the rollback of the deployment that adopted it: put back, not released', async () => {
    stackStatus('ROLLBACK_IN_PROGRESS');
    const adopted = { ...ownerTags(me), [ADOPTED_FROM_TAG]: GROUP_ARN, [ADOPTED_OWNER_TAG]: OWNER_NONE };
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { Tags: adopted }));
    cm.on(TagResourceCommand).resolves({});
    cm.on(UntagResourceCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(inputsOf(cm, TagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tags: { [OWNER_TAG]: OWNER_NONE } }]);
  });

  test.each([
    ['ROLLBACK_IN_PROGRESS', 1],
    ['UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 1],
    ['DELETE_IN_PROGRESS', 0],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 0],
    [undefined, 0], // the status cannot be read: kept
  ])('RETAIN of a searched number this resource claimed, stack %s: released %i time(s)', async (status, releases) => {
    if (status !== undefined) {
      stackStatus(status);
    }
    const searched = { ...SEARCHED, RemovalPolicy: 'retain' };
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN, Tags: ownerTags(me) })).rejects(gone());
    cm.on(ReleasePhoneNumberCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, searched, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(ReleasePhoneNumberCommand, releases);
  });

  test('RETAIN of a chosen number in a rollback is kept (phoneNumber: taken back by the next deploy)', async () => {
    stackStatus('ROLLBACK_IN_PROGRESS');
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN, Tags: ownerTags(me) }));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [] }, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('the same Delete delivered again after the put-back finds a number of no stack: nothing is called', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: OTHER_INSTANCE_ARN, Tags: { [OWNER_TAG]: OWNER_NONE } }));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, DESTROY, o)), PN_ARN);
    expect(cm.calls().filter(c => !(c.args[0] instanceof DescribePhoneNumberCommand))).toEqual([]);
  });

  test('RETAIN of a number on a default group, or on a group another stack created, leaves it there with its flows', async () => {
    for (const g of [{ IsDefault: true, Tags: ownerTags(me) }, { IsDefault: false, Tags: { [STACK_TAG]: 'another-stack' } }, { IsDefault: false }]) {
      cm.reset();
      cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { Tags: ownerTags(me) }));
      cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE', ...g } });
      expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
      expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    }
  });
});

describe('TrafficDistributionGroup: a replacement checks the old group first', () => {
  const PROPS = { InstanceArn: INSTANCE_ARN, Name: 'support' };
  test('numbers on the old group that the stack does not manage fail the update, naming them, and nothing is created', async () => {
    const event = updateEvent(GROUP, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, { logicalId: 'SupportGroup' });
    cm.on(ListTrafficDistributionGroupsCommand).resolves({ TrafficDistributionGroupSummaryList: [] });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, Name: 'support', InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' } });
    cm.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [
        { PhoneNumber: '+12065550100', PhoneNumberArn: PN_ARN },
        { PhoneNumber: '+12065550101', PhoneNumberArn: `${PN_ARN}1` },
      ],
    });
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED', { PhoneNumber: '+12065550100', Tags: {} }));
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: `${PN_ARN}1` })
      .resolves(summary('CLAIMED', { PhoneNumber: '+12065550101', PhoneNumberArn: `${PN_ARN}1`, Tags: ownerTags({ ...event, LogicalResourceId: LOGICAL_ID }) }));
    const out = await run(event);
    expectFailed(out, `the old group holds numbers this stack does not manage: +12065550100 (${PN_ARN}). Nothing was created.`);
    expect(out.response.Reason).not.toContain('+12065550101');
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
  });
});
