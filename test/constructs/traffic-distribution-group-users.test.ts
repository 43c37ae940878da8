/** TrafficDistributionGroupUsers at synth: the users associated with a group, by id or ARN. */
import { Template } from 'aws-cdk-lib/assertions';
import { handlerStatements, newStack, USER, USER_ARN } from './fixtures';
import { TrafficDistributionGroup, TrafficDistributionGroupUsers } from '../../src';
import { TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE } from '../../src/shared/names';
import { GROUP_ARN, INSTANCE_ARN } from '../fixtures/arns';

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
