/**
 * Timeouts: a stack never hangs, and a resource that never settles fails with a reason naming it.
 *
 * The chain, read from a synthesized stack with every construct:
 * - every custom resource's ServiceTimeout is within CloudFormation's 3600 s and above the
 *   provider's total timeout (the waiter's Retry: IntervalSeconds x MaxAttempts, BackoffRate 1);
 * - each per-type deadline (Deadlines), plus one isComplete invocation and one waiter interval,
 *   ends before the provider's total timeout, so the resource's own reason reaches CloudFormation
 *   rather than the framework's "Operation timed out" (or, worse, CloudFormation's own timeout);
 * - the handlers' Lambda timeouts hold the inline poll budget of isComplete, and the framework's
 *   functions, which invoke them synchronously, outlast them.
 * Then the behaviour: isComplete with the deadline passed throws naming the resource and its last
 * status; before the deadline it hands back to the waiter.
 */
import { DescribeInstanceCommand, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { Template } from 'aws-cdk-lib/assertions';
import { handler as isComplete } from '../../lambda/is-complete.lambda';
import { CfnEvent, WaitEvent } from '../../lambda/lib/events';
import { pollSettings } from '../../lambda/lib/poll';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, DEADLINE_FIELD, Deadlines, INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, Waiter,
} from '../../src/shared/names';
import { newStack } from '../constructs/fixtures';
import { INSTANCE_ARN, REGION, REPLICA_REGION, GROUP_ARN } from '../fixtures/arns';
import { createEvent, phoneArn, useConnectMock } from '../handlers/events';

/** CloudFormation's maximum ServiceTimeout for a custom resource. */
const CLOUDFORMATION_MAX_SERVICE_TIMEOUT = 3600;

const DEADLINES: Record<string, number> = {
  [TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS,
  [CLAIMED_PHONE_NUMBER_RESOURCE_TYPE]: Deadlines.CLAIMED_PHONE_NUMBER_SECONDS,
  [INSTANCE_REPLICA_RESOURCE_TYPE]: Deadlines.INSTANCE_REPLICA_SECONDS,
  [TRAFFIC_DISTRIBUTION_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_SECONDS,
  // Associations take effect at once; onEvent still stamps this deadline.
  [TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_SECONDS,
};

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

describe('the chain of timeouts in a synthesized stack', () => {
  let resources: Record<string, any>;

  beforeAll(() => {
    const stack = newStack();
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: replica.instanceArn, telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 } });
    new TrafficDistribution(stack, 'DefaultSplit', { trafficDistributionGroup: replica.defaultTrafficDistributionGroup, signInDistribution: { [REGION]: true, [REPLICA_REGION]: true } });
    new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: group, userIds: ['33333333-4444-5555-6666-777777777777'] });
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: '+12065550100' });
    resources = Template.fromStack(stack).toJSON().Resources;
  });

  const ofType = (type: string) => Object.values(resources).filter(r => r.Type === type);
  /** A Lambda function's Timeout, found by its description (the handlers name their entry file; the framework's say which function they are). */
  const lambdaTimeout = (description: string) => {
    const fns = ofType('AWS::Lambda::Function').filter(f => String(f.Properties.Description).includes(description));
    expect(fns).toHaveLength(1);
    return Number(fns[0].Properties.Timeout);
  };

  /** The waiter's Retry, from the state machine's definition (a Fn::Join around the functions' ARNs). */
  function waiterRetry(): { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number } {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const [separator, parts] = machines[0].Properties.DefinitionString['Fn::Join'];
    const definition = JSON.parse(parts.map((p: unknown) => typeof p === 'string' ? p : 'arn:function').join(separator));
    const task = definition.States[definition.StartAt];
    expect(task.Retry).toHaveLength(1);
    return task.Retry[0];
  }

  /** The provider's total timeout: the waiter gives up after MaxAttempts polls IntervalSeconds apart. */
  function totalTimeout(): number {
    const retry = waiterRetry();
    expect(retry.BackoffRate).toBe(1);
    return retry.IntervalSeconds * retry.MaxAttempts;
  }

  test('every resource type is in the stack, each with a ServiceTimeout within CloudFormation\'s maximum and above the provider\'s total timeout', () => {
    const total = totalTimeout();
    expect(total).toBe(Waiter.TOTAL_TIMEOUT_SECONDS);
    for (const type of Object.keys(DEADLINES)) {
      const rs = ofType(type);
      expect(rs.length).toBeGreaterThan(0);
      for (const r of rs) {
        const serviceTimeout = Number(r.Properties.ServiceTimeout);
        expect(serviceTimeout).toBeLessThanOrEqual(CLOUDFORMATION_MAX_SERVICE_TIMEOUT);
        // Above the waiter by at least the onEvent call that precedes it.
        expect(serviceTimeout).toBeGreaterThan(total + lambdaTimeout('lambda/on-event.lambda.ts'));
      }
    }
    // No custom resource of another type escapes the chain.
    const custom = Object.values(resources).filter(r => r.Type.startsWith('Custom::'));
    expect(custom.every(r => r.Type in DEADLINES)).toBe(true);
  });

  test.each(Object.entries(DEADLINES))('%s: its deadline fires, and its reason reaches CloudFormation, before the provider gives up', (_type, deadline) => {
    const { IntervalSeconds } = waiterRetry();
    const isCompleteTimeout = lambdaTimeout('lambda/is-complete.lambda.ts');
    // Passed the deadline just after a poll: the next waiter attempt, at most one interval and one
    // full isComplete invocation later, throws the resource's own reason.
    expect(deadline + IntervalSeconds + isCompleteTimeout).toBeLessThan(totalTimeout());
    // And it leaves room for at least one whole inline poll.
    expect(deadline).toBeGreaterThan(IntervalSeconds + pollSettings().budgetMs / 1000);
  });

  test('the handlers\' Lambda timeouts hold isComplete\'s inline polling; the framework\'s functions outlast the handlers they invoke', () => {
    const saved = { budget: process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS, max: process.env.CONNECT_GR_POLL_MAX_MS };
    try {
      // The defaults, as deployed (the functions set neither variable).
      delete process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS;
      delete process.env.CONNECT_GR_POLL_MAX_MS;
      const { budgetMs, maxMs } = pollSettings();
      expect(budgetMs).toBe(60_000);
      expect(JSON.stringify(ofType('AWS::Lambda::Function').map(f => f.Properties.Environment ?? {}))).not.toContain('CONNECT_GR_');
      const isCompleteTimeout = lambdaTimeout('lambda/is-complete.lambda.ts');
      const onEventTimeout = lambdaTimeout('lambda/on-event.lambda.ts');
      // The last poll starts within the budget; one poll (Describe with the SDK's retries, then
      // perhaps a split update) gets a minute of its own, beyond the longest backoff.
      expect(isCompleteTimeout).toBeGreaterThanOrEqual(budgetMs / 1000 + maxMs / 1000 + 60);
      expect(lambdaTimeout('resource provider framework - isComplete')).toBeGreaterThan(isCompleteTimeout);
      expect(lambdaTimeout('resource provider framework - onEvent')).toBeGreaterThan(onEventTimeout);
    } finally {
      restoreEnv('CONNECT_GR_INLINE_POLL_BUDGET_MS', saved.budget);
      restoreEnv('CONNECT_GR_POLL_MAX_MS', saved.max);
    }
  });
});

describe('a resource that never settles fails by its deadline, naming it and its last status', () => {
  const cm = useConnectMock();
  const saved = { budget: process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS, first: process.env.CONNECT_GR_POLL_FIRST_MS };

  beforeAll(() => {
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '0';
    process.env.CONNECT_GR_POLL_FIRST_MS = '1';
  });

  afterAll(() => {
    restoreEnv('CONNECT_GR_INLINE_POLL_BUDGET_MS', saved.budget);
    restoreEnv('CONNECT_GR_POLL_FIRST_MS', saved.first);
  });

  const PHONE_ARN = phoneArn(7);
  const stuckGroup = () => cm.on(DescribeTrafficDistributionGroupCommand).resolves({
    TrafficDistributionGroup: { Arn: GROUP_ARN, Name: 'support', InstanceArn: INSTANCE_ARN, Status: 'CREATION_IN_PROGRESS', IsDefault: false },
  });
  const stuckNumber = () => cm.on(DescribePhoneNumberCommand).resolves({
    ClaimedPhoneNumberSummary: {
      PhoneNumberArn: PHONE_ARN, PhoneNumber: '+12065550100', TargetArn: INSTANCE_ARN, PhoneNumberStatus: { Status: 'IN_PROGRESS', Message: 'claiming' },
    },
  });
  const stuckReplica = () => cm.on(DescribeInstanceCommand).resolves({
    Instance: { Id: INSTANCE_ARN.slice(-36), Arn: INSTANCE_ARN },
    ReplicationConfiguration: { ReplicationStatusSummaryList: [{ Region: REPLICA_REGION, ReplicationStatus: 'INSTANCE_REPLICATION_IN_PROGRESS' }] },
  });

  const CASES: Array<[string, CfnEvent, string, () => void, string]> = [
    ['a group stuck in CREATION_IN_PROGRESS', createEvent(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, { InstanceArn: INSTANCE_ARN, Name: 'support' }, { logicalId: 'SupportGroup' }),
      GROUP_ARN, stuckGroup, 'CREATION_IN_PROGRESS'],
    ['a number stuck IN_PROGRESS', createEvent(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, { TargetArn: INSTANCE_ARN, PhoneNumber: '+12065550100' }, { logicalId: 'MainNumber' }),
      PHONE_ARN, stuckNumber, 'IN_PROGRESS'],
    ['a replica stuck replicating', createEvent(INSTANCE_REPLICA_RESOURCE_TYPE, { InstanceArn: INSTANCE_ARN, ReplicaRegion: REPLICA_REGION }, { logicalId: 'Replica' }),
      INSTANCE_ARN.replace(REGION, REPLICA_REGION), stuckReplica, 'INSTANCE_REPLICATION_IN_PROGRESS'],
    ['a split on a group stuck in CREATION_IN_PROGRESS', createEvent(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
      { TrafficDistributionGroupArn: GROUP_ARN, TelephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 } }, { logicalId: 'Split' }),
    GROUP_ARN, stuckGroup, 'CREATION_IN_PROGRESS'],
  ];

  const waitEvent = (event: CfnEvent, physicalId: string, deadline: number): WaitEvent =>
    ({ ...event, PhysicalResourceId: physicalId, [DEADLINE_FIELD]: deadline }) as WaitEvent;

  test.each(CASES)('%s: past the deadline, isComplete throws naming the resource and the last status', async (_name, event, physicalId, stuck, status) => {
    stuck();
    const error = await isComplete(waitEvent(event, physicalId, Date.now() - 1)).then(() => undefined, (e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(event.LogicalResourceId);
    expect(error!.message).toContain(`last seen: ${status}`);
    expect(error!.message).toContain('did not settle in time');
    expect(Buffer.byteLength(error!.message)).toBeLessThan(1024);
  });

  test.each(CASES)('%s: before the deadline, isComplete hands back to the waiter after one poll', async (_name, event, physicalId, stuck) => {
    stuck();
    const started = Date.now();
    await expect(isComplete(waitEvent(event, physicalId, Date.now() + 60_000))).resolves.toEqual({ IsComplete: false });
    expect(cm.calls()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
