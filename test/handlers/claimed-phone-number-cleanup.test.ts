/** The ClaimedPhoneNumber handler after a failed request: a chosen number kept and tagged, a searched one released, nothing left behind. */
import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, DescribeContactFlowCommand,
  DescribePhoneNumberCommand, InternalServiceException, ListPhoneNumbersV2Command, ReleasePhoneNumberCommand,
  ResourceNotFoundException, SearchAvailablePhoneNumbersCommand, TagResourceCommand,
} from '@aws-sdk/client-connect';
import { gone, LOGICAL_ID, NUMBER, o, ON_GROUP, PN_ARN, PN_ID, SEARCHED, summary, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import { CLIENT_TOKEN_PATTERN, createEvent, deleteEvent, expectFailed, expectSucceeded, FLOW2_ARN, FLOW2_ID, inputsOf, phoneArn, run, sdkError, updateEvent, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { ownerOf } from '../../lambda/lib/events';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, CREATED_FIELD, DEADLINE_FIELD, KEPT_TAG, OWNER_TAG } from '../../src/shared/names';
import { FLOW_ARN, FLOW_ID, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_REGION } from '../fixtures/arns';

const cm = usePhoneNumberMock();

describe('ClaimedPhoneNumber: a failed request leaves nothing behind', () => {
  const WITH_FLOW = { ...SEARCHED, ContactFlowArns: [FLOW_ARN] };

  test('the handler checks again: a flow outside the group\'s replication pair fails the Create before any call', async () => {
    const elsewhere = FLOW_ARN.replace(`:${REGION}:`, ':eu-west-2:');
    const out = await run(createEvent(TYPE, { ...ON_GROUP, ContactFlowArns: [FLOW_ARN, elsewhere] }, o));
    expectFailed(out, `ContactFlowArns[1] must be in a Region of the group's replication pair, ${REGION} or ${REPLICA_REGION}`);
    expect(cm.calls()).toHaveLength(0);
  });

  test('a flow that does not exist fails the Create before anything is searched or claimed', async () => {
    cm.on(DescribeContactFlowCommand).rejects(sdkError(ResourceNotFoundException, 'Contact flow not found'));
    const out = await run(createEvent(TYPE, WITH_FLOW, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}: the contact flow ${FLOW_ARN} does not exist in ${REGION}`, 'so no number was claimed', 'Fix ContactFlowArns');
    expect(inputsOf(cm, DescribeContactFlowCommand)).toEqual([{ InstanceId: INSTANCE_ID, ContactFlowId: FLOW_ID }]);
    expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  test('a flow found to exist is not described again by the same sandbox for 300 first poll intervals (5 minutes); a missing one is described every time', async () => {
    const withFlow = (flow: string) => ({ TargetArn: INSTANCE_ARN, PhoneNumber: NUMBER, ContactFlowArns: [flow], RemovalPolicy: 'destroy' });
    const previous = process.env.CONNECT_GR_POLL_FIRST_MS;
    process.env.CONNECT_GR_POLL_FIRST_MS = '1000'; // the window: 300 s
    try {
      cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
      // FLOW2 exists: the first number describes it, the next ones (same sandbox, within the window) do not.
      for (const logicalId of ['LineA', 'LineB', 'LineC']) {
        expect((await onEvent(createEvent(TYPE, withFlow(FLOW2_ARN), { logicalId }))).PhysicalResourceId).toBe(PN_ARN);
      }
      expect(inputsOf(cm, DescribeContactFlowCommand)).toEqual([{ InstanceId: INSTANCE_ID, ContactFlowId: FLOW2_ID }]);
      // A flow that does not exist is never remembered: each number describes it, and fails before its claim.
      const missing = FLOW_ARN.replace(FLOW_ID, '00000000-0000-4000-8000-00000000dead');
      cm.on(DescribeContactFlowCommand, { ContactFlowId: '00000000-0000-4000-8000-00000000dead' }).rejects(sdkError(ResourceNotFoundException, 'Contact flow not found'));
      for (const logicalId of ['LineD', 'LineE']) {
        await expect(onEvent(createEvent(TYPE, withFlow(missing), { logicalId }))).rejects.toThrow(/does not exist/);
      }
      expect(inputsOf(cm, DescribeContactFlowCommand)).toHaveLength(3);
      expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 3);
      // Past the window, the flow is described again.
      jest.useFakeTimers({ doNotFake: ['setTimeout', 'setImmediate', 'nextTick', 'queueMicrotask', 'setInterval'] });
      jest.setSystemTime(Date.now() + 301_000);
      await onEvent(createEvent(TYPE, withFlow(FLOW2_ARN), { logicalId: 'LineF' }));
      expect(inputsOf(cm, DescribeContactFlowCommand)).toHaveLength(4);
    } finally {
      jest.useRealTimers();
      process.env.CONNECT_GR_POLL_FIRST_MS = previous;
    }
  });

  const failedWait = (props: Record<string, unknown>) => isComplete(waitEvent(createEvent(TYPE, props, o), {
    PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() + 60_000, [CREATED_FIELD]: true,
  }));

  test('a searched number whose flow association fails after the claim is released, and the reason says so', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(AssociatePhoneNumberContactFlowCommand).rejects(sdkError(AccessDeniedException, 'denied'));
    cm.on(ReleasePhoneNumberCommand).resolves({});
    await expect(failedWait(WITH_FLOW)).rejects.toThrow(/AssociatePhoneNumberContactFlow .*failed: AccessDeniedException: denied.* The number \+12065550100 that this request claimed was released/);
    expect(inputsOf(cm, ReleasePhoneNumberCommand)).toEqual([{ PhoneNumberId: PN_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN) }]);
  });

  test('a flow association failing on the service side (5xx) is no failure before the deadline: nothing released; past it, released', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(AssociatePhoneNumberContactFlowCommand).rejects(sdkError(InternalServiceException, 'boom', { $metadata: { httpStatusCode: 500 } }));
    cm.on(ReleasePhoneNumberCommand).resolves({});
    await expect(failedWait(WITH_FLOW)).resolves.toEqual({ IsComplete: false });
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    const late = isComplete(waitEvent(createEvent(TYPE, WITH_FLOW, o), {
      PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() - 1, [CREATED_FIELD]: true,
    }));
    await expect(late).rejects.toThrow(/InternalServiceException: boom.* The number \+12065550100 that this request claimed was released/);
    expect(cm).toHaveReceivedCommandTimes(ReleasePhoneNumberCommand, 1);
  });

  test('a chosen number whose flow association fails after the claim is kept, tagged and named: never released', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).rejects(sdkError(AccessDeniedException, 'denied'));
    cm.on(TagResourceCommand).resolves({});
    await expect(failedWait(ON_GROUP)).rejects.toThrow(`The number ${NUMBER} (${PN_ARN}) stays claimed to this account: it was chosen by phoneNumber`);
    expect(inputsOf(cm, TagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tags: { [KEPT_TAG]: expect.any(String) } }]);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('a claim that ended FAILED holds nothing: nothing is released or tagged', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('FAILED'));
    await expect(failedWait(SEARCHED)).rejects.toThrow('the claim or move');
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a DESTROY Delete of a kept number does not release it', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN, Tags: { [KEPT_TAG]: 'r' } }));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, { ...SEARCHED, RemovalPolicy: 'destroy' }, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('a rollback sent to the released number of a failed replacement answers with the number the resource held before: no claim', async () => {
    const oldArn = phoneArn(2);
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).rejects(gone());
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumberArn: oldArn, PhoneNumber: '+12065550142' }] });
    const owner = { [OWNER_TAG]: ownerOf({ StackId: createEvent(TYPE, SEARCHED, o).StackId, LogicalResourceId: LOGICAL_ID }) };
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: oldArn }).resolves(summary('CLAIMED', {
      PhoneNumberArn: oldArn, PhoneNumber: '+12065550142', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', TargetArn: INSTANCE_ARN, Tags: owner,
    }));
    const out = await onEvent(updateEvent(TYPE, PN_ARN, SEARCHED, { ...SEARCHED, Prefix: '+1312' }, o));
    expect(out.PhysicalResourceId).toBe(oldArn);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
  });
});
