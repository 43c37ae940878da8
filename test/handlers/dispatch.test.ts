import {
  ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand, DescribeInstanceCommand, DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand, InvalidRequestException, ListPhoneNumbersV2Command, ListTrafficDistributionGroupsCommand,
  ReleasePhoneNumberCommand, ReplicateInstanceCommand,
} from '@aws-sdk/client-connect';
import * as fc from 'fast-check';
import { CLIENT_TOKEN_PATTERN, createEvent, DEFAULT_GROUP_ARN, deleteEvent, expectFailed, inputsOf, phoneArn, run, sdkError, useConnectMock, waitEvent } from './events';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { connect } from '../../lambda/lib/clients';
import { checkDeadline } from '../../lambda/lib/deadlines';
import { clip, userError, UserError } from '../../lambda/lib/errors';
import { clientToken } from '../../lambda/lib/events';
import { log } from '../../lambda/lib/log';
import { pollSettings, pollUntilSettled } from '../../lambda/lib/poll';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import { ROUTES } from '../../lambda/routes';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, DEADLINE_FIELD, INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';
import { GROUP_ARN, GROUP_ID, INSTANCE_ARN, REGION, REPLICA_INSTANCE_ARN, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();

const ALL_TYPES = [
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
];

describe('dispatch', () => {
  test('every resource type has a route, and nothing else does', () => {
    expect(Object.keys(ROUTES).sort()).toEqual([...ALL_TYPES].sort());
  });

  test.each(['Custom::Unknown', 'toString', '__proto__'])('an unknown resource type (%s) fails listing the known ones, with no call', async (type) => {
    const event = createEvent(type, { Name: 'x' }, { logicalId: 'Mystery' });
    const out = await run(event);
    expectFailed(out, `Resource Mystery: unknown resource type ${type}; this provider handles ${ALL_TYPES.join(', ')}.`,
      'Use the constructs of cdk-connect-global-resiliency');
    await expect(isComplete(waitEvent(event, { PhysicalResourceId: 'x' }))).rejects.toThrow(UserError);
    expect(cm.calls()).toHaveLength(0);
  });

  test('onEvent logs the request without its ResponseURL', async () => {
    const event = deleteEvent(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, GROUP_ARN, { TrafficDistributionGroupArn: GROUP_ARN });
    await onEvent(event);
    const lines = (console.log as jest.Mock).mock.calls.map(c => String(c[0]));
    expect(lines.some(l => l.includes(event.RequestId))).toBe(true);
    expect(lines.join('\n')).not.toContain('X-Amz-Signature');
  });
});

describe('ClientToken', () => {
  const request = fc.record({ StackId: fc.string(), LogicalResourceId: fc.string(), RequestId: fc.uuid() });

  test('is a lowercase UUID, the same for the same request and salt', () => {
    fc.assert(fc.property(request, fc.string(), (r, salt) => {
      const t = clientToken(r, salt);
      expect(t).toMatch(CLIENT_TOKEN_PATTERN);
      expect(clientToken({ ...r }, salt)).toBe(t);
    }), { numRuns: 300 });
  });

  test('differs between requests, and between the calls (salts) of one request', () => {
    fc.assert(fc.property(request, request, fc.string(), fc.string(), (a, b, s1, s2) => {
      fc.pre(a.StackId !== b.StackId || a.LogicalResourceId !== b.LogicalResourceId || a.RequestId !== b.RequestId);
      expect(clientToken(a, s1)).not.toBe(clientToken(b, s1));
      fc.pre(s1 !== s2);
      expect(clientToken(a, s1)).not.toBe(clientToken(a, s2));
    }), { numRuns: 300 });
  });

  test('on the wire: an event delivered twice sends the same token, a new request another one', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    const props = { InstanceArn: INSTANCE_ARN, Name: 'support' };
    const event = createEvent(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, props, { logicalId: 'Group' });
    await onEvent(event);
    await onEvent({ ...event });
    await onEvent(createEvent(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, props, { logicalId: 'Group' }));
    const [first, again, other] = inputsOf(cm, CreateTrafficDistributionGroupCommand).map(i => i.ClientToken);
    expect(first).toMatch(CLIENT_TOKEN_PATTERN);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});

describe('responses', () => {
  // The longest inputs each type accepts, and CloudFormation's longest logical id (255).
  const logicalId = 'L'.repeat(255);
  const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(3, '0')}${'k'.repeat(125)}`, 'v'.repeat(256)]));

  test('a group: Data is exactly Arn and Id, and the response stays under 2 KB', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP_ID, Arn: GROUP_ARN });
    cm.on(DescribeTrafficDistributionGroupCommand).resolves({ TrafficDistributionGroup: { Arn: GROUP_ARN, Status: 'ACTIVE' } });
    const out = await run(createEvent(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
      { InstanceArn: INSTANCE_ARN, Name: 'n'.repeat(128), Description: 'd'.repeat(250), Tags: tags }, { logicalId }));
    expect(out.response.Status).toBe('SUCCESS');
    expect(Object.keys(out.response.Data!).sort()).toEqual(['Arn', 'Id']);
    expect(Buffer.byteLength(out.body)).toBeLessThan(2048);
  });

  test('a phone number: Data is exactly its three attributes, and the response stays under 2 KB', async () => {
    const arn = phoneArn(1);
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] }); // not held yet: claimed
    cm.on(ClaimPhoneNumberCommand).resolves({ PhoneNumberArn: arn });
    cm.on(DescribePhoneNumberCommand).resolves({
      ClaimedPhoneNumberSummary: {
        PhoneNumberArn: arn,
        PhoneNumber: '+123456789012345',
        TargetArn: INSTANCE_ARN,
        PhoneNumberStatus: { Status: 'CLAIMED' },
        PhoneNumberDescription: 'd'.repeat(500),
        Tags: tags,
      },
    });
    const out = await run(createEvent(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE,
      { TargetArn: INSTANCE_ARN, PhoneNumber: '+123456789012345', Description: 'd'.repeat(500), Tags: tags }, { logicalId }));
    expect(out.response.Status).toBe('SUCCESS');
    // The id falls back to the ARN's last part when Describe leaves it out.
    expect(out.response.Data).toEqual({ PhoneNumber: '+123456789012345', PhoneNumberArn: arn, PhoneNumberId: arn.split('/')[1] });
    expect(Buffer.byteLength(out.body)).toBeLessThan(2048);
  });

  test('a replica: Data is exactly its four attributes, and the response stays under 2 KB', async () => {
    cm.on(ReplicateInstanceCommand).resolves({});
    cm.on(DescribeInstanceCommand).resolves({
      ReplicationConfiguration: { ReplicationStatusSummaryList: [{ Region: REPLICA_REGION, ReplicationStatus: 'INSTANCE_REPLICATION_COMPLETE' }] },
    });
    cm.on(ListTrafficDistributionGroupsCommand).resolves({ TrafficDistributionGroupSummaryList: [{ Arn: DEFAULT_GROUP_ARN, IsDefault: true }] });
    const out = await run(createEvent(INSTANCE_REPLICA_RESOURCE_TYPE,
      { InstanceArn: INSTANCE_ARN, ReplicaRegion: REPLICA_REGION, ReplicaAlias: 'a'.repeat(45) }, { logicalId }));
    expect(out.response.PhysicalResourceId).toBe(REPLICA_INSTANCE_ARN);
    expect(Object.keys(out.response.Data!).sort())
      .toEqual(['DefaultTrafficDistributionGroupArn', 'DefaultTrafficDistributionGroupId', 'ReplicaInstanceArn', 'SourceInstanceArn']);
    expect(Buffer.byteLength(out.body)).toBeLessThan(2048);
  });

  test('any service error message, however long, gives a FAILED response under 2 KB', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 6000 }), async (message) => {
      cm.on(ReleasePhoneNumberCommand).rejects(sdkError(InvalidRequestException, message));
      cm.on(DescribePhoneNumberCommand).resolves({
        ClaimedPhoneNumberSummary: { PhoneNumberArn: phoneArn(1), PhoneNumber: '+12065550100', PhoneNumberStatus: { Status: 'CLAIMED' } },
      });
      const out = await run(deleteEvent(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, phoneArn(1),
        { TargetArn: INSTANCE_ARN, PhoneNumber: '+12065550100', RemovalPolicy: 'destroy' }, { logicalId }));
      expect(out.response.Status).toBe('FAILED');
      expect(out.response.Reason).toContain('ReleasePhoneNumber failed: InvalidRequestException');
      expect(Buffer.byteLength(out.body)).toBeLessThan(2048);
    }), { numRuns: 40 });
  });
});

describe('common', () => {
  test.each([
    ['LimitExceededException', 'A limit of the account is reached'],
    ['TooManyRequestsException', 'throttled'],
    ['SomethingElse', undefined],
  ])('userError for %s', (name, advice) => {
    const e = userError('Thing X: Call', Object.assign(new Error('msg'), { name }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(new RegExp(`^Thing X: Call failed: ${name}: msg`));
    if (advice) {
      expect(e.message).toContain(advice);
    } else {
      expect(e.message).toBe(`Thing X: Call failed: ${name}: msg`);
    }
  });

  test.each([
    ['ServiceUnavailableException', 'failed on its side'],
    ['InternalServiceException', 'failed on its side'],
    ['ServiceQuotaExceededException', 'raise it through Service Quotas'],
    ['AccessDeniedException', 'check the role'],
  ])('userError for %s gives its advice', (name, advice) => {
    expect(userError('Thing X: Call', Object.assign(new Error('msg'), { name })).message).toContain(advice);
  });

  test('clip keeps a reason of exactly the limit, and cuts a longer one to the limit', () => {
    expect(clip('x'.repeat(900))).toBe('x'.repeat(900));
    const cut = clip('x'.repeat(901));
    expect(cut).toHaveLength(900);
    expect(cut.endsWith('...')).toBe(true);
  });

  test('log writes one JSON line at the console level of its level (CloudWatch keeps the level)', () => {
    const spies = (['log', 'warn', 'error'] as const).map(m => jest.spyOn(console, m).mockImplementation(() => undefined));
    try {
      log('INFO', 'i', { a: 1 });
      log('WARN', 'w');
      log('ERROR', 'e');
      const [info, warn, error] = spies.map(s => s.mock.calls.map(c => JSON.parse(String(c[0]))));
      expect(info).toEqual([{ level: 'INFO', message: 'i', a: 1 }]);
      expect(warn).toEqual([{ level: 'WARN', message: 'w' }]);
      expect(error).toEqual([{ level: 'ERROR', message: 'e' }]);
    } finally {
      spies.forEach(s => s.mockRestore());
    }
  });

  test('poll settings: unset, negative or unreadable values fall back to the defaults', () => {
    const saved = { ...process.env };
    try {
      delete process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS;
      process.env.CONNECT_GR_POLL_FIRST_MS = '-5';
      process.env.CONNECT_GR_POLL_MAX_MS = 'soon';
      expect(pollSettings()).toEqual({ budgetMs: 60_000, firstMs: 1_000, maxMs: 5_000 });
      process.env.CONNECT_GR_POLL_FIRST_MS = '0';
      expect(pollSettings().firstMs).toBe(0);
    } finally {
      process.env = saved;
    }
  });

  describe('deadlines', () => {
    const event = (deadline?: number) => waitEvent(createEvent(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, {}),
      { PhysicalResourceId: 'id', ...(deadline === undefined ? {} : { [DEADLINE_FIELD]: deadline }) });

    test('no deadline field: never fails', () => {
      expect(() => checkDeadline(event(), 'Thing X', 'PENDING')).not.toThrow();
    });

    test('a deadline passed: fails naming the resource and its last state', () => {
      expect(() => checkDeadline(event(Date.now() - 1), 'Thing X', 'PENDING')).toThrow(/Thing X did not settle in time \(last seen: PENDING\)/);
    });

    test('after the deadline, a poll that finds the resource settled succeeds', async () => {
      await expect(pollUntilSettled(event(Date.now() - 1), async seen => {
        seen('Thing X', 'ACTIVE');
        return 'settled';
      })).resolves.toBe('settled');
    });

    test('after the deadline, a poll that reports no state is not failed (nothing to name)', async () => {
      const saved = process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS;
      process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
      try {
        await expect(pollUntilSettled(event(Date.now() - 1), async () => undefined)).resolves.toBeUndefined();
      } finally {
        process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = saved;
      }
    });
  });

  test('userError of something that is not an Error still says what failed', () => {
    expect(userError('Thing X: Call', 'plain string').message).toBe('Thing X: Call failed: Error: plain string');
    expect(userError('Thing X: Call', undefined).message).toBe('Thing X: Call failed: Error: undefined');
  });

  test('userError keeps a UserError as it is', () => {
    const e = new UserError('already clear');
    expect(userError('Thing X: Call', e)).toBe(e);
  });

  test('one Connect client per Region, reused across invocations', async () => {
    expect(connect(REGION)).toBe(connect(REGION));
    expect(connect(REPLICA_REGION)).not.toBe(connect(REGION));
    expect(connect(REGION)).toBeInstanceOf(ConnectClient);
    expect(await connect(REPLICA_REGION).config.region()).toBe(REPLICA_REGION);
  });
});
