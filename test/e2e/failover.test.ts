/**
 * A deploy never undoes a failover (issue 13), end to end: the real constructs, provider framework
 * and bundles against the emulator. The out-of-band failover is what operators do on the bad day:
 * UpdateTrafficDistribution called in the replica Region with the group's ARN.
 */
import { DescribeTrafficDistributionGroupCommand, UpdateTrafficDistributionCommand } from '@aws-sdk/client-connect';
import { CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import { TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupProps } from '../../src';
import { clientFor, until } from '../emulator/helpers';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;
const pct = (a: number, b: number) => ({ Distributions: [{ Region: SOURCE, Percentage: a }, { Region: REPLICA, Percentage: b }] });

function group(stack: Stack, props: Partial<TrafficDistributionGroupProps> = {}): TrafficDistributionGroup {
  const g = new TrafficDistributionGroup(stack, 'Group', {
    instanceArn: SEED.instanceArn,
    trafficDistributionGroupName: 'support',
    telephonyDistribution: { [SOURCE]: 70, [REPLICA]: 30 },
    ...props,
  });
  new CfnOutput(stack, 'GroupArn', { value: g.trafficDistributionGroupArn });
  return g;
}

/** Fails over outside CloudFormation: from the replica Region, by ARN, and waits until the group is ACTIVE again. */
async function failOver(
  world: World, arn: string, config: { TelephonyConfig: unknown; AgentConfig?: unknown; SignInConfig?: unknown },
): Promise<void> {
  const client = clientFor(world.emulator, REPLICA, 5);
  await client.send(new UpdateTrafficDistributionCommand({ Id: arn, ...config } as any));
  await until(async () => (await client.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn })))
    .TrafficDistributionGroup?.Status === 'ACTIVE' || undefined);
  client.destroy();
}

/** UpdateTrafficDistribution calls the deploys made (not the test's own, which come from the replica Region). */
const deployUpdates = (world: World) => served(world.emulator, 'UpdateTrafficDistribution').filter(c => c.region === SOURCE);

describe('a deploy never undoes a failover: TrafficDistributionGroup', () => {
  let world: World;
  let arn: string;
  beforeEach(async () => {
    world = await startWorld();
    arn = (await world.deploy(s => group(s))).outputs.GroupArn;
    await failOver(world, arn, { TelephonyConfig: pct(0, 100) });
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 0, [REPLICA]: 100 });
  });
  afterEach(async () => {
    await world.close();
  });

  test('a deploy whose only change to the group is a stack tag leaves 0/100 and makes no UpdateTrafficDistribution call', async () => {
    const before = deployUpdates(world).length;
    await world.deploy(s => {
      group(s);
      Tags.of(s).add('release', '2');
    });
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 0, [REPLICA]: 100 });
    expect(deployUpdates(world).length).toBe(before);
    expect(world.engine.events.filter(e => e.RequestType === 'Update' && e.LogicalResourceId.startsWith('Group'))).toHaveLength(1);
  });

  test('the rollback of a failed deploy (another resource fails) leaves 0/100 too', async () => {
    const before = deployUpdates(world).length;
    world.emulator.failNextGroupCreation('scripted: the other group fails');
    await expect(world.deploy(s => {
      group(s);
      new TrafficDistributionGroup(s, 'Other', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'other' });
      Tags.of(s).add('release', '2');
    })).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*CREATION_FAILED/);
    // The group was updated (tags) and then rolled back (an Update with the old properties).
    expect(world.engine.events.filter(e => e.RequestType === 'Update' && e.LogicalResourceId.startsWith('Group'))).toHaveLength(2);
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 0, [REPLICA]: 100 });
    expect(deployUpdates(world).length).toBe(before);
  });

  test('a declared change while the failover is in effect fails naming both splits, makes no call, and its rollback moves nothing', async () => {
    const before = deployUpdates(world).length;
    const failed = world.deploy(s => group(s, { telephonyDistribution: { [SOURCE]: 50, [REPLICA]: 50 } }));
    await expect(failed).rejects.toThrow('telephony is us-east-1=0,us-west-2=100 live, declared us-east-1=70,us-west-2=30 before and us-east-1=50,us-west-2=50 now');
    await expect(failed).rejects.toThrow(`npx cdk-connect-global-resiliency split --group ${arn} --telephony us-east-1=70,us-west-2=30`);
    await expect(failed).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after/);
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 0, [REPLICA]: 100 });
    expect(deployUpdates(world).length).toBe(before);
    // The rollback recognized the refusal and removed its tag from the group.
    const tags = served(world.emulator, 'UntagResource');
    expect(tags.map(c => c.status)).toEqual([200]);
  });

  test('a declaration changed to exactly the live split succeeds with no call', async () => {
    const before = deployUpdates(world).length;
    await world.deploy(s => group(s, { telephonyDistribution: { [SOURCE]: 0, [REPLICA]: 100 } }));
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 0, [REPLICA]: 100 });
    expect(deployUpdates(world).length).toBe(before);
  });

  test('after failing back (the live split is the declaration again), a declared change to 50/50 is applied', async () => {
    await failOver(world, arn, { TelephonyConfig: pct(70, 30) });
    const before = deployUpdates(world).length;
    await world.deploy(s => group(s, { telephonyDistribution: { [SOURCE]: 50, [REPLICA]: 50 } }));
    expect(world.emulator.distribution(arn).telephony).toEqual({ [SOURCE]: 50, [REPLICA]: 50 });
    expect(deployUpdates(world).length).toBe(before + 1);
  });
});

describe('a deploy never undoes a failover: TrafficDistribution on the default group (sign-in included)', () => {
  let world: World;
  let arn: string;
  const split = (stack: Stack, telephony: [number, number], signIn: [boolean, boolean]) => new TrafficDistribution(stack, 'Split', {
    trafficDistributionGroup: TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Default', arn),
    telephonyDistribution: { [SOURCE]: telephony[0], [REPLICA]: telephony[1] },
    agentDistribution: { [SOURCE]: telephony[0], [REPLICA]: telephony[1] },
    signInDistribution: { [SOURCE]: signIn[0], [REPLICA]: signIn[1] },
  });
  const FAILED_OVER = {
    telephony: { [SOURCE]: 0, [REPLICA]: 100 }, agent: { [SOURCE]: 0, [REPLICA]: 100 }, signIn: { [SOURCE]: false, [REPLICA]: true },
  };
  beforeEach(async () => {
    world = await startWorld();
    arn = world.emulator.groups().find(g => g.isDefault)!.arn;
    await world.deploy(s => split(s, [100, 0], [true, true]));
    await failOver(world, arn, {
      TelephonyConfig: pct(0, 100),
      AgentConfig: pct(0, 100),
      SignInConfig: { Distributions: [{ Region: SOURCE, Enabled: false }, { Region: REPLICA, Enabled: true }] },
    });
  });
  afterEach(async () => {
    await world.close();
  });

  test('a deploy that changes nothing of the split and the rollback of a failed deploy leave the failover in effect, with no call', async () => {
    const before = deployUpdates(world).length;
    await world.deploy(s => {
      split(s, [100, 0], [true, true]);
      new CfnOutput(s, 'Unrelated', { value: 'x' });
    });
    world.emulator.failNextGroupCreation('scripted');
    await expect(world.deploy(s => {
      split(s, [100, 0], [true, true]);
      new TrafficDistributionGroup(s, 'Other', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'other' });
    })).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE/);
    expect(world.emulator.distribution(arn)).toEqual(FAILED_OVER);
    expect(deployUpdates(world).length).toBe(before);
  });

  test('a declared sign-in change during the failover fails naming the live and declared sign-in, with no call', async () => {
    const before = deployUpdates(world).length;
    await expect(world.deploy(s => split(s, [100, 0], [true, false])))
      .rejects.toThrow('sign-in is us-east-1=false,us-west-2=true live, declared us-east-1=true,us-west-2=true before and us-east-1=true,us-west-2=false now');
    expect(world.emulator.distribution(arn)).toEqual(FAILED_OVER);
    expect(deployUpdates(world).length).toBe(before);
  });

  test('declaring exactly the live split succeeds with no call; a change to 50/50 after that is applied', async () => {
    const before = deployUpdates(world).length;
    await world.deploy(s => split(s, [0, 100], [false, true]));
    expect(world.emulator.distribution(arn)).toEqual(FAILED_OVER);
    expect(deployUpdates(world).length).toBe(before);

    await world.deploy(s => split(s, [50, 50], [false, true]));
    expect(world.emulator.distribution(arn)).toMatchObject({ telephony: { [SOURCE]: 50, [REPLICA]: 50 }, agent: { [SOURCE]: 50, [REPLICA]: 50 } });
    expect(deployUpdates(world).length).toBe(before + 1);
  });
});
