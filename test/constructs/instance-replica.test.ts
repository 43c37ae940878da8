/** InstanceReplica at synth: the replica's properties and attributes, and the group built on it waiting for replication. */
import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { handlerStatements, newStack } from './fixtures';
import { InstanceReplica, TrafficDistributionGroup } from '../../src';
import { INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../../src/shared/names';
import { ACCOUNT, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

describe('InstanceReplica', () => {
  test('replicates the instance, and the group built on it waits for replication', () => {
    const stack = newStack();
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION, replicaAlias: 'support-west' });
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: replica.instanceArn });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, {
      InstanceArn: INSTANCE_ARN, ReplicaRegion: REPLICA_REGION, ReplicaAlias: 'support-west', RemovalPolicy: 'retain',
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
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, { RemovalPolicy: 'destroy', ReplicaAlias: '11111111222233334444555555555555-uswest2' });
  });

  test('IAM: replicate, describe and delete on the source instance and the replica Region, and the default group look-up', () => {
    const stack = newStack();
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
    const statements = handlerStatements(stack);
    const actions = new Set(statements.flatMap(s => [s.Action].flat()));
    expect([...actions].sort()).toEqual([
      // The provider's own: deleting the stack's last group after an update removed it (ConnectProvider).
      'connect:DeleteInstance', 'connect:DeleteTrafficDistributionGroup', 'connect:DescribeInstance', 'connect:DescribePhoneNumber',
      'connect:DescribeTrafficDistributionGroup',
      'connect:ListPhoneNumbersV2', 'connect:ListTrafficDistributionGroups', 'connect:ReplicateInstance',
    ].concat('cloudformation:DescribeStacks').sort()); // cloudformation:DescribeStacks: the provider's own (a Delete tells a rollback from a removal, issue 24).
    const text = JSON.stringify(statements);
    expect(text).toContain(INSTANCE_ARN);
    expect(text).toContain(`:connect:${REPLICA_REGION}:${ACCOUNT}:instance/*`);
    expect(text).not.toContain('connect:*');
  });

  test.each([
    ['a Region the source does not replicate to', { replicaRegion: 'eu-west-2' }, /replicaRegion must be a Region that us-east-1 replicates to \(us-west-2\)/],
    ['the same Region', { replicaRegion: REGION }, /replicaRegion must be a Region that us-east-1 replicates to/],
    ['not a Region', { replicaRegion: 'west' }, /replicaRegion must be an AWS Region/],
    ['a bad alias', { replicaRegion: REPLICA_REGION, replicaAlias: 'd-123' }, /replicaAlias must be 1 to 45 letters/],
    ['a long alias', { replicaRegion: REPLICA_REGION, replicaAlias: 'a'.repeat(46) }, /replicaAlias must be 1 to 45 letters/],
    ['an instance in another Region', { replicaRegion: REPLICA_REGION, instanceArn: INSTANCE_ARN.replace(REGION, REPLICA_REGION) }, /instanceArn must be in this stack's Region us-east-1/],
    ['SNAPSHOT', { replicaRegion: REPLICA_REGION, removalPolicy: RemovalPolicy.SNAPSHOT }, /removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY/],
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
