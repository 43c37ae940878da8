/** InstanceReplica at synth: the replica's properties and attributes, the group built on it waiting for replication, and grantCrossRegionRouting. */
import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { handlerStatements, newStack } from './fixtures';
import { InstanceReplica, TrafficDistributionGroup } from '../../src';
import { CLI_ROUTING_ACTIONS } from '../../src/shared/actions';
import { INSTANCE_REPLICA_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../../src/shared/names';
import { ACCOUNT, GROUP_ARN, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

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
    ].sort()); // DescribeStacks, the provider's own, is checked on its own (global-resiliency-provider.test.ts).
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

describe('grantCrossRegionRouting', () => {
  /** The statements of the operator role's policy, resolved. */
  function operatorStatements(grant: (stack: Stack, role: iam.Role) => void): Array<{ Action: string | string[]; Resource: unknown }> {
    const stack = newStack();
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    grant(stack, role);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } });
    return stack.resolve(Object.values(policy).flatMap((p: any) => p.Properties.PolicyDocument.Statement));
  }
  /** A resolved ARN as CloudFormation makes it: Fn::Join joined, the partition `aws`. */
  const arnOf = (r: any): string => (typeof r === 'string' ? r : r.Ref === 'AWS::Partition' ? 'aws' : r['Fn::Join'][1].map(arnOf).join(r['Fn::Join'][0]));

  test('a group of the stack grants isolate\'s two actions on its instance in both Regions, nothing else', () => {
    const statements = operatorStatements((stack, role) => {
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN }).grantCrossRegionRouting(role);
    });
    expect(statements.flatMap(s => [s.Action].flat()).sort()).toEqual([...CLI_ROUTING_ACTIONS].sort());
    const instanceId = INSTANCE_ARN.split('/').pop();
    expect(statements.flatMap(s => [s.Resource].flat()).map(arnOf).sort()).toEqual([
      `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${instanceId}`, `arn:aws:connect:${REPLICA_REGION}:${ACCOUNT}:instance/${instanceId}`,
    ]);
  });

  test.each([
    ['an imported group', (stack: Stack, role: iam.Role) => TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Imported', GROUP_ARN).grantCrossRegionRouting(role)],
    ['the default group of a replica', (stack: Stack, role: iam.Role) => new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION })
      .defaultTrafficDistributionGroup.grantCrossRegionRouting(role)],
  ])('%s, whose instance is not known at synth, grants them on the account\'s instances in both Regions', (_, grant) => {
    const statements = operatorStatements(grant);
    expect(statements.flatMap(s => [s.Action].flat()).sort()).toEqual(['connect:GetCrossRegionRouting', 'connect:UpdateCrossRegionRouting']);
    expect(statements.flatMap(s => [s.Resource].flat()).map(arnOf).sort()).toEqual([
      `arn:aws:connect:${REGION}:${ACCOUNT}:instance/*`, `arn:aws:connect:${REPLICA_REGION}:${ACCOUNT}:instance/*`,
    ]);
  });
});
