/** When the world changed under the stack (issue 25), per handler: gone resources in a rollback and forward, a stale waiter, flows per Region, a Region outage. */
import {
  AssociatePhoneNumberContactFlowCommand, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand,
  ResourceNotFoundException, TagResourceCommand, UntagResourceCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
  UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { DATA, ON_GROUP, PN_ARN, PN_ID, summary, usePhoneNumberMock } from './claimed-phone-number-fixtures';
import {
  expectFailed, expectSucceeded, inputsOf, regionsOf, run, sdkError, setStackStatus, stackStatusReads, updateEvent, waitEvent,
} from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { currentRequestTagKey, MARKED_FIELD } from '../../lambda/lib/current-request';
import { userError } from '../../lambda/lib/errors';
import { DeadlineRetryStrategy, retryUntil } from '../../lambda/lib/retry';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as PHONE, DEADLINE_FIELD, REGION_OUTAGE_THRESHOLD, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE as TDG,
} from '../../src/shared/names';
import { FLOW_ARN, GROUP_ARN, GROUP_ID, INSTANCE_ARN, REGION, REPLICA_FLOW_ARN, REPLICA_REGION } from '../fixtures/arns';

const cm = usePhoneNumberMock();
const notFound = () => sdkError(ResourceNotFoundException, 'not found');
const GROUP = { InstanceArn: INSTANCE_ARN, Name: 'support', TelephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 }, Tags: { team: 'support' } };
const g = { logicalId: 'Group' };
const n = { logicalId: 'MainLine' };
const LIVE_70_30 = { TelephonyConfig: { Distributions: [{ Region: REGION, Percentage: 70 }, { Region: REPLICA_REGION, Percentage: 30 }] } };
const warnings = () => (console.warn as jest.Mock).mock.calls.map(c => String(c[0]));

describe('a resource gone outside CloudFormation', () => {
  test('a forward Update of a deleted group fails at once, naming what is gone and the ways forward', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    cm.on(TagResourceCommand).rejects(notFound());
    const out = await run(updateEvent(TDG, GROUP_ARN, { ...GROUP, Tags: { team: 'support', release: '2' } }, GROUP, g));
    expectFailed(out, 'no longer exists: it was deleted outside CloudFormation', 'remove the TrafficDistributionGroup from the stack',
      'change its trafficDistributionGroupName');
    expect(stackStatusReads()).toBe(1);
  });

  test('its rollback (the stack is UPDATE_ROLLBACK_IN_PROGRESS) succeeds: nothing to roll back', async () => {
    setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    cm.on(UntagResourceCommand).rejects(notFound());
    const out = await run(updateEvent(TDG, GROUP_ARN, GROUP, { ...GROUP, Tags: { team: 'support', release: '2' } }, g));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(warnings().join('\n')).toContain('gone outside CloudFormation: nothing to roll back');
  });

  test('the rollback of a split change on a deleted group succeeds too (found gone by the waiter)', async () => {
    setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    cm.on(TagResourceCommand).rejects(notFound());
    const out = await run(updateEvent(TDG, GROUP_ARN, GROUP, { ...GROUP, TelephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } }, g));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('a status that cannot be read counts as a rollback: a rollback must never fail', async () => {
    setStackStatus(Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), { name: 'AccessDenied' }));
    cm.on(DescribeTrafficDistributionGroupCommand).rejects(notFound());
    cm.on(TagResourceCommand).rejects(notFound());
    expectSucceeded(await run(updateEvent(TDG, GROUP_ARN, GROUP, { ...GROUP, Tags: {} }, g)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
  });

  test('a released number: the forward description change fails naming the way forward; its rollback succeeds', async () => {
    cm.on(DescribePhoneNumberCommand).rejects(notFound());
    cm.on(UpdatePhoneNumberMetadataCommand).rejects(notFound());
    expectFailed(await run(updateEvent(PHONE, PN_ARN, { ...ON_GROUP, Description: 'new' }, ON_GROUP, n)),
      'no longer exists: it was released outside CloudFormation', 'remove the ClaimedPhoneNumber from the stack');
    setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    expectSucceeded(await run(updateEvent(PHONE, PN_ARN, ON_GROUP, { ...ON_GROUP, Description: 'new' }, n)), PN_ARN,
      { PhoneNumber: '', PhoneNumberArn: PN_ARN, PhoneNumberId: PN_ID });
  });

  test('a deploy that finds everything in place never reads the stack status', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(UpdatePhoneNumberMetadataCommand).resolves({});
    expectSucceeded(await run(updateEvent(PHONE, PN_ARN, { ...ON_GROUP, Description: 'new' }, ON_GROUP, n)), PN_ARN, DATA);
    expect(stackStatusReads()).toBe(0);
  });
});

describe('an Update calls only what its changes need', () => {
  beforeEach(() => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED'));
    cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
  });

  test('a description change associates no flow', async () => {
    cm.on(UpdatePhoneNumberMetadataCommand).resolves({});
    expectSucceeded(await run(updateEvent(PHONE, PN_ARN, { ...ON_GROUP, Description: 'new' }, ON_GROUP, n)), PN_ARN, DATA);
    expect(cm).not.toHaveReceivedCommand(AssociatePhoneNumberContactFlowCommand);
  });

  test('a new flow in the source Region associates there only: no call in the replica Region', async () => {
    const NEW_FLOW = `${INSTANCE_ARN}/contact-flow/aaaaaaaa-0000-0000-0000-000000000009`;
    expectSucceeded(await run(updateEvent(PHONE, PN_ARN, { ...ON_GROUP, ContactFlowArns: [NEW_FLOW, REPLICA_FLOW_ARN] }, ON_GROUP, n)), PN_ARN, DATA);
    expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REGION]);
    expect(inputsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([expect.objectContaining({ ContactFlowId: 'aaaaaaaa-0000-0000-0000-000000000009' })]);
  });

  test('a move associates every declared flow again (a move drops associations)', async () => {
    cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { TargetArn: INSTANCE_ARN }));
    cm.on(TagResourceCommand).resolves({});
    cm.on(UpdatePhoneNumberCommand).resolves({});
    const out = await run(updateEvent(PHONE, PN_ARN, { ...ON_GROUP, TargetArn: INSTANCE_ARN, ContactFlowArns: [FLOW_ARN] }, ON_GROUP, n));
    expectSucceeded(out, PN_ARN, DATA);
    expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REGION]);
  });
});

describe('a waiter acts only for the current request', () => {
  test('a waiter whose request is no longer the one recorded on the group changes nothing and says so', async () => {
    const event = updateEvent(TDG, GROUP_ARN, { ...GROUP, TelephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } }, GROUP, g);
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({
      TrafficDistributionGroup: {
        Id: GROUP_ID,
        Arn: GROUP_ARN,
        Name: 'support',
        InstanceArn: INSTANCE_ARN,
        Status: 'ACTIVE',
        IsDefault: false,
        Tags: { [currentRequestTagKey(event)]: 'the-rollback-request' },
      },
    });
    cm.on(GetTrafficDistributionCommand).resolves(LIVE_70_30);
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() + 60_000, [MARKED_FIELD]: true })))
      .rejects.toThrow(/is no longer the current one \(request the-rollback-request .*\): this waiter stops and changes nothing/);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('the current request\'s waiter moves the split', async () => {
    const event = updateEvent(TDG, GROUP_ARN, { ...GROUP, TelephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } }, GROUP, g);
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({
      TrafficDistributionGroup: {
        Id: GROUP_ID,
        Arn: GROUP_ARN,
        Name: 'support',
        InstanceArn: INSTANCE_ARN,
        Status: 'ACTIVE',
        IsDefault: false,
        Tags: { [currentRequestTagKey(event)]: event.RequestId },
      },
    });
    cm.on(GetTrafficDistributionCommand).resolves(LIVE_70_30);
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    await isComplete(waitEvent(event, { PhysicalResourceId: GROUP_ARN, [DEADLINE_FIELD]: Date.now() + 60_000, [MARKED_FIELD]: true }));
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)[0]).toEqual(expect.objectContaining({
      TelephonyConfig: { Distributions: [{ Region: REGION, Percentage: 50 }, { Region: REPLICA_REGION, Percentage: 50 }] },
    }));
  });
});

test('a waiter whose request recorded nothing (e.g. a rollback answering with the number it held before) is not stopped by an earlier record', async () => {
  const event = updateEvent(PHONE, PN_ARN, ON_GROUP, { ...ON_GROUP, ContactFlowArns: [FLOW_ARN] }, n);
  cm.on(DescribePhoneNumberCommand).resolves(summary('CLAIMED', { Tags: { [currentRequestTagKey(event)]: 'an-earlier-request' } }));
  cm.on(AssociatePhoneNumberContactFlowCommand).resolves({});
  const r = await isComplete(waitEvent(event, { PhysicalResourceId: PN_ARN, [DEADLINE_FIELD]: Date.now() + 60_000 }));
  expect(r.IsComplete).toBe(true);
  expect(await regionsOf(cm, AssociatePhoneNumberContactFlowCommand)).toEqual([REPLICA_REGION]);
});

test('a rollback restoring a split declaration that the failed update removed leaves a failover alone (found by the model test)', async () => {
  setStackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
  const { TelephonyDistribution: _removed, ...undeclared } = GROUP;
  cm.on(DescribeTrafficDistributionGroupCommand).resolves({
    TrafficDistributionGroup: {
      Id: GROUP_ID, Arn: GROUP_ARN, Name: 'support', InstanceArn: INSTANCE_ARN, Status: 'ACTIVE', IsDefault: false,
    },
  });
  const failedOver = { TelephonyConfig: { Distributions: [{ Region: REGION, Percentage: 0 }, { Region: REPLICA_REGION, Percentage: 100 }] } };
  cm.on(GetTrafficDistributionCommand).resolves(failedOver);
  expectSucceeded(await run(updateEvent(TDG, GROUP_ARN, GROUP, undeclared, g)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
  expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  expect(stackStatusReads()).toBe(1);
});

describe('a Region that does not answer', () => {
  const unavailable = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });

  // Within a window of an hour: only the outage rule ends the retries.
  const inWindow = (fn: () => Promise<void>) => () => retryUntil(Date.now() + 3_600_000, fn);

  test(`${REGION_OUTAGE_THRESHOLD} answers in a row of 5xx end the retries at once, and the error names the Region and the outage`, inWindow(async () => {
    const strategy = new DeadlineRetryStrategy('eu-west-9');
    let token = await strategy.acquireInitialRetryToken();
    for (let i = 1; i < REGION_OUTAGE_THRESHOLD; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, { error: unavailable() as any, errorType: 'TRANSIENT' });
    }
    const last = unavailable();
    await expect(strategy.refreshRetryTokenForRetry(token, { error: last as any, errorType: 'TRANSIENT' })).rejects.toBe(last);
    const e = userError('Phone number Main: AssociatePhoneNumberContactFlow', last);
    expect(e.message).toContain(`Region eu-west-9 did not answer ${REGION_OUTAGE_THRESHOLD} calls in a row`);
    expect(e.message).toContain('it looks like an outage');
    expect((e as { transient?: boolean }).transient).toBe(false);
  }));

  test('throttling is an answer: it never counts toward an outage, and a success starts the count again', inWindow(async () => {
    const strategy = new DeadlineRetryStrategy('eu-west-8');
    let token = await strategy.acquireInitialRetryToken();
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < REGION_OUTAGE_THRESHOLD; i++) {
        token = await strategy.refreshRetryTokenForRetry(token, { error: unavailable() as any, errorType: 'TRANSIENT' });
      }
      if (round === 0) {
        token = await strategy.refreshRetryTokenForRetry(token, { error: throttled() as any, errorType: 'THROTTLING' });
      } else {
        strategy.recordSuccess();
      }
    }
    expect(userError('x', unavailable()).message).not.toContain('outage');
  }));
});
