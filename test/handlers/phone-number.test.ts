import {
  AccessDeniedException, AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, DescribeContactFlowCommand, DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand, DisassociatePhoneNumberContactFlowCommand, IdempotencyException,
  InternalServiceException, InvalidParameterException, ListPhoneNumbersV2Command, ReleasePhoneNumberCommand, ResourceInUseException,
  ResourceNotFoundException, SearchAvailablePhoneNumbersCommand, TagResourceCommand, ThrottlingException,
  UntagResourceCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import {
  CLIENT_TOKEN_PATTERN, createEvent, deleteEvent, expectFailed,
  expectNotFatalBeforeDeadline, expectSucceeded, FLOW2_ARN, FLOW2_ID, FLOW_ARN, FLOW_ID, GROUP_ARN,
  INSTANCE_ARN, INSTANCE_ID, inputsOf, OTHER_INSTANCE_ARN, phoneArn, REGION, regionsOf, REPLICA_FLOW_ARN, REPLICA_FLOW_ID,
  REPLICA_REGION, run, sdkError, updateEvent, useConnectMock, waitEvent,
} from './events';
import { MAX_CLAIM_ATTEMPTS } from '../../lambda/claimed-phone-number/handler';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { ownerOf } from '../../lambda/lib/events';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import { CLAIM_TOKEN_TAG, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, CREATED_FIELD, DEADLINE_FIELD, KEPT_TAG, OWNER_TAG } from '../../src/shared/names';

const cm = useConnectMock();
// Every declared flow exists unless a test says otherwise (the check before a claim).
// The account holds no other number unless a test says so (the look-up of a number to take back).
beforeEach(() => {
  cm.on(DescribeContactFlowCommand).callsFake((input: { ContactFlowId: string }) => ({ ContactFlow: { Id: input.ContactFlowId } }));
  cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
});
const LOGICAL_ID = 'MainLine';
const o = { logicalId: LOGICAL_ID };

const NUMBER = '+12065550100';
const PN_ARN = phoneArn(1);
const PN_ID = PN_ARN.split('/')[1];
const DATA = { PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, PhoneNumberId: PN_ID };

/** A specific number on the group, with a flow in each Region. */
const ON_GROUP = {
  TargetArn: GROUP_ARN,
  PhoneNumber: NUMBER,
  Description: 'Main line',
  ContactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN],
  RemovalPolicy: 'retain',
  Tags: { team: 'support' },
};

/** A searched number on the instance. */
const SEARCHED = {
  TargetArn: INSTANCE_ARN,
  CountryCode: 'US',
  PhoneNumberType: 'DID',
  Prefix: '+1206',
  RemovalPolicy: 'destroy',
};

function summary(status: 'CLAIMED' | 'IN_PROGRESS' | 'FAILED', extra: Record<string, unknown> = {}) {
  return {
    ClaimedPhoneNumberSummary: {
      PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN, PhoneNumber: NUMBER, TargetArn: GROUP_ARN, PhoneNumberStatus: { Status: status }, ...extra,
    },
  };
}

const taken = (n: string) => sdkError(InvalidParameterException, `Phone number not available: ${n}`);
const gone = () => sdkError(ResourceNotFoundException, 'Phone number not found');

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
      Tags: { team: 'support', [CLAIM_TOKEN_TAG]: claim.ClientToken, [OWNER_TAG]: expect.stringMatching(/^[a-f0-9]{32}$/) },
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

  test('a specific number this account already holds elsewhere is adopted: moved to the target, not claimed again', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command)
      .resolvesOnce({ ListPhoneNumbersSummaryList: [{ PhoneNumber: '+120655501000', PhoneNumberArn: phoneArn(9) }], NextToken: 'page-2' })
      .resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, TargetArn: OTHER_INSTANCE_ARN }] });
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    cm.on(DescribePhoneNumberCommand).resolvesOnce(summary('IN_PROGRESS', { TargetArn: OTHER_INSTANCE_ARN })).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});

    expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
    expect(cm).toHaveReceivedCommandTimes(ClaimPhoneNumberCommand, 1);
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
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
    expectSucceeded(await run(createEvent(TYPE, ON_GROUP, o)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(UpdatePhoneNumberCommand);
  });

  test('a claim refused for another reason (InvalidParameter) fails with it, and adopts nothing', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(sdkError(InvalidParameterException, 'ClaimPhoneNumber must be called in us-east-1'));
    expectFailed(await run(createEvent(TYPE, ON_GROUP, o)),
      `Phone number ${LOGICAL_ID} (${NUMBER}): ClaimPhoneNumber failed: InvalidParameterException: ClaimPhoneNumber must be called in us-east-1`);
    expect(cm).not.toHaveReceivedCommand(ListPhoneNumbersV2Command);
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
    expect(cm).toHaveReceivedCommandTimes(ListPhoneNumbersV2Command, 1); // one page, no NextToken: the look-up ends
  });

  test('the look-up of owned numbers is bounded: ten pages without the number, then it fails saying so', async () => {
    cm.on(ClaimPhoneNumberCommand).rejects(taken(NUMBER));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [{ PhoneNumber: '+19995550100', PhoneNumberArn: phoneArn(9) }], NextToken: 'more' });
    const out = await run(createEvent(TYPE, ON_GROUP, o));
    expectFailed(out, `Phone number ${LOGICAL_ID} (${NUMBER}) is not available to claim`);
    expect(cm).toHaveReceivedCommandTimes(ListPhoneNumbersV2Command, 10);
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
    const out = await run(updateEvent(TYPE, PN_ARN, ON_GROUP, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, o));
    expectFailed(out, `UpdatePhoneNumber (move to ${GROUP_ARN}) failed: ResourceNotFoundException: Traffic distribution group is not ACTIVE`);
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
  });

  test('a refused move fails naming the target', async () => {
    cm.on(UpdatePhoneNumberCommand).rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group not ACTIVE'));
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
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' } });
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });

    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);

    expect(cm).toHaveReceivedCommandWith(DescribeTrafficDistributionGroupCommand, { TrafficDistributionGroupId: GROUP_ARN });
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
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' } });
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(DescribePhoneNumberCommand, 4);
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
  });

  test('RETAIN of a number on a group: while parking, the group vanishing ends the wait (the number stays where it is)', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' } })
      .rejects(sdkError(ResourceNotFoundException, 'Traffic distribution group not found'));
    cm.on(UpdatePhoneNumberCommand).resolves({ PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN });
    expectSucceeded(await run(deleteEvent(TYPE, PN_ARN, ON_GROUP, o)), PN_ARN);
    expect(cm).toHaveReceivedCommandTimes(UpdatePhoneNumberCommand, 1);
    expect(cm).not.toHaveReceivedCommand(ReleasePhoneNumberCommand);
  });

  test('RETAIN of a number on a group that keeps it (the park never lands) is not complete: the waiter polls on', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, InstanceArn: INSTANCE_ARN, Status: 'ACTIVE' } });
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
