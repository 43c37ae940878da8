/**
 * TrafficDistributionGroup end to end (DESIGN.md lifecycle table): the real construct, the real
 * provider framework and the bundled handlers, against the Connect emulator.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Stack, Stage, Tags } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import { TrafficDistributionGroup, TrafficDistributionGroupProps } from '../../src';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;

function group(stack: Stack, props: Partial<TrafficDistributionGroupProps> = {}): TrafficDistributionGroup {
  const g = new TrafficDistributionGroup(stack, 'Group', {
    instanceArn: SEED.instanceArn,
    trafficDistributionGroupName: 'support',
    telephonyDistribution: { [SOURCE]: 70, [REPLICA]: 30 },
    agentDistribution: { [SOURCE]: 100, [REPLICA]: 0 },
    ...props,
  });
  new CfnOutput(stack, 'GroupArn', { value: g.trafficDistributionGroupArn });
  new CfnOutput(stack, 'GroupId', { value: g.trafficDistributionGroupId });
  return g;
}

const ownGroups = (world: World) => world.emulator.groups().filter(g => !g.isDefault);

describe('TrafficDistributionGroup end to end', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  test('create: the group is ACTIVE and the declared split reads back from the service', async () => {
    const out = await world.deploy(s => group(s));

    const [g] = ownGroups(world);
    expect(g).toMatchObject({ arn: out.outputs.GroupArn, id: out.outputs.GroupId, name: 'support', status: 'ACTIVE', instanceArn: SEED.instanceArn });
    expect(world.emulator.distribution(g.arn)).toMatchObject({
      telephony: { [SOURCE]: 70, [REPLICA]: 30 },
      agent: { [SOURCE]: 100, [REPLICA]: 0 },
    });
  });

  test('the split and the tags change in place: same physical id, same group', async () => {
    const first = await world.deploy(s => {
      group(s);
      Tags.of(s).add('team', 'support');
    });
    const second = await world.deploy(s => {
      group(s, { telephonyDistribution: { [SOURCE]: 50, [REPLICA]: 50 }, agentDistribution: { [SOURCE]: 60, [REPLICA]: 40 } });
      Tags.of(s).add('team', 'sales');
    });

    expect(second.outputs.GroupArn).toBe(first.outputs.GroupArn);
    expect(ownGroups(world)).toHaveLength(1);
    expect(world.emulator.distribution(first.outputs.GroupArn)).toMatchObject({
      telephony: { [SOURCE]: 50, [REPLICA]: 50 },
      agent: { [SOURCE]: 60, [REPLICA]: 40 },
    });
    const update = world.engine.events.find(e => e.RequestType === 'Update')!;
    expect(update.PhysicalResourceId).toBe(first.outputs.GroupArn);
    expect(world.engine.events.filter(e => e.RequestType === 'Delete')).toEqual([]);
    expect(served(world.emulator, 'CreateTrafficDistributionGroup')).toHaveLength(1);
    expect(served(world.emulator, 'TagResource').map(c => c.status)).toContain(200);
  });

  test('a new name replaces the group: the new one is created, the old one deleted in the cleanup', async () => {
    const first = await world.deploy(s => group(s));
    const second = await world.deploy(s => group(s, { trafficDistributionGroupName: 'support-v2' }));

    expect(second.outputs.GroupArn).not.toBe(first.outputs.GroupArn);
    expect(ownGroups(world).map(g => [g.name, g.arn, g.status])).toEqual([['support-v2', second.outputs.GroupArn, 'ACTIVE']]);
    const last = world.engine.events.at(-1)!;
    expect([last.RequestType, last.PhysicalResourceId]).toEqual(['Delete', first.outputs.GroupArn]);
  });

  test('delete: the group is gone when the stack is', async () => {
    await world.deploy(s => group(s));
    await world.destroy();
    expect(ownGroups(world)).toEqual([]);
  });

  test('deleting a group that is already gone succeeds', async () => {
    const out = await world.deploy(s => group(s));
    world.emulator.deleteGroupOutOfBand(out.outputs.GroupArn);
    await world.destroy();
    expect(world.engine.responses.at(-1)).toMatchObject({ requestType: 'Delete', status: 'SUCCESS', physicalId: out.outputs.GroupArn });
  });

  test('CREATION_FAILED fails the create with the status in the reason, and the rollback deletes the group', async () => {
    world.emulator.failNextGroupCreation();
    await expect(world.deploy(s => group(s))).rejects.toThrow(/CREATION_FAILED/);

    const failed = world.engine.responses.find(r => r.status === 'FAILED')!;
    expect(failed.physicalId).toMatch(/^arn:aws:connect:us-east-1:111122223333:traffic-distribution-group\//);
    expect(world.engine.responses.at(-1)).toMatchObject({ requestType: 'Delete', status: 'SUCCESS', physicalId: failed.physicalId });
    expect(ownGroups(world)).toEqual([]);
  });

  // CloudFormation's rollback Update sends the old description back to the group that still has it.
  test('a new description under the same name is refused, and the rollback leaves the group as it was', async () => {
    const first = await world.deploy(s => group(s, { description: 'Support lines' }));
    await expect(world.deploy(s => group(s, { description: 'Sales lines' })))
      .rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*its description changed, which replaces the group, but its name did not/);

    expect(ownGroups(world).map(g => [g.arn, g.status])).toEqual([[first.outputs.GroupArn, 'ACTIVE']]);
    // The stack is back where it was: the next deployment of the old template changes nothing.
    const again = await world.deploy(s => group(s, { description: 'Support lines' }));
    expect(again.outputs.GroupArn).toBe(first.outputs.GroupArn);
  });

  test('a group that still has numbers from outside the stack cannot be deleted, and the reason names them', async () => {
    const out = await world.deploy(s => group(s));
    world.emulator.seedClaimedNumber('+13125550105', out.outputs.GroupArn);
    await expect(world.destroy()).rejects.toThrow(/DELETE_FAILED: .*phone numbers are still claimed to it: \+13125550105/);
    expect(ownGroups(world).map(g => g.arn)).toEqual([out.outputs.GroupArn]);
  });

  // The handler bundles as Lambda runs them: one that needs a module the Lambda runtime does not
  // provide fails the deployment with a reason that says so (instead of a stack that hangs).
  test('a bundle requiring a module outside the Lambda runtime fails the deploy with a clear reason', async () => {
    const stack = world.stack(s => group(s));
    const assembly = Stage.of(stack)!.synth();
    // Break the synthesized copies of the handler bundles (never the repository's assets/):
    // aws-cdk-lib is in this repository's node_modules, but not in the Lambda runtime.
    const bundles = fs.readdirSync(assembly.directory).filter(d => d.startsWith('asset.') && d.endsWith('.lambda'));
    expect(bundles).toHaveLength(2);
    for (const dir of bundles) {
      const file = path.join(assembly.directory, dir, 'index.js');
      fs.writeFileSync(file, `require("aws-cdk-lib");\n${fs.readFileSync(file, 'utf8')}`);
    }

    await expect(world.engine.deploy(stack)).rejects.toThrow(/CREATE_FAILED: .*Cannot find module 'aws-cdk-lib'/);
    expect(world.engine.responses).toEqual([
      expect.objectContaining({ requestType: 'Create', status: 'FAILED', physicalId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }),
      expect.objectContaining({ requestType: 'Delete', status: 'SUCCESS' }),
    ]);
    expect(world.emulator.callCount()).toBe(0);
  });

  test('a duplicated Create delivery creates one group', async () => {
    world.engine.duplicateNextEvent();
    const out = await world.deploy(s => group(s));
    expect(world.engine.events.filter(e => e.RequestType === 'Create')).toHaveLength(2);
    expect(ownGroups(world).map(g => g.arn)).toEqual([out.outputs.GroupArn]);
  });
});
