/** TrafficDistribution at synth: the split and sign-in of a group, the default one included. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { handlerStatements, newStack } from './fixtures';
import { InstanceReplica, TrafficDistribution, TrafficDistributionGroup } from '../../src';
import { TRAFFIC_DISTRIBUTION_RESOURCE_TYPE } from '../../src/shared/names';
import { GROUP_ARN, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

describe('TrafficDistribution', () => {
  test('manages the split and sign-in of the default group', () => {
    const stack = newStack();
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
    new TrafficDistribution(stack, 'Split', {
      trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
      telephonyDistribution: { [REGION]: 80, [REPLICA_REGION]: 20 },
      signInDistribution: { [REGION]: true, [REPLICA_REGION]: true },
    });
    Template.fromStack(stack).hasResourceProperties(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, {
      TelephonyDistribution: { [REGION]: 80, [REPLICA_REGION]: 20 },
      SignInDistribution: { [REGION]: true, [REPLICA_REGION]: true },
      AgentDistribution: Match.absent(),
    });
  });

  test('manages the split of an imported group', () => {
    const stack = newStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'G', GROUP_ARN);
    new TrafficDistribution(stack, 'Split', { trafficDistributionGroup: imported, agentDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 } });
    Template.fromStack(stack).hasResourceProperties(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, { TrafficDistributionGroupArn: GROUP_ARN });
    const actions = new Set(handlerStatements(stack).flatMap(s => [s.Action].flat()));
    // Tag/Untag: the tag that records a refused split change on the group (lambda/lib/split.ts).
    expect([...actions].sort()).toEqual([
      // Delete and ListPhoneNumbersV2: the provider's own (deleting the stack's last group after an update removed it).
      // DescribePhoneNumber: the provider's own too (a replacing group update reads the numbers' owner records).
      'connect:DeleteTrafficDistributionGroup', 'connect:DescribePhoneNumber', 'connect:DescribeTrafficDistributionGroup', 'connect:GetTrafficDistribution',
      'connect:ListPhoneNumbersV2', 'connect:TagResource', 'connect:UntagResource', 'connect:UpdateTrafficDistribution',
    ]);
  });

  test('sign-in on a group known not to be default is rejected at synth', () => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    expect(() => new TrafficDistribution(stack, 'Split', {
      trafficDistributionGroup: group, signInDistribution: { [REGION]: true, [REPLICA_REGION]: false },
    })).toThrow(/Stack\/Split: signInDistribution can only be set on the default traffic distribution group/);
  });

  test.each([
    ['nothing to manage', {}, /telephonyDistribution, agentDistribution or signInDistribution must be given/],
    ['a split not summing to 100', { telephonyDistribution: { [REGION]: 60, [REPLICA_REGION]: 30 } }, /telephonyDistribution percentages must sum to 100/],
    ['sign-in nowhere', { signInDistribution: { [REGION]: false, [REPLICA_REGION]: false } }, /signInDistribution must enable sign-in in at least one Region/],
  ])('rejects %s', (_, override, message) => {
    const stack = newStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'G', GROUP_ARN);
    expect(() => new TrafficDistribution(stack, 'Split', { trafficDistributionGroup: imported, ...override })).toThrow(message);
  });
});
