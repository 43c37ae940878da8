import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, GROUP_ARN, handlerStatements, INSTANCE_ARN, newStack, REGION, REPLICA } from './fixtures';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';
import {
  INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';

const USER = '33333333-4444-5555-6666-777777777777';
const USER_ARN = `${INSTANCE_ARN}/agent/${USER}`;

describe('InstanceReplica', () => {
  test('replicates the instance, and the group built on it waits for replication', () => {
    const stack = newStack();
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA, replicaAlias: 'support-west' });
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: replica.instanceArn });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, {
      InstanceArn: INSTANCE_ARN, ReplicaRegion: REPLICA, ReplicaAlias: 'support-west', RemovalPolicy: 'retain',
    });
    const replicaId = stack.getLogicalId(replica.node.defaultChild as any);
    // The group's instance is the replica's attribute: CloudFormation creates it after replication completes.
    t.hasResourceProperties(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, { InstanceArn: { 'Fn::GetAtt': [replicaId, 'SourceInstanceArn'] } });
    expect(stack.resolve(replica.replicaInstanceArn)).toEqual({ 'Fn::GetAtt': [replicaId, 'ReplicaInstanceArn'] });
    expect(stack.resolve(replica.defaultTrafficDistributionGroup.trafficDistributionGroupArn))
      .toEqual({ 'Fn::GetAtt': [replicaId, 'DefaultTrafficDistributionGroupArn'] });
    expect(replica.defaultTrafficDistributionGroup.isDefault).toBe(true);
    expect(group.isDefault).toBe(false);
    t.resourceCountIs('AWS::Lambda::Function', 5);
  });

  test('DESTROY deletes the replica; the default keeps it', () => {
    const stack = newStack();
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, { RemovalPolicy: 'destroy', ReplicaAlias: '11111111222233334444555555555555-uswest2' });
  });

  test('IAM: replicate, describe and delete on the source instance and the replica Region, and the default group look-up', () => {
    const stack = newStack();
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA });
    const statements = handlerStatements(stack);
    const actions = new Set(statements.flatMap(s => [s.Action].flat()));
    expect([...actions].sort()).toEqual([
      // The provider's own: deleting the stack's last group after an update removed it (ConnectProvider).
      'connect:DeleteInstance', 'connect:DeleteTrafficDistributionGroup', 'connect:DescribeInstance', 'connect:DescribeTrafficDistributionGroup',
      'connect:ListPhoneNumbersV2', 'connect:ListTrafficDistributionGroups', 'connect:ReplicateInstance',
    ]);
    const text = JSON.stringify(statements);
    expect(text).toContain(INSTANCE_ARN);
    expect(text).toContain(`:connect:${REPLICA}:${ACCOUNT}:instance/*`);
    expect(text).not.toContain('connect:*');
  });

  test.each([
    ['a Region the source does not replicate to', { replicaRegion: 'eu-west-2' }, /replicaRegion must be a Region that us-east-1 replicates to \(us-west-2\)/],
    ['the same Region', { replicaRegion: REGION }, /replicaRegion must be a Region that us-east-1 replicates to/],
    ['not a Region', { replicaRegion: 'west' }, /replicaRegion must be an AWS Region/],
    ['a bad alias', { replicaRegion: REPLICA, replicaAlias: 'd-123' }, /replicaAlias must be 1 to 45 letters/],
    ['a long alias', { replicaRegion: REPLICA, replicaAlias: 'a'.repeat(46) }, /replicaAlias must be 1 to 45 letters/],
    ['an instance in another Region', { replicaRegion: REPLICA, instanceArn: INSTANCE_ARN.replace(REGION, REPLICA) }, /instanceArn must be in this stack's Region us-east-1/],
    ['SNAPSHOT', { replicaRegion: REPLICA, removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY/],
  ])('rejects %s, naming the property', (_, override, message) => {
    expect(() => new InstanceReplica(newStack(), 'Replica', { instanceArn: INSTANCE_ARN, ...override } as any)).toThrow(message);
  });

  test('a Region that replicates nowhere', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'sa-east-1' } });
    expect(() => new InstanceReplica(stack, 'Replica', {
      instanceArn: INSTANCE_ARN.replace(REGION, 'sa-east-1'), replicaRegion: 'us-east-1',
    })).toThrow(/replicaRegion cannot be set: Global Resiliency does not replicate instances from sa-east-1/);
  });

  test('tokens are accepted', () => {
    expect(() => new InstanceReplica(newStack(), 'Replica', {
      instanceArn: Fn.importValue('Instance'), replicaRegion: Fn.importValue('Region'), replicaAlias: Fn.importValue('Alias'),
    })).not.toThrow();
  });
});

describe('TrafficDistribution', () => {
  test('manages the split and sign-in of the default group', () => {
    const stack = newStack();
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA });
    new TrafficDistribution(stack, 'Split', {
      trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
      telephonyDistribution: { [REGION]: 80, [REPLICA]: 20 },
      signInDistribution: { [REGION]: true, [REPLICA]: true },
    });
    Template.fromStack(stack).hasResourceProperties(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, {
      TelephonyDistribution: { [REGION]: 80, [REPLICA]: 20 },
      SignInDistribution: { [REGION]: true, [REPLICA]: true },
      AgentDistribution: Match.absent(),
    });
  });

  test('manages the split of an imported group', () => {
    const stack = newStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'G', GROUP_ARN);
    new TrafficDistribution(stack, 'Split', { trafficDistributionGroup: imported, agentDistribution: { [REGION]: 50, [REPLICA]: 50 } });
    Template.fromStack(stack).hasResourceProperties(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, { TrafficDistributionGroupArn: GROUP_ARN });
    const actions = new Set(handlerStatements(stack).flatMap(s => [s.Action].flat()));
    // Tag/Untag: the tag that records a refused split change on the group (lambda/lib/split.ts).
    expect([...actions].sort()).toEqual([
      // Delete and ListPhoneNumbersV2: the provider's own (deleting the stack's last group after an update removed it).
      'connect:DeleteTrafficDistributionGroup', 'connect:DescribeTrafficDistributionGroup', 'connect:GetTrafficDistribution',
      'connect:ListPhoneNumbersV2', 'connect:TagResource', 'connect:UntagResource', 'connect:UpdateTrafficDistribution',
    ]);
  });

  test('sign-in on a group known not to be default is rejected at synth', () => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    expect(() => new TrafficDistribution(stack, 'Split', {
      trafficDistributionGroup: group, signInDistribution: { [REGION]: true, [REPLICA]: false },
    })).toThrow(/Stack\/Split: signInDistribution can only be set on the default traffic distribution group/);
  });

  test.each([
    ['nothing to manage', {}, /telephonyDistribution, agentDistribution or signInDistribution must be given/],
    ['a split not summing to 100', { telephonyDistribution: { [REGION]: 60, [REPLICA]: 30 } }, /telephonyDistribution percentages must sum to 100/],
    ['sign-in nowhere', { signInDistribution: { [REGION]: false, [REPLICA]: false } }, /signInDistribution must enable sign-in in at least one Region/],
  ])('rejects %s', (_, override, message) => {
    const stack = newStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'G', GROUP_ARN);
    expect(() => new TrafficDistribution(stack, 'Split', { trafficDistributionGroup: imported, ...override })).toThrow(message);
  });
});

describe('TrafficDistributionGroupUsers', () => {
  test('associates users (ids or ARNs) with a group', () => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: group, userIds: [USER, USER_ARN.replace(USER, '44444444-4444-5555-6666-777777777777')] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, { InstanceArn: INSTANCE_ARN });
    expect(JSON.stringify(handlerStatements(stack))).toContain(`${INSTANCE_ARN}/agent/*`);
  });

  test.each([
    ['no users', { userIds: [] }, /userIds must name at least one user/],
    ['a bad user id', { userIds: ['bob'] }, /userIds\[0\] must be a Connect user id/],
    ['a user twice', { userIds: [USER, USER_ARN] }, /userIds\[1\] names user .* twice/],
  ])('rejects %s', (_, override, message) => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    expect(() => new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: group, ...override })).toThrow(message);
  });

  test('an imported group needs the instance', () => {
    const stack = newStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'G', GROUP_ARN);
    expect(() => new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: imported, userIds: [USER] }))
      .toThrow(/Stack\/Agents: instanceArn must be given/);
  });
});

test('the whole chain in one stack still makes one provider', () => {
  const stack = newStack();
  const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA });
  const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: replica.instanceArn, telephonyDistribution: { [REGION]: 70, [REPLICA]: 30 } });
  new TrafficDistribution(stack, 'DefaultSplit', { trafficDistributionGroup: replica.defaultTrafficDistributionGroup, signInDistribution: { [REGION]: true, [REPLICA]: true } });
  new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: group, userIds: [USER] });
  new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: '+12065550100' });
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::Lambda::Function', 5);
  t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
});
