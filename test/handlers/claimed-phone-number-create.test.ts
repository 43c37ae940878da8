/** The ClaimedPhoneNumber handler on Create: claims (specific, searched, on a group or an instance), the flows, retries and failures. */
import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand, IdempotencyException, InternalServiceException, InvalidParameterException,
  ListPhoneNumbersV2Command, ResourceInUseException, ResourceNotFoundException, SearchAvailablePhoneNumbersCommand,
  TagResourceCommand, ThrottlingException, UpdatePhoneNumberCommand,
} from '@aws-sdk/client-connect';
import { DATA, gone, LOGICAL_ID, NUMBER, o, ON_GROUP, PN_ARN, PN_ID, SEARCHED, summary, taken, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import { CLIENT_TOKEN_PATTERN, createEvent, expectFailed, expectSucceeded, inputsOf, OTHER_INSTANCE_ARN, phoneArn, regionsOf, run, sdkError, waitEvent } from './events';
import { MAX_CLAIM_ATTEMPTS } from '../../lambda/claimed-phone-number/handler';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { ownerTags } from '../../lambda/lib/ownership';
import {
  ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, CLAIM_TOKEN_TAG, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, CREATED_FIELD, DEADLINE_FIELD, OWNER_NONE,
  OWNER_TAG, STACK_TAG,
} from '../../src/shared/names';
import { FLOW_ID, GROUP_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_FLOW_ARN, REPLICA_FLOW_ID, REPLICA_REGION } from '../fixtures/arns';

const cm = usePhoneNumberMock();

describe('ClaimedPhoneNumber: Create', () => {
  test('a specific number on a group: claimed with its token tag, waited for, flows associated in both Regions by the number ARN', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS')).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    const out = await run(createEvent(TYPE, ON_GROUP, o));

    expectSucceeded(out, PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(SearchAvailablePhoneNumbersCommand);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    const claim = inputsOf(cm, ClaimPhoneNumberCommand)[0];
    expect(claim).toEqual({
      PhoneNumber: NUMBER,
      TargetArn: GROUP_ARN,
      PhoneNumberDescription: 'Main line',
      Tags: {
        team: 'support', [CLAIM_TOKEN_TAG]: claim.ClientToken, [OWNER_TAG]: expect.stringMatching(/^[a-f0-9]{32}$/), [STACK_TAG]: expect.stringMatching(/^[a-f0-9]{32}$/),
      },
      ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([
      { PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: FLOW_ID },
      { PhoneNumberId: PN_ARN, InstanceId: INSTANCE_ID, ContactFlowId: REPLICA_FLOW_ID },
    ]);
    expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REGION, REPLICA_REGION]);
    expect(await regionsOf(cm, ClaimPhoneNumberCommand)).toEqual([REGION]);
  });

  test('search then claim: the search carries country, type and prefix, and a candidate is claimed', async () => {
    const candidates = ['+12065550101', '+12065550102', '+12065550103'];
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: candidates.map(PhoneNumber => ({ PhoneNumber })) });
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));

    const out = await run(createEvent(TYPE, SEARCHED, o));

    expectSucceeded(out, PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandWith(SearchAvailablePhoneNumbersCommand, {
      TargetArn: INSTANCE_ARN, PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', PhoneNumberPrefix: '+1206', MaxResults: 10,
    });
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    expect(candidates).toContain(inputsOf(cm, ClaimPhoneNumberCommand)[0].PhoneNumber);
    expect(inputsOf(cm, ClaimPhoneNumberCommand)[0]).toEqual(expect.objectContaining({ TargetArn: INSTANCE_ARN, PhoneNumberDescription: undefined }));
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('a claim that ends FAILED surfaces the status message', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS'))
      .resolves(summary('FAILED', { PhoneNumberStatus: { Status: 'FAILED', Message: "You've reached the limit of Phone Numbers" } }));
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}) (${PN_ARN}): the claim or move to ${GROUP_ARN} failed`,
      "You've reached the limit of Phone Numbers", 'raise the quota');
    expect(out.response.PhysicalResourceId).toBe(PN_ARN);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('a just-claimed number not found at first (DescribePhoneNumber lags the claim) is waited for', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).rejectsOnce(gone()).rejectsOnce(gone()).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    // The grace is 60 first poll intervals: 600 ms here, not the suite's 60 ms (a loaded machine took longer).
    process.env.CONNECT_GR_POLL_FIRST_MS = '10';
    try {
      expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
    } finally {
      process.env.CONNECT_GR_POLL_FIRST_MS = '1';
    }
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 3);
  });

  test.each([
    ['59 s after the claim: still DescribePhoneNumber lag, the waiter asks again', 59_000, undefined],
    ['61 s after the claim: the claim is gone, the deployment fails naming how long', 61_000, 'is not found 61 s after this request claimed it'],
  ])('the waiter, a just-claimed number not found %s', async (_, age, failure) => {
    // The grace is 60 first-poll intervals: 60 s with the default 1 s interval.
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    process.env.CONNECT_GR_POLL_FIRST_MS = '1000';
    try {
      cm.on(DescribePhoneNumberCommand).rejects(gone());
      const event = createEvent(TYPE, ON_GROUP, o);
      const wait = isComplete(waitEvent(event, {
        PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() + 600_000, [CREATED_FIELD]: true, ConnectClaimedAtEpochMs: Date.now() - age,
      }));
      if (failure === undefined) {
        await expect(wait).resolves.toEqual({ IsComplete: false });
      } else {
        await expect(wait).rejects.toThrow(`Phone number ${LOGICAL_ID} (${PN_ARN}) ${failure}`);
      }
      // A failure reads the number once more, to see whether this request left it claimed.
      expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, failure === undefined ? 1 : 2);
    } finally {
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
      process.env.CONNECT_GR_POLL_FIRST_MS = '1';
    }
  });

  test('a just-claimed number still not found after the grace (its FAILED claim was claimed again) fails at once, not at the deadline', async () => {
    // The account may retry a FAILED claim's number: another resource's claim can take it, and the failed record goes.
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).rejects(gone());
    const out = await run(createEvent(TYPE, ON_GROUP, o), 2);
    expectFailed(out, `Phone number ${LOGICAL_ID} (${PN_ARN}) is not found`, 'after this request claimed it', 'Deploy again');
    expect(out.response.Reason).not.toContain('did not settle in time');
    expect(out.response.PhysicalResourceId).toBe(PN_ARN);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('numbers taken between the search and the claim are skipped: another candidate is claimed', async () => {
    const candidates = ['+12065550101', '+12065550102', '+12065550103'];
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: candidates.map(PhoneNumber => ({ PhoneNumber })) });
    let attempt = 0;
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string }) => {
      attempt++;
      if (attempt === 1) {
        throw taken(input.PhoneNumber);
      }
      if (attempt === 2) {
        throw sdkError(ResourceNotFoundException, `Phone number not available: ${input.PhoneNumber}`);
      }
      return { PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN };
    });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));

    expectSucceeded(await run(createEvent(TYPE, SEARCHED, o)), PN_ARN, DATA);
    const tried = inputsOf(cm, ClaimPhoneNumberCommand).map(i => i.PhoneNumber);
    expect(tried).toHaveLength(3);
    expect(new Set(tried)).toEqual(new Set(candidates));
  });

  test('the first describe waits three first-poll intervals after the claim, so that a claim on the happy path costs one describe', async () => {
    const before = { first: process.env.CONNECT_GR_POLL_FIRST_MS, budget: process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS };
    process.env.CONNECT_GR_POLL_FIRST_MS = '60';
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '1000';
    try {
      cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: NUMBER }] });
      let claimedAt = 0;
      cm.on(ClaimPhoneNumberCommand).callsFake(async () => {
        claimedAt = Date.now();
        return { PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN };
      });
      const describedAt: number[] = [];
      cm.on(DescribePhoneNumberCommand).callsFake(async () => {
        describedAt.push(Date.now());
        return summary('CLAIMED', { TargetArn: INSTANCE_ARN });
      });
      expectSucceeded(await run(createEvent(TYPE, SEARCHED, o)), PN_ARN, DATA);
      expect(describedAt).toHaveLength(1);
      expect(describedAt[0] - claimedAt).toBeGreaterThanOrEqual(180);
    } finally {
      process.env.CONNECT_GR_POLL_FIRST_MS = before.first;
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = before.budget;
    }
  });

  test('after a taken candidate it searches again and claims from the fresh page, never a candidate it already tried', async () => {
    const first = ['+12065550101', '+12065550102'];
    const fresh = ['+12065550101', '+12065550103'];
    cm.on(SearchAvailablePhoneNumbersCommand)
      .resolvesOnce({ AvailableNumbersList: first.map(PhoneNumber => ({ PhoneNumber })) })
      .resolves({ AvailableNumbersList: fresh.map(PhoneNumber => ({ PhoneNumber })) });
    let attempt = 0;
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string }) => {
      if (attempt++ === 0) {
        throw taken(input.PhoneNumber);
      }
      return { PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN };
    });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));

    expectSucceeded(await run(createEvent(TYPE, SEARCHED, o)), PN_ARN, DATA);
    const tried = inputsOf(cm, ClaimPhoneNumberCommand).map(i => i.PhoneNumber);
    expect(cm).toHaveReceivedCommandTimes(SearchAvailablePhoneNumbersCommand, 2);
    expect(tried).toHaveLength(2);
    expect(first).toContain(tried[0]);
    expect(fresh.filter(n => n !== tried[0])).toContain(tried[1]);
  });

  test('when the fresh search offers only candidates already tried, it fails listing them', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string }) => {
      throw taken(input.PhoneNumber);
    });
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    expect(cm).toHaveReceivedCommandTimes(SearchAvailablePhoneNumbersCommand, 2);
    expectFailed(out, `Phone number ${LOGICAL_ID}: every candidate tried (+12065550101) was taken between the search and the claim. Deploy again.`);
  });

  test(`claims are bounded: after ${MAX_CLAIM_ATTEMPTS} taken candidates it fails listing them`, async () => {
    // More candidates than attempts: the bound, not the page, ends it.
    const candidates = Array.from({ length: MAX_CLAIM_ATTEMPTS + 3 }, (_, i) => `+120655501${String(i + 10).padStart(2, '0')}`);
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: candidates.map(PhoneNumber => ({ PhoneNumber })) });
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string }) => {
      throw taken(input.PhoneNumber);
    });
    const out = await run(createEvent(TYPE, SEARCHED, o));
    const tried = inputsOf(cm, ClaimPhoneNumberCommand).map(i => i.PhoneNumber);
    expect(tried).toHaveLength(MAX_CLAIM_ATTEMPTS);
    expect(new Set(tried).size).toBe(MAX_CLAIM_ATTEMPTS);
    expect(candidates).toEqual(expect.arrayContaining(tried));
    expect(cm).toHaveReceivedCommandTimes(SearchAvailablePhoneNumbersCommand, MAX_CLAIM_ATTEMPTS);
    expectFailed(out, `Phone number ${LOGICAL_ID}: every candidate tried (${tried.join(', ')}) was taken between the search and the claim. Deploy again.`);
    expect(cm).not.toHaveReceivedCommand(DescribePhoneNumberCommand);
  });

  test('no candidates: the message names the country, type, prefix and target', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [] });
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}: no available phone number matches country US, type DID, prefix +1206 for ${INSTANCE_ARN}`,
      'Widen or drop the prefix');
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
  });

  test('no candidates without a prefix: the criteria leave the prefix out', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({});
    const { Prefix: _, ...noPrefix } = SEARCHED;
    expectFailed(await run(createEvent(TYPE, noPrefix, o)), `matches country US, type DID for ${INSTANCE_ARN}`);
  });

  test('a specific number this account already holds elsewhere is adopted: moved to the target, no ClaimPhoneNumber sent', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command)
      .resolvesOnce({ ListPhoneNumbersSummaryList: [{ PhoneNumber: '+120655501000', PhoneNumberArn: phoneArn(9) }], NextToken: 'page-2' })
      .resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, TargetArn: OTHER_INSTANCE_ARN }] });
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand)
      .resolvesOnce(summary('CLAIMED', { TargetArn: OTHER_INSTANCE_ARN, Tags: { team: 'ops' } }))
      .resolvesOnce(summary('IN_PROGRESS', { TargetArn: OTHER_INSTANCE_ARN }))
      .resolves(summary('CLAIMED'));
    cm.on(TagResourceCommand).resolves({});
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
    // The owner record, written before the move: this resource adopted it, from that target and from no owner.
    const event = createEvent(TYPE, ON_GROUP, o);
    expect(inputsOf(cm, TagResourceCommand)).toEqual([{
      resourceArn: PN_ARN,
      tags: { ...ownerTags(event), [ADOPTED_FROM_TAG]: OTHER_INSTANCE_ARN, [ADOPTED_OWNER_TAG]: OWNER_NONE },
    }]);
    expect(cm.commandCalls(TagResourceCommand)[0].calledBefore(cm.commandCalls(UpdatePhoneNumberCommand)[0])).toBe(true);
    expect(cm).not.toHaveReceivedCommand(ClaimPhoneNumberCommand);
    expect(inputsOf(cm, ListPhoneNumbersV2Command)).toEqual([
      expect.objectContaining({ PhoneNumberPrefix: NUMBER, NextToken: undefined }),
      expect.objectContaining({ PhoneNumberPrefix: NUMBER, NextToken: 'page-2' }),
    ]);
    expect(cm).toHaveReceivedCommandWith(UpdatePhoneNumberCommand, {
      PhoneNumberId: PN_ARN, TargetArn: GROUP_ARN, ClientToken: expect.stringMatching(CLIENT_TOKEN_PATTERN),
    });
  });

  test('a refused adoption fails naming the move, not the claim', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [{ PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, TargetArn: OTHER_INSTANCE_ARN }],
    });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: OTHER_INSTANCE_ARN }));
    cm.on(TagResourceCommand).resolves({});
    cm.on(UpdatePhoneNumberCommand).rejects(sdkError(ResourceInUseException, 'The phone number is in use by a queue'));
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}): UpdatePhoneNumber (adopt from ${OTHER_INSTANCE_ARN}) failed: ResourceInUseException`);
    expect(out.response.Reason).not.toContain('ClaimPhoneNumber failed');
  });

  test('a failed look-up of owned numbers fails naming the look-up', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command).rejects(sdkError(AccessDeniedException, 'not allowed'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)), `Phone number ${LOGICAL_ID} (${NUMBER}): ListPhoneNumbersV2 failed: AccessDeniedException`);
  });

  test('a specific number already on the target (event delivered again: IdempotencyException) is adopted as it is', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(IdempotencyException, 'An entity with the same name already exists'));
    cm.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [{ PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, TargetArn: GROUP_ARN }],
    });
    // The first delivery claimed it, with this resource's owner record: no adoption is recorded.
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { Tags: ownerTags(createEvent(TYPE, ON_GROUP, o)) }));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
    expect(cm).not.toHaveReceivedCommand(TagResourceCommand);
  });

  test('a claim refused for another reason (InvalidParameter) fails with it, and adopts nothing', async () => {
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(InvalidParameterException, 'ClaimPhoneNumber must be called in us-east-1'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)),
      `Phone number ${LOGICAL_ID} (${NUMBER}): ClaimPhoneNumber failed: InvalidParameterException: ClaimPhoneNumber must be called in us-east-1`);
    expect(cm).toHaveReceivedCommandTimes(ListPhoneNumbersV2Command, 1); // the look before the claim only
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('an empty flow list, as CloudFormation may deliver it (\'\'), associates nothing', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    expectSucceeded(await run(createEvent(TYPE, { ...ON_GROUP, ContactFlowArns: '' }, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('a specific number nobody here holds and that is not available fails saying so', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}) is not available to claim`, 'search for one with countryCode and phoneNumberType');
    // One page each (no NextToken: the look-up ends): before the claim, and after its refusal.
    expect(cm).toHaveReceivedCommandTimes(ListPhoneNumbersV2Command, 2);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
  });

  test('each look-up of owned numbers is bounded: ten pages without the number (before the claim and after it), then it fails saying so', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumber: '+19995550100', PhoneNumberArn: phoneArn(9) }], NextToken: 'more' });
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}) is not available to claim`);
    expect(cm).toHaveReceivedCommandTimes(ListPhoneNumbersV2Command, 20);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('a re-delivered claim looks for its tag on at most 50 numbers, and skips numbers without tags', async () => {
    const token = () => inputsOf(cm, ClaimPhoneNumberCommand)[0].ClientToken;
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand)
      .rejectsOnce(sdkError(IdempotencyException, 'An entity with the same name already exists'))
      .resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    const listed = Array.from({ length: 60 }, (_, i) => ({ PhoneNumberArn: phoneArn(100 + i) }));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: listed });
    cm.on(DescribePhoneNumberCommand).callsFake(async (input: { PhoneNumberId: string }) => {
      if (input.PhoneNumberId === PN_ARN) {
        return summary('CLAIMED', { TargetArn: INSTANCE_ARN });
      }
      const i = listed.findIndex(l => l.PhoneNumberArn === input.PhoneNumberId);
      // The first has no tags at all; the 56th carries this request's token, beyond the 50 looked at.
      const tags = i === 0 ? undefined : i === 55 ? { [CLAIM_TOKEN_TAG]: token() } : { other: 'x' };
      return summary('CLAIMED', { PhoneNumberArn: input.PhoneNumberId, TargetArn: INSTANCE_ARN, Tags: tags });
    });
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expectSucceeded(out, PN_ARN, DATA);
    const described = inputsOf(cm, DescribePhoneNumberCommand).map(i => i.PhoneNumberId).filter(id => id !== PN_ARN);
    expect(described).toEqual(listed.slice(0, 50).map(l => l.PhoneNumberArn));
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 2);
  });

  test('an event delivered again finds the number it already claimed by its claim-token tag: no second claim', async () => {
    // A tiny model of the service: a token once used for a claim refuses other parameters.
    const claimedByToken = new Map<string, string>();
    const tags = new Map<string, Record<string, string>>();
    let available = ['+12065550101', '+12065550102'];
    cm.on(SearchAvailablePhoneNumbersCommand).callsFake(async () => ({ AvailableNumbersList: available.map(PhoneNumber => ({ PhoneNumber })) }));
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string; ClientToken: string; Tags: Record<string, string> }) => {
      const before = claimedByToken.get(input.ClientToken);
      if (before !== undefined && before !== input.PhoneNumber) {
        throw sdkError(IdempotencyException, 'An entity with the same name already exists');
      }
      claimedByToken.set(input.ClientToken, input.PhoneNumber);
      tags.set(PN_ARN, input.Tags);
      return { PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN };
    });
    cm.on(ListPhoneNumbersV2Command).resolves({
      ListPhoneNumbersSummaryList: [{ PhoneNumberArn: phoneArn(7) }, { PhoneNumberArn: PN_ARN }],
    });
    cm.on(DescribePhoneNumberCommand).callsFake(async (input: { PhoneNumberId: string }) => summary('CLAIMED', {
      PhoneNumberArn: input.PhoneNumberId, TargetArn: INSTANCE_ARN, Tags: tags.get(input.PhoneNumberId) ?? { other: 'x' },
    }));

    const event = createEvent(TYPE, SEARCHED, o);
    const first = await run(event);
    expectSucceeded(first, PN_ARN, DATA);
    const firstNumber = claimedByToken.values().next().value;

    // The first number is no longer offered; the search now returns others.
    available = ['+12065550201', '+12065550202', '+12065550203'];
    cm.resetHistory();
    const again = await run(event);

    expectSucceeded(again, PN_ARN, DATA);
    expect(claimedByToken.size).toBe(1);
    expect(claimedByToken.values().next().value).toBe(firstNumber);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1); // refused: nothing new claimed
    expect(cm).toHaveReceivedCommandWith(ListPhoneNumbersV2Command, {
      TargetArn: INSTANCE_ARN, PhoneNumberCountryCodes: ['US'], PhoneNumberTypes: ['DID'], PhoneNumberPrefix: '+1206',
    });
  });

  test('a claim to a group whose split is being applied waits until the group is ACTIVE, then claims with a fresh token', async () => {
    cm.on(ClaimPhoneNumberCommand)
      .rejectsOnce(sdkError(ResourceNotFoundException, 'Traffic distribution group is not ACTIVE (UPDATE_IN_PROGRESS)'))
      .resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'UPDATE_IN_PROGRESS' } })
      .resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'ACTIVE' } });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectSucceeded(out, PN_ARN, DATA);
    const claims = inputsOf(cm, ClaimPhoneNumberCommand);
    expect(claims).toHaveLength(2);
    expect(claims[1].ClientToken).toMatch(CLIENT_TOKEN_PATTERN);
    expect(claims[1].ClientToken).not.toBe(claims[0].ClientToken);
    expect(claims[1].Tags[CLAIM_TOKEN_TAG]).toBe(claims[0].ClientToken);
  });

  test('a token spent on a refused claim: the next candidate is claimed with a token of its own, tagged with the request\'s', async () => {
    // The service may record a token even on a claim it refuses; the same token with another number is then refused too.
    const spent = new Map<string, string>();
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }, { PhoneNumber: '+12065550102' }] });
    cm.on(ClaimPhoneNumberCommand).callsFake(async (input: { PhoneNumber: string; ClientToken: string }) => {
      const before = spent.get(input.ClientToken);
      if (before !== undefined && before !== input.PhoneNumber) {
        throw sdkError(IdempotencyException, 'An entity with the same name already exists');
      }
      spent.set(input.ClientToken, input.PhoneNumber);
      if (spent.size === 1) {
        throw taken(input.PhoneNumber);
      }
      return { PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN };
    });
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { PhoneNumberArn: PN_ARN, TargetArn: INSTANCE_ARN }));
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expectSucceeded(out, PN_ARN, DATA);
    const claims = cm.commandCalls(ClaimPhoneNumberCommand).map(c => c.args[0].input);
    expect(claims).toHaveLength(3);
    const [refused, spentAgain, own] = claims;
    expect(spentAgain.ClientToken).toBe(refused.ClientToken);
    expect(spentAgain.PhoneNumber).not.toBe(refused.PhoneNumber);
    expect(own.PhoneNumber).toBe(spentAgain.PhoneNumber);
    expect(own.ClientToken).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
    expect(own.ClientToken).not.toBe(refused.ClientToken);
    expect(own.Tags![CLAIM_TOKEN_TAG]).toBe(refused.ClientToken);
  });

  test('a target that is not found (a group not ACTIVE) fails at once: it is not a taken candidate', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }, { PhoneNumber: '+12065550102' }] });
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(ResourceNotFoundException, 'Phone number target not found or not active'));
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expectFailed(out, 'ClaimPhoneNumber failed: ResourceNotFoundException: Phone number target not found or not active');
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
    // An instance target has no group to wait for.
    expect(cm).not.toHaveReceivedCommand(DescribeTrafficDistributionGroupCommand);
  });

  test('a candidate taken on a group target (ResourceNotFound "not available") is skipped without waiting on the group', async () => {
    const onGroup = { ...SEARCHED, TargetArn: GROUP_ARN };
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }, { PhoneNumber: '+12065550102' }] });
    cm.on(ClaimPhoneNumberCommand)
      .rejectsOnce(sdkError(ResourceNotFoundException, 'Phone number not available: +12065550101'))
      .resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    expectSucceeded(await run(createEvent(TYPE, onGroup, o)), PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 2);
    expect(cm).not.toHaveReceivedCommand(DescribeTrafficDistributionGroupCommand);
  });

  test('a group target refusing for another reason (InvalidParameter) fails at once, without waiting on the group', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(InvalidParameterException, 'Tags are invalid'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)), 'ClaimPhoneNumber failed: InvalidParameterException: Tags are invalid');
    expect(cm).not.toHaveReceivedCommand(DescribeTrafficDistributionGroupCommand);
  });

  test('IdempotencyException with no number carrying the token fails with the error', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(IdempotencyException, 'An entity with the same name already exists'));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumberArn: phoneArn(7) }] });
    cm.on(DescribePhoneNumberCommand).rejects(gone());
    const out = await run(createEvent(TYPE, SEARCHED, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (+12065550101): ClaimPhoneNumber failed: IdempotencyException`);
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on a specific claim fails naming the number and the call', async (ctor, advice) => {
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(ctor as any, 'nope'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)),
      `Phone number ${LOGICAL_ID} (${NUMBER}): ClaimPhoneNumber failed: ${(ctor as any).name}: nope`, advice);
  });

  test.each([
    [ThrottlingException, 'throttled'],
    [InternalServiceException, 'deploy again'],
    [AccessDeniedException, 'check the role'],
  ])('%p on a searched claim fails naming the candidate', async (ctor, advice) => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(ctor as any, 'nope'));
    expectFailed(await run(createEvent(TYPE, SEARCHED, o)),
      `Phone number ${LOGICAL_ID} (+12065550101): ClaimPhoneNumber failed: ${(ctor as any).name}: nope`, advice);
  });

  test('a throttled search fails naming the call', async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).rejects(sdkError(ThrottlingException, 'Rate exceeded'));
    expectFailed(await run(createEvent(TYPE, SEARCHED, o)), `Phone number ${LOGICAL_ID}: SearchAvailablePhoneNumbers failed: ThrottlingException`);
  });

  test('a failed flow association fails naming the flow', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolvesOnce({}).rejects(sdkError(ResourceNotFoundException, 'Contact flow not found'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)), `AssociatePhoneNumberContactFlow (${REPLICA_FLOW_ARN}) failed: ResourceNotFoundException`);
  });

  test('a claim not settled by the deadline fails naming the number', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('IN_PROGRESS'));
    const event = createEvent(TYPE, ON_GROUP, o);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() - 1 })))
      .rejects.toThrow(`Phone number ${LOGICAL_ID} (${NUMBER}) (${PN_ARN}) did not settle in time (last seen: IN_PROGRESS)`);
  });

  test('a number not yet visible right after the claim is waited for', async () => {
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).rejectsOnce(gone()).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
  });

  test.each([
    [{ CountryCode: 'US' }, 'PhoneNumber cannot be combined with CountryCode, PhoneNumberType or Prefix'],
    [{ PhoneNumber: undefined }, 'PhoneNumber, or CountryCode and PhoneNumberType, must be given'],
    [{ PhoneNumber: '2065550100' }, 'PhoneNumber must be an E.164 number'],
    [{ RemovalPolicy: 'snapshot' }, "RemovalPolicy must be 'retain' or 'destroy'; got 'snapshot'"],
    [{ TargetArn: INSTANCE_ARN }, 'ContactFlowArns[1] must be in the target instance\'s Region us-east-1'],
    [{ ContactFlowArns: 'not-a-list' }, 'ContactFlowArns must be a list of contact flow ARNs'],
    [{ TargetArn: 'arn:aws:connect:us-east-1:111122223333:queue/x' }, 'TargetArn must be the ARN of an Amazon Connect instance or of a traffic distribution group'],
    [{ Description: 'd'.repeat(501) }, 'Description must be at most 500 characters long'],
  ])('a token that resolves to a bad value (%j) fails naming the property, before any call', async (bad, message) => {
    const out = await run(createEvent(TYPE, { ...ON_GROUP, ...bad }, o));
    expectFailed(out, `Phone number ${LOGICAL_ID}: invalid property: ${message}`);
    expect(cm.calls()).toHaveLength(0);
  });

  test.each([
    ['PhoneNumber with Prefix', { ...ON_GROUP, Prefix: '+1206' }, 'PhoneNumber cannot be combined with CountryCode, PhoneNumberType or Prefix'],
    ['PhoneNumber with CountryCode', { ...ON_GROUP, CountryCode: 'US' }, 'PhoneNumber cannot be combined'],
    ['PhoneNumber with PhoneNumberType', { ...ON_GROUP, PhoneNumberType: 'DID' }, 'PhoneNumber cannot be combined'],
    ['CountryCode without PhoneNumberType', { TargetArn: INSTANCE_ARN, CountryCode: 'US' }, 'PhoneNumber, or CountryCode and PhoneNumberType, must be given'],
    ['PhoneNumberType without CountryCode', { TargetArn: INSTANCE_ARN, PhoneNumberType: 'DID' }, 'PhoneNumber, or CountryCode and PhoneNumberType, must be given'],
  ])('the handler checks the properties again: %s fails naming them, and nothing is called', async (_what, props, message) => {
    expectFailed(await run(createEvent(TYPE, props, o)), message);
    expect(cm.calls()).toHaveLength(0);
  });

  test("properties CloudFormation delivers as '' count as absent: a searched number with PhoneNumber '' and Prefix ''", async () => {
    cm.on(SearchAvailablePhoneNumbersCommand).resolves({ AvailableNumbersList: [{ PhoneNumber: '+12065550101' }] });
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    expectSucceeded(await run(createEvent(TYPE, { ...SEARCHED, PhoneNumber: '', Prefix: '' }, o)), PN_ARN, DATA);
    expect(inputsOf(cm, SearchAvailablePhoneNumbersCommand)[0].PhoneNumberPrefix).toBeUndefined();
  });

  test('a bad prefix for the country fails naming Prefix', async () => {
    expectFailed(await run(createEvent(TYPE, { ...SEARCHED, Prefix: '+44' }, o)), 'invalid property: Prefix must start with +1, the calling code of US');
  });
});
