/**
 * A number imported from AWS End User Messaging (SourcePhoneNumberArn): every RequestType with
 * the outcomes of its calls, against a mocked SDK.
 */
import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, DescribeContactFlowCommand, DescribePhoneNumberCommand,
  DisassociatePhoneNumberContactFlowCommand, IdempotencyException, ImportPhoneNumberCommand, InvalidParameterException,
  ListPhoneNumbersV2Command, ReleasePhoneNumberCommand, ResourceNotFoundException, SearchAvailablePhoneNumbersCommand,
  TagResourceCommand, ThrottlingException, UntagResourceCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import { CLIENT_TOKEN_PATTERN, createEvent, deleteEvent, expectFailed, expectSucceeded, FLOW2_ARN, FLOW2_ID, inputsOf, OTHER_INSTANCE_ARN, phoneArn, regionsOf, run, sdkError, tagCallsOtherThanMarker, updateEvent, useConnectMock } from './events';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE } from '../../src/shared/names';
import { ACCOUNT, FLOW_ARN, FLOW_ID, GROUP_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_FLOW_ARN, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();
// Every declared flow exists unless a test says otherwise (the check before an import).
// The account holds no other number unless a test says so (the look-up of a number to take back).
beforeEach(() => {
  cm.on(DescribeContactFlowCommand).callsFake((input: { ContactFlowId: string }) => ({ ContactFlow: { Id: input.ContactFlowId } }));
  cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
});
const LOGICAL_ID = 'SmsLine';
const o = { logicalId: LOGICAL_ID };

const SOURCE = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcde1`;
const SOURCE2 = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcde2`;
const NUMBER = '+18885550101';
const PN_ARN = phoneArn(1);
const PN_ID = PN_ARN.split('/')[1];
const PN2_ARN = phoneArn(2);
const DATA = { PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, PhoneNumberId: PN_ID };

const IMPORTED = {
  TargetArn: INSTANCE_ARN,
  SourcePhoneNumberArn: SOURCE,
  Description: 'SMS and voice',
  ContactFlowArns: [FLOW_ARN],
  RemovalPolicy: 'retain',
  Tags: { team: 'support' },
};

function summary(status: 'CLAIMED' | 'IN_PROGRESS' | 'FAILED', extra: Record<string, unknown> = {}) {
  return {
    ClaimedPhoneNumberSummary: {
      PhoneNumberId: PN_ID,
      PhoneNumberArn: PN_ARN,
      PhoneNumber: NUMBER,
      TargetArn: INSTANCE_ARN,
      SourcePhoneNumberArn: SOURCE,
      PhoneNumberStatus: { Status: status },
      ...extra,
    },
  };
}

const listed = (extra: Record<string, unknown> = {}) => ({
  PhoneNumberId: PN_ID,
  PhoneNumberArn: PN_ARN,
  PhoneNumber: NUMBER,
  TargetArn: INSTANCE_ARN,
  SourcePhoneNumberArn: SOURCE,
  PhoneNumberDescription: 'SMS and voice',
  ...extra,
});

describe('imported number: Create', () => {
  test('nothing imported yet: ImportPhoneNumber with the instance, source, description, tags and a request-derived token; waited for; flows', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [listed({ PhoneNumberArn: PN2_ARN, SourcePhoneNumberArn: SOURCE2 })] });
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS')).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    const event = createEvent(TYPE, IMPORTED, o);
    expectSucceeded(await run(event), PN_ARN, DATA);

    expect(inputsOf(cm, ImportPhoneNumberCommand)).toEqual([{
      InstanceId: INSTANCE_ARN,
      SourcePhoneNumberArn: SOURCE,
      PhoneNumberDescription: 'SMS and voice',
      Tags: { team: 'support' },
      ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    }]);
    expect(await regionsOf(cm, ImportPhoneNumberCommand)).toEqual([REGION]);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand))
      .toEqual([{ PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: FLOW_ID }]);
  });

  test('the ClientToken is the same when the event is delivered again, and differs for another request', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const event = createEvent(TYPE, IMPORTED, o);
    await run(event);
    await run(event);
    await run(createEvent(TYPE, IMPORTED, o));
    const tokens = inputsOf(cm, ImportPhoneNumberCommand).map(i => i.ClientToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  test('no description and no tags: neither is sent', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({});
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    expectSucceeded(await run(createEvent(TYPE, { TargetArn: INSTANCE_ARN, SourcePhoneNumberArn: SOURCE }, o)), PN_ARN, DATA);
    expect(inputsOf(cm, ImportPhoneNumberCommand)[0]).toEqual(expect.objectContaining({ PhoneNumberDescription: undefined, Tags: undefined }));
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('already imported by this account on the instance: taken back (description set, tags applied), never imported twice', async () => {
    cm.on(ListPhoneNumbersV2Command)
      .resolvesOnce({ ListPhoneNumbersSummaryList: [listed({ PhoneNumberArn: PN2_ARN, SourcePhoneNumberArn: SOURCE2 })], NextToken: 'page2' })
      .resolves({ ListPhoneNumbersSummaryList: [listed({ PhoneNumberDescription: 'old' })] });
    cm.on(UpdatePhoneNumberMetadataCommand).resolves({});
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    expectSucceeded(await run(createEvent(TYPE, IMPORTED, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
    expect(inputsOf(cm, ListPhoneNumbersV2Command)).toEqual([{ MaxResults: 1000 }, { MaxResults: 1000, NextToken: 'page2' }]);
    expect(inputsOf(cm, UpdatePhoneNumberMetadataCommand)).toEqual([{
      PhoneNumberId: PN_ARN, PhoneNumberDescription: 'SMS and voice', ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    }]);
    expect(inputsOf(cm, TagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tags: { team: 'support' } }]);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('already imported, on another instance: moved back to the target', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [listed({ TargetArn: OTHER_INSTANCE_ARN })] });
    cm.on(UpdatePhoneNumberCommand).resolves({});
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS', { TargetArn: OTHER_INSTANCE_ARN })).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, IMPORTED, o)), PN_ARN, DATA);
    expect(inputsOf(cm, UpdatePhoneNumberCommand)).toEqual([{
      PhoneNumberId: PN_ARN, TargetArn: INSTANCE_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    }]);
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberMetadataCommand);
  });

  test('an import that ends FAILED fails with the service message, naming the resource', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({});
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS'))
      .resolves(summary('FAILED', { PhoneNumberStatus: { Status: 'FAILED', Message: 'The phone number is not registered for voice' } }));
    const out = await run(createEvent(TYPE, IMPORTED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}) (${PN_ARN})`, 'The phone number is not registered for voice');
    expect(out.response.PhysicalResourceId).toBe(PN_ARN);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test.each([
    ['a source that does not exist', sdkError(ResourceNotFoundException, 'Phone number not found in AWS End User Messaging'),
      ['ImportPhoneNumber failed: Phone number not found', 'does not exist in us-east-1']],
    ['a source refused (already imported elsewhere, or released lately)', sdkError(InvalidParameterException, 'Phone number +18885550101 is already imported'),
      ['ImportPhoneNumber refused it: Phone number +18885550101 is already imported', 'deploy again']],
    ['access denied (the source permission)', sdkError(AccessDeniedException, 'not authorized to perform sms-voice:DescribePhoneNumbers'),
      ['ImportPhoneNumber failed: AccessDeniedException', 'The handler role lacks a permission']],
    ['a token reused with other parameters', sdkError(IdempotencyException, 'token reused'), ['ImportPhoneNumber failed: IdempotencyException']],
  ])('%s fails naming the resource and the source', async (_, error, fragments) => {
    cm.on(ListPhoneNumbersV2Command).resolves({});
    cm.on(ImportPhoneNumberCommand).rejects(error);
    const out = await run(createEvent(TYPE, IMPORTED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (imported from ${SOURCE})`, ...fragments);
    expect(cm).not.toHaveReceivedCommand(DescribePhoneNumberCommand);
  });

  test('throttling of the look-up past onEvent\'s retries fails with what to do, with nothing imported', async () => {
    cm.on(ListPhoneNumbersV2Command).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    const out = await run(createEvent(TYPE, IMPORTED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (imported from ${SOURCE}): ListPhoneNumbersV2 failed: ThrottlingException`, 'deploy again');
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
  });

  test('a declared flow that does not exist fails before anything is looked up or imported, naming the flow', async () => {
    cm.on(DescribeContactFlowCommand).rejects(sdkError(ResourceNotFoundException, 'Contact flow not found'));
    const out = await run(createEvent(TYPE, IMPORTED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}`, `the contact flow ${FLOW_ARN} does not exist in ${REGION}`, 'so no number was imported');
    expect(inputsOf(cm, DescribeContactFlowCommand)).toEqual([{ InstanceId: INSTANCE_ID, ContactFlowId: FLOW_ID }]);
    expect(cm).not.toHaveReceivedCommand(ListPhoneNumbersV2Command);
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
  });

  test.each([
    ['a group target', { TargetArn: GROUP_ARN }, 'SourcePhoneNumberArn needs an instance as TargetArn'],
    ['with a phone number', { PhoneNumber: NUMBER }, 'SourcePhoneNumberArn cannot be combined with PhoneNumber'],
    ['with the search keys', { CountryCode: 'US', PhoneNumberType: 'DID' }, 'SourcePhoneNumberArn cannot be combined with CountryCode, PhoneNumberType'],
    ['not an End User Messaging ARN', { SourcePhoneNumberArn: PN_ARN }, 'SourcePhoneNumberArn must be an AWS End User Messaging phone number ARN'],
    ['a source in another Region', { SourcePhoneNumberArn: SOURCE.replace(REGION, REPLICA_REGION) }, "SourcePhoneNumberArn must be a number in the instance's Region us-east-1"],
    ['a flow in the replica Region', { ContactFlowArns: [REPLICA_FLOW_ARN] }, "ContactFlowArns[0] must be in the target instance's Region"],
  ])('invalid properties are refused before any call: %s', async (_, change, message) => {
    const out = await run(createEvent(TYPE, { ...IMPORTED, ...change }, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });
});

describe('imported number: Update', () => {
  test('description, tags and flows change in place: same number, no import', async () => {
    cm.on(UpdatePhoneNumberMetadataCommand).resolves({});
    cm.on(TagResourceCommand).resolves({});
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS')).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const next = { ...IMPORTED, Description: 'SMS, voice and chat', Tags: { team: 'care' }, ContactFlowArns: [FLOW2_ARN] };
    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, next, { ...IMPORTED, Tags: { team: 'support', old: 'x' } }, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(ListPhoneNumbersV2Command);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(inputsOf(cm, UpdatePhoneNumberMetadataCommand)).toEqual([expect.objectContaining({ PhoneNumberId: PN_ARN, PhoneNumberDescription: 'SMS, voice and chat' })]);
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tagKeys: ['old'] }]);
    expect(tagCallsOtherThanMarker(cm)).toEqual([{ resourceArn: PN_ARN, tags: { team: 'care' } }]);
    // The new flow replaces the old one on the same instance: associated, nothing to disassociate.
    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand))
      .toEqual([{ PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: FLOW2_ID }]);
    expect(cm).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  test('a new source replaces the number: the new one is imported (the old one is left to the delete)', async () => {
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED'));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [listed()] });
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN2_ARN.split('/')[1], PhoneNumberArn: PN2_ARN });
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN2_ARN }).resolves(summary('CLAIMED', {
      PhoneNumberArn: PN2_ARN, PhoneNumberId: PN2_ARN.split('/')[1], PhoneNumber: '+14255550102', SourcePhoneNumberArn: SOURCE2,
    }));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(updateEvent(TYPE, PN_ARN, { ...IMPORTED, SourcePhoneNumberArn: SOURCE2 }, IMPORTED, o));
    expectSucceeded(out, PN2_ARN, { PhoneNumber: '+14255550102', PhoneNumberArn: PN2_ARN, PhoneNumberId: PN2_ARN.split('/')[1] });
    expect(inputsOf(cm, ImportPhoneNumberCommand)).toEqual([expect.objectContaining({ SourcePhoneNumberArn: SOURCE2, InstanceId: INSTANCE_ARN })]);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('a rollback to the old source keeps the number the physical id holds (no second import)', async () => {
    // The failed update imported SOURCE2; CloudFormation rolls back to SOURCE on the old physical id.
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(updateEvent(TYPE, PN_ARN, IMPORTED, { ...IMPORTED, SourcePhoneNumberArn: SOURCE2 }, o));
    expectSucceeded(out, PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(ListPhoneNumbersV2Command);
  });

  test('a claimed number declared as an import from now on is replaced by the import', async () => {
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN2_ARN }).resolves(summary('CLAIMED', { PhoneNumberArn: PN2_ARN, PhoneNumber: '+12065550100', SourcePhoneNumberArn: undefined }));
    cm.on(ListPhoneNumbersV2Command).resolves({});
    cm.on(ImportPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const old = { TargetArn: INSTANCE_ARN, PhoneNumber: '+12065550100', RemovalPolicy: 'retain' };
    expectSucceeded(await run(updateEvent(TYPE, PN2_ARN, IMPORTED, old, o)), PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandTimes(ImportPhoneNumberCommand, 1);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  test('an import declared as a claimed number from now on is replaced by the claim', async () => {
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED'));
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN2_ARN.split('/')[1], PhoneNumberArn: PN2_ARN });
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN2_ARN }).resolves(summary('CLAIMED', {
      PhoneNumberArn: PN2_ARN, PhoneNumberId: PN2_ARN.split('/')[1], PhoneNumber: '+12065550100', SourcePhoneNumberArn: undefined,
    }));
    // The new number never had the old flow: the service answers not found, which is what the handler wants.
    cm.on(DisassociatePhoneNumberContactFlowCommand).rejects(sdkError(ResourceNotFoundException, 'No contact flow is associated'));
    const claimed = { TargetArn: INSTANCE_ARN, PhoneNumber: '+12065550100', RemovalPolicy: 'retain' };
    const out = await run(updateEvent(TYPE, PN_ARN, claimed, IMPORTED, o));
    expectSucceeded(out, PN2_ARN, { PhoneNumber: '+12065550100', PhoneNumberArn: PN2_ARN, PhoneNumberId: PN2_ARN.split('/')[1] });
    expect(cm).not.toHaveReceivedCommand(ImportPhoneNumberCommand);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
  });

  test('an imported number released outside CloudFormation fails the update with what to do', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).rejects(sdkError(ResourceNotFoundException, 'Phone number not found'));
    const out = await run(updateEvent(TYPE, PN_ARN, { ...IMPORTED, Tags: { team: 'care' } }, IMPORTED, o));
    expectFailed(out, 'no longer exists: it was released outside CloudFormation');
  });
});

describe('imported number: Delete', () => {
  test('RETAIN (default) keeps it in Connect: no release, no move', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, IMPORTED, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('DESTROY releases it and waits until it is gone', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('CLAIMED')).resolvesOnce(summary('IN_PROGRESS'))
      .rejects(sdkError(ResourceNotFoundException, 'Phone number not found'));
    cm.on(ReleasePhoneNumberCommand).resolves({});
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, { ...IMPORTED, RemovalPolicy: 'destroy' }, o)), PN_ARN);
    expect(inputsOf(cm, ReleasePhoneNumberCommand)).toEqual([{ PhoneNumberId: PN_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN) }]);
  });

  test('a number already gone, or whose import FAILED, is success with nothing to do', async () => {
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('FAILED')).rejects(sdkError(ResourceNotFoundException, 'gone'));
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, { ...IMPORTED, RemovalPolicy: 'destroy' }, o)), PN_ARN);
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, { ...IMPORTED, RemovalPolicy: 'destroy' }, o)), PN_ARN);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('the delete of a failed create (no number ARN as physical id) makes no call', async () => {
    expectSucceeded(await run(deleteEvent(TYPE, 'SmsLine-failed', { ...IMPORTED, RemovalPolicy: 'destroy' }, o)), 'SmsLine-failed');
    expect(cm.calls()).toHaveLength(0);
  });

  test('a release refused (AccessDenied) fails naming the number', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(ReleasePhoneNumberCommand).rejects(sdkError(AccessDeniedException, 'not authorized'));
    const out = await run(deleteEvent(TYPE, PN_ARN, { ...IMPORTED, RemovalPolicy: 'destroy' }, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}): ReleasePhoneNumber failed: AccessDeniedException`);
  });
});
