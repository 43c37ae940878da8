/** The ClaimedPhoneNumber handler on Update: moves, descriptions, flows and tags changed in place, and rollbacks. */
import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand, DisassociatePhoneNumberContactFlowCommand, ReleasePhoneNumberCommand,
  ResourceNotFoundException, SearchAvailablePhoneNumbersCommand, TagResourceCommand, UntagResourceCommand,
  UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import { DATA, gone, LOGICAL_ID, NUMBER, o, ON_GROUP, PN_ARN, PN_ID, SEARCHED, summary, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import { CLIENT_TOKEN_PATTERN, expectFailed, expectSucceeded, FLOW2_ARN, FLOW2_ID, inputsOf, phoneArn, regionsOf, run, sdkError, updateEvent, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, DEADLINE_FIELD } from '../../src/shared/names';
import { FLOW_ARN, GROUP_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_FLOW_ARN, REPLICA_FLOW_ID, REPLICA_REGION } from '../fixtures/arns';

const cm = usePhoneNumberMock();

describe('ClaimedPhoneNumber: Update', () => {
  test('a new target moves the number (UpdatePhoneNumber), waits until it is CLAIMED there, then associates the flows again', async () => {
    const old = { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] };
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('IN_PROGRESS', { TargetArn: INSTANCE_ARN }))
      .resolvesOnce(summary('CLAIMED', { TargetArn: INSTANCE_ARN })) // not moved yet
      .resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, old, o));

    expectSucceeded(out, PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberCommand, {
      PhoneNumberId: PN_ARN, TargetArn: GROUP_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 3);
    expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REGION, REPLICA_REGION]);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand); // the move dropped them
  });

  test('a move that ends FAILED without a message says so', async () => {
    cm.on(UpdatePhoneNumberCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolves(summary('FAILED'));
    const old = { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [] };
    const out = await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, ContactFlowArns: [] }, old, o));
    expectFailed(out, `the claim or move to ${GROUP_ARN} failed: no message.`);
  });

  test('a move that ends FAILED surfaces the status message', async () => {
    const old = { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [] };
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('FAILED', { PhoneNumberStatus: { Status: 'FAILED', Message: 'Target limit reached' } }));
    const out = await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, ContactFlowArns: [] }, old, o));
    expectFailed(out, `the claim or move to ${GROUP_ARN} failed: Target limit reached`);
  });

  test('a move onto a group whose split is being applied waits until the group is ACTIVE, then moves', async () => {
    cm.on(UpdatePhoneNumberCommand)
      .rejectsOnce(sdkError(ResourceNotFoundException, 'Traffic distribution group is not ACTIVE (UPDATE_IN_PROGRESS)'))
      .resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'UPDATE_IN_PROGRESS' } })
      .resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'ACTIVE' } });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, o));
    expectSucceeded(out, PN_ARN, DATA);
    const moves = inputsOf(cm, UpdatePhoneNumberCommand);
    expect(moves).toHaveLength(2);
    expect(moves[1].ClientToken).not.toBe(moves[0].ClientToken);
    expect(cm).toHaveReceivedCommandTimes(DescribeTrafficDistributionGroupCommand, 2);
  });

  test('a move onto a group that settles other than ACTIVE fails with the refusal', async () => {
    cm.on(UpdatePhoneNumberCommand).rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group is not ACTIVE'));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'CREATION_FAILED' } });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED')); // a 404: the handler checks that the number itself is not gone
    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, o));
    expectFailed(out, `UpdatePhoneNumber (move to ${GROUP_ARN}) failed: ResourceNotFoundException: Traffic distribution group is not ACTIVE`);
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
  });

  test('a refused move fails naming the target', async () => {
    cm.on(UpdatePhoneNumberCommand).rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group not ACTIVE'));
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED')); // a 404: the handler checks that the number itself is not gone
    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}: UpdatePhoneNumber (move to ${GROUP_ARN}) failed: ResourceNotFoundException`);
  });

  test('a move drops the old flows with it: nothing is disassociated, even a flow the new list leaves out', async () => {
    const old = { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] };
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, ContactFlowArns: [REPLICA_FLOW_ARN] }, old, o)), PN_ARN, DATA);
    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([
      { PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: REPLICA_FLOW_ID },
    ]);
    expect(cm).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  test('a new flow list associates the new flows and disassociates the instances left without one; no replacement', async () => {
    const props = { ...ON_GROUP, ContactFlowArns: [FLOW2_ARN] };
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    cm.on(DisassociatePhoneNumberContactFlowCommand).resolves({});

    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, props, ON_GROUP, o)), PN_ARN, DATA);

    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([
      { PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: FLOW2_ID },
    ]);
    expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REGION]);
    expect(inputsOf(cm, DisassociatePhoneNumberContactFlowCommand)).toEqual([{ PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID }]);
    expect(await regionsOf(cm, DisassociatePhoneNumberContactFlowCommand)).toEqual([REPLICA_REGION]);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberMetadataCommand);
  });

  test('removing every flow disassociates each; one already disassociated (404) is fine', async () => {
    const { ContactFlowArns: _, ...noFlows } = ON_GROUP;
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DisassociatePhoneNumberContactFlowCommand).rejectsOnce(sdkError(ResourceNotFoundException, 'No association')).resolves({});
    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, noFlows, ON_GROUP, o)), PN_ARN, DATA);
    expect(await regionsOf(cm, DisassociatePhoneNumberContactFlowCommand)).toEqual([REGION, REPLICA_REGION]);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('a disassociation refused for another reason fails naming the instance', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    cm.on(DisassociatePhoneNumberContactFlowCommand).rejects(sdkError(AccessDeniedException, 'denied'));
    expectFailed(await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, ContactFlowArns: [FLOW_ARN] }, ON_GROUP, o)),
      `DisassociatePhoneNumberContactFlow (${REPLICA_REGION}, instance ${INSTANCE_ID}) failed: AccessDeniedException`);
  });

  test('unreadable old flows are ignored (nothing disassociated)', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, ContactFlowArns: ['garbage'] }, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(DisassociatePhoneNumberContactFlowCommand);
  });

  test('a new description is set with UpdatePhoneNumberMetadata; a removed one is cleared', async () => {
    cm.on(UpdatePhoneNumberMetadataCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, Description: 'Main line (new)' }, ON_GROUP, o));
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberMetadataCommand, {
      PhoneNumberId: PN_ARN, PhoneNumberDescription: 'Main line (new)', ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });

    cm.resetHistory();
    const { Description: _, ...noDescription } = ON_GROUP;
    await run(updateEvent(TYPE, PN_ARN, ON_GROUP, noDescription, o));
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberMetadataCommand, { PhoneNumberId: PN_ARN, PhoneNumberDescription: 'Main line' });

    cm.resetHistory();
    expectSucceeded(await run(updateEvent(TYPE, PN_ARN, noDescription, ON_GROUP, o)), PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberMetadataCommand, { PhoneNumberId: PN_ARN, PhoneNumberDescription: '' });
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  test('tags: changed and added keys are tagged, removed keys untagged; the claim-token tag is left alone', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const old = { ...ON_GROUP, Tags: { team: 'support', cost: 'cc1' } };
    await run(updateEvent(TYPE, PN_ARN, { ...ON_GROUP, Tags: { team: 'care', tier: 'gold' } }, old, o));
    expect(cm).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: PN_ARN, tags: { team: 'care', tier: 'gold' } });
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: PN_ARN, tagKeys: ['cost'] }]);
  });

  test('unreadable old tags are treated as none', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, Tags: ['not', 'a', 'map'] }, o));
    expect(cm).toHaveReceivedCommandWith(TagResourceCommand, { resourceArn: PN_ARN, tags: { team: 'support' } });
    expect(cm).not.toHaveReceivedCommand(UntagResourceCommand);
  });

  test('the waiter gets IsComplete false (and no Data) while a move is in progress', async () => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    try {
      cm.on(DescribePhoneNumberCommand).resolves(summary('IN_PROGRESS'));
      const event = updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, o);
      await expect(isComplete(waitEvent(event, { PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() + 60_000 })))
        .resolves.toEqual({ IsComplete: false });
      expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
    }
  });

  test.each([
    ['PhoneNumber', { PhoneNumber: '+12065550199' }],
    ['Prefix', { ...SEARCHED, Prefix: '+1425' }],
  ])('a new %s replaces the number: a new claim and a new physical id', async (_key, change) => {
    const base = 'Prefix' in change ? SEARCHED : ON_GROUP;
    const newArn = phoneArn(2);
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+14255550100' }] });
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: newArn.split('/')[1], PhoneNumberArn: newArn });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', {
      PhoneNumberArn: newArn, PhoneNumberId: newArn.split('/')[1], PhoneNumber: '+14255550100', TargetArn: base.TargetArn,
    }));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(updateEvent(TYPE, PN_ARN, { ...base, ...change }, base, o));
    expectSucceeded(out, newArn, { PhoneNumber: '+14255550100', PhoneNumberArn: newArn, PhoneNumberId: newArn.split('/')[1] });
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('the rollback of a failed replacement keeps the number it holds (it meets the old properties): no claim, same id', async () => {
    // CloudFormation rolls back with the properties it had, to the number the failed update never replaced.
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, PhoneNumber: '+12065550199' }, o));
    expectSucceeded(out, PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
  });

  test('a narrower prefix that the number already meets still replaces it (the number met the old prefix too)', async () => {
    const newArn = phoneArn(2);
    const held = { PhoneNumber: '+12065550100', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', TargetArn: INSTANCE_ARN };
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED', held));
    cm.on(DescribePhoneNumberCommand, { PhoneNumberId: newArn }).resolves(summary('CLAIMED', { ...held, PhoneNumberArn: newArn, PhoneNumber: '+12065550101' }));
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: newArn.split('/')[1], PhoneNumberArn: newArn });
    const out = await run(updateEvent(TYPE, PN_ARN, { ...SEARCHED, Prefix: '+12065' }, SEARCHED, o));
    expect(out.response.Status).toBe('SUCCESS');
    expect(out.response.PhysicalResourceId).toBe(newArn);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
  });

  describe('rollback of a failed replacement of a searched number', () => {
    const held = { PhoneNumber: '+12065550100', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', TargetArn: INSTANCE_ARN };
    const newArn = phoneArn(2);
    /** The update's outcome when the held number is `heldNow` and the update goes from `leaving` to `requested`. */
    async function rollbackOf(requested: Record<string, unknown>, leaving: Record<string, unknown>, heldNow: Record<string, unknown> = {}) {
      cm.on(DescribePhoneNumberCommand, { PhoneNumberId: PN_ARN }).resolves(summary('CLAIMED', { ...held, ...heldNow }));
      cm.on(DescribePhoneNumberCommand, { PhoneNumberId: newArn }).resolves(summary('CLAIMED', { ...held, PhoneNumberArn: newArn, PhoneNumber: '+12065550101' }));
      cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
      cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: newArn.split('/')[1], PhoneNumberArn: newArn });
      return run(updateEvent(TYPE, PN_ARN, requested, leaving, o));
    }

    test.each([
      ['prefix', { Prefix: '+1425' }],
      ['type', { PhoneNumberType: 'TOLL_FREE' }],
      ['country', { CountryCode: 'CA' }],
    ])('back to the %s the number meets (leaving one it does not): kept, no search, no claim', async (_, left) => {
      const out = await rollbackOf(SEARCHED, { ...SEARCHED, ...left });
      expectSucceeded(out, PN_ARN, { PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, PhoneNumberId: PN_ID });
      expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
      expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    });

    test('back to a type the number is not of: replaced (the number does not meet the requested properties)', async () => {
      const out = await rollbackOf({ ...SEARCHED, PhoneNumberType: 'TOLL_FREE' }, SEARCHED);
      expect(out.response.PhysicalResourceId).toBe(newArn);
      expect(cm).toHaveReceivedCommandWith(SearchAvailablePhoneNumbersCommand, { PhoneNumberType: 'TOLL_FREE' });
    });

    test('back to a country the number is not of: replaced', async () => {
      const out = await rollbackOf({ ...SEARCHED, CountryCode: 'CA', Prefix: undefined }, SEARCHED);
      expect(out.response.PhysicalResourceId).toBe(newArn);
      expect(cm).toHaveReceivedCommandWith(SearchAvailablePhoneNumbersCommand, { PhoneNumberCountryCode: 'CA' });
    });

    test('a number still IN_PROGRESS is no rollback target: replaced', async () => {
      const out = await rollbackOf(SEARCHED, { ...SEARCHED, Prefix: '+1425' }, { PhoneNumberStatus: { Status: 'IN_PROGRESS' } });
      expect(out.response.PhysicalResourceId).toBe(newArn);
      expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    });

    test('a number that meets both the requested and the left properties is no rollback: replaced by a claim', async () => {
      // It is the requested specific number, and it is also US DID +1206 (the searched properties left).
      const out = await rollbackOf({ TargetArn: INSTANCE_ARN, PhoneNumber: NUMBER, RemovalPolicy: 'destroy' }, SEARCHED, { PhoneNumber: NUMBER });
      expect(cm).toHaveReceivedCommandWith(ClaimPhoneNumberCommand, { PhoneNumber: NUMBER });
      expect(out.response.Status).toBe('SUCCESS');
    });

    test('a physical id that is not a number ARN (a failed create) is never described: replaced at once', async () => {
      cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
      cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: newArn.split('/')[1], PhoneNumberArn: newArn });
      cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { ...held, PhoneNumberArn: newArn, PhoneNumber: '+12065550101' }));
      const out = await run(updateEvent(TYPE, 'CREATE_FAILED', SEARCHED, { ...SEARCHED, Prefix: '+1425' }, o));
      expect(out.response.PhysicalResourceId).toBe(newArn);
      expect(inputsOf(cm, DescribePhoneNumberCommand).map(i => i.PhoneNumberId)).not.toContain('CREATE_FAILED');
    });
  });

  test('a number released outside CloudFormation fails the update and says what to do', async () => {
    cm.on(DescribePhoneNumberCommand).rejects(gone());
    expectFailed(await run(updateEvent(TYPE, PN_ARN, ON_GROUP, ON_GROUP, o)), 'no longer exists: it was released outside CloudFormation', LOGICAL_ID);
  });
});
