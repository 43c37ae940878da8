/**
 * applyRemovalPolicy(RETAIN) on a group: deleting the stack keeps the group, its split, and the
 * numbers on it whose own removal policy is RETAIN (left on the group, not parked); a DESTROY
 * number on it is still released.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { SEED, startWorld, World } from './harness';
import { ClaimedPhoneNumber, PhoneNumberTarget, TrafficDistributionGroup } from '../../src';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

test('a retained group keeps its retained numbers on it after the stack is deleted; a DESTROY number is released', async () => {
  await world.deploy(s => {
    const g = new TrafficDistributionGroup(s, 'Group', {
      instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'kept', telephonyDistribution: { [SEED.sourceRegion]: 70, [SEED.replicaRegion]: 30 },
    });
    g.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new ClaimedPhoneNumber(s, 'Kept', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: '+12065550100' });
    new ClaimedPhoneNumber(s, 'Gone', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: '+12065550101', removalPolicy: RemovalPolicy.DESTROY });
  });
  const group = world.emulator.groups().find(g => g.name === 'kept')!;
  await world.destroy();

  expect(world.emulator.groups().find(g => g.name === 'kept')).toMatchObject({ arn: group.arn, status: 'ACTIVE' });
  const numbers = world.emulator.claimedNumbers();
  expect(numbers.map(n => [n.phoneNumber, n.targetArn, n.status])).toEqual([['+12065550100', group.arn, 'CLAIMED']]);
  expect(world.emulator.calls.filter(c => c.operation === 'DeleteTrafficDistributionGroup')).toEqual([]);
}, 120_000);

test('without the call, the same stack deletes the group after parking its retained number on the instance', async () => {
  await world.deploy(s => {
    const g = new TrafficDistributionGroup(s, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'deleted' });
    new ClaimedPhoneNumber(s, 'Kept', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: '+12065550100' });
  });
  await world.destroy();
  expect(world.emulator.groups().find(g => g.name === 'deleted')).toBeUndefined();
  expect(world.emulator.claimedNumbers().map(n => [n.phoneNumber, n.targetArn])).toEqual([['+12065550100', SEED.instanceArn]]);
});
