/**
 * ClaimedPhoneNumber end to end (DESIGN.md lifecycle table): the real constructs, the real
 * provider framework and the bundled handlers, against the Connect emulator.
 */
import { CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import {
  ClaimedPhoneNumber, ClaimedPhoneNumberProps, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';

const SOURCE_FLOW = SEED.flowArn(SEED.sourceRegion);
const REPLICA_FLOW = SEED.flowArn(SEED.replicaRegion);
const MAIN = '+12065550100';

function group(stack: Stack): TrafficDistributionGroup {
  const g = new TrafficDistributionGroup(stack, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'support' });
  new CfnOutput(stack, 'GroupArn', { value: g.trafficDistributionGroupArn });
  return g;
}

function number(stack: Stack, id: string, props: ClaimedPhoneNumberProps): ClaimedPhoneNumber {
  const n = new ClaimedPhoneNumber(stack, id, props);
  new CfnOutput(stack, `${id}Number`, { value: n.phoneNumber });
  new CfnOutput(stack, `${id}Arn`, { value: n.phoneNumberArn });
  return n;
}

const searched = (target: PhoneNumberTarget, more: Partial<ClaimedPhoneNumberProps> = {}): ClaimedPhoneNumberProps => ({
  target, countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: '+1206', ...more,
});

describe('ClaimedPhoneNumber end to end', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  const claimed = () => world.emulator.claimedNumbers();
  const byNumber = (n: string) => claimed().find(c => c.phoneNumber === n);

  test('a specific and a searched number on a group, each with its flow in both Regions', async () => {
    const out = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] });
      number(s, 'Searched', searched(PhoneNumberTarget.trafficDistributionGroup(g), { contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] }));
    });

    expect(out.outputs.MainNumber).toBe(MAIN);
    expect(out.outputs.SearchedNumber).toMatch(/^\+1206\d{7}$/);
    expect(out.outputs.SearchedNumber).not.toBe(MAIN);
    for (const n of [out.outputs.MainNumber, out.outputs.SearchedNumber]) {
      expect(byNumber(n)).toMatchObject({ status: 'CLAIMED', targetArn: out.outputs.GroupArn });
      expect(flowsOf(byNumber(n)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW, [SEED.replicaRegion]: REPLICA_FLOW });
    }
    expect(out.outputs.MainArn).toBe(byNumber(MAIN)!.arn);
  });

  test('moving a number between the instance and a group is an in-place update that re-associates its flows', async () => {
    const onInstance = await world.deploy(s => {
      group(s);
      number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW] });
    });
    expect(byNumber(MAIN)).toMatchObject({ targetArn: SEED.instanceArn });
    expect(flowsOf(byNumber(MAIN)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW });

    const onGroup = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] });
    });
    expect(onGroup.outputs.MainArn).toBe(onInstance.outputs.MainArn);
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: onGroup.outputs.GroupArn });
    expect(flowsOf(byNumber(MAIN)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW, [SEED.replicaRegion]: REPLICA_FLOW });

    const back = await world.deploy(s => {
      group(s);
      number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW] });
    });
    expect(back.outputs.MainArn).toBe(onInstance.outputs.MainArn);
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn });
    expect(flowsOf(byNumber(MAIN)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW });
    expect(world.engine.events.filter(e => e.RequestType === 'Delete')).toEqual([]);
    expect(claimed()).toHaveLength(1);
  });

  test('description, tags and the flow list change in place', async () => {
    const first = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, description: 'old', contactFlowArns: [SOURCE_FLOW] });
      Tags.of(s).add('team', 'a');
    });
    const second = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, description: 'new', contactFlowArns: [REPLICA_FLOW] });
      Tags.of(s).add('team', 'b');
    });

    expect(second.outputs.MainArn).toBe(first.outputs.MainArn);
    const n = byNumber(MAIN)!;
    expect(n).toMatchObject({ status: 'CLAIMED', description: 'new' });
    expect(n.tags).toMatchObject({ team: 'b' });
    expect(flowsOf(n)).toEqual({ [SEED.replicaRegion]: REPLICA_FLOW });
    expect(served(world.emulator, 'ClaimPhoneNumber')).toHaveLength(1);
  });

  test.each([
    ['RETAIN (the default) keeps the old number claimed', undefined, 'CLAIMED'],
    ['DESTROY releases the old number', RemovalPolicy.DESTROY, undefined],
  ])('a new phoneNumber replaces the number: %s', async (_title, removalPolicy, oldStatus) => {
    const first = await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, removalPolicy }));
    const second = await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: '+12065550111', removalPolicy }));

    expect(second.outputs.MainArn).not.toBe(first.outputs.MainArn);
    expect(byNumber('+12065550111')).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn });
    expect(byNumber(MAIN)?.status).toBe(oldStatus);
    const last = world.engine.events.at(-1)!;
    expect([last.RequestType, last.PhysicalResourceId]).toEqual(['Delete', first.outputs.MainArn]);
  });

  test('deleting the stack with the default RETAIN deletes the group and parks its numbers, still claimed, on the instance', async () => {
    await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] });
      number(s, 'Searched', searched(PhoneNumberTarget.trafficDistributionGroup(g)));
    });
    await world.destroy();

    expect(world.emulator.groups().filter(g => !g.isDefault)).toEqual([]);
    expect(claimed()).toHaveLength(2);
    for (const n of claimed()) {
      expect(n).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn });
    }
  });

  test('replacing a group moves its numbers to the new group before the old one is deleted', async () => {
    const first = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] });
    });
    const second = await world.deploy(s => {
      const g = new TrafficDistributionGroup(s, 'Group', { instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'support-v2' });
      new CfnOutput(s, 'GroupArn', { value: g.trafficDistributionGroupArn });
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW] });
    });

    expect(second.outputs.GroupArn).not.toBe(first.outputs.GroupArn);
    expect(second.outputs.MainArn).toBe(first.outputs.MainArn);
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: second.outputs.GroupArn });
    expect(flowsOf(byNumber(MAIN)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW, [SEED.replicaRegion]: REPLICA_FLOW });
    expect(world.emulator.groups().filter(g => !g.isDefault).map(g => g.arn)).toEqual([second.outputs.GroupArn]);
  });

  test('a move to a group that does not exist fails, and the rollback leaves the number where it was', async () => {
    const first = await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW] }));
    const missing = `arn:aws:connect:${SEED.sourceRegion}:${SEED.account}:traffic-distribution-group/00000000-0000-4000-8000-000000000000`;
    await expect(world.deploy(s => number(s, 'Main', {
      target: PhoneNumberTarget.trafficDistributionGroup(TrafficDistributionGroup.fromTrafficDistributionGroupArn(s, 'Missing', missing)),
      phoneNumber: MAIN,
      contactFlowArns: [SOURCE_FLOW],
    }))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*UPDATE_FAILED/);

    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', arn: first.outputs.MainArn, targetArn: SEED.instanceArn });
    expect(flowsOf(byNumber(MAIN)!)).toEqual({ [SEED.sourceRegion]: SOURCE_FLOW });
  });

  test('transient throttling and server errors are retried: one number is claimed', async () => {
    world.emulator.injectErrors({ operation: 'ClaimPhoneNumber', count: 2, status: 429, errorType: 'ThrottlingException' });
    world.emulator.injectErrors({ operation: 'DescribePhoneNumber', count: 1, status: 500, errorType: 'InternalServiceException' });
    const out = await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN }));
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', arn: out.outputs.MainArn });
    expect(claimed()).toHaveLength(1);
    const claims = world.emulator.calls.filter(c => c.operation === 'ClaimPhoneNumber').map(c => c.status);
    expect(claims.filter(status => status === 429).length).toBeGreaterThanOrEqual(2);
    expect(claims.filter(status => status !== 429)).toEqual([200]);
  });

  test('deleting a number released outside CloudFormation succeeds', async () => {
    await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY }));
    world.emulator.releaseNumberOutOfBand(MAIN);
    await world.destroy();
    expect(world.engine.responses.at(-1)).toMatchObject({ requestType: 'Delete', status: 'SUCCESS' });
  });

  test('deleting the stack with DESTROY releases the numbers', async () => {
    await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY });
      number(s, 'Backup', { ...searched(PhoneNumberTarget.instance(SEED.instanceArn)), removalPolicy: RemovalPolicy.DESTROY });
    });
    await world.destroy();
    expect(claimed()).toEqual([]);
    expect(world.emulator.groups().filter(g => !g.isDefault)).toEqual([]);
  });

  describe('a number taken by someone else between the search and the claim', () => {
    // The +1312 range offers +13125550100 to +13125550109: leave the first `offered` of them.
    const offer = (offered: number) => {
      for (let i = offered; i < 10; i++) {
        world.emulator.takeNumber(`+1312555010${i}`);
      }
    };
    const chicago = () => searched(PhoneNumberTarget.instance(SEED.instanceArn), { prefix: '+1312' });

    test('another candidate is claimed', async () => {
      offer(2);
      world.emulator.takeOnNextSearch(); // takes +13125550100, the first search result
      const out = await world.deploy(s => number(s, 'Searched', chicago()));

      expect(out.outputs.SearchedNumber).toBe('+13125550101');
      expect(claimed().map(n => [n.phoneNumber, n.status])).toEqual([['+13125550101', 'CLAIMED']]);
    });

    test('when no candidate is left, the deployment fails saying so', async () => {
      offer(1);
      world.emulator.takeOnNextSearch();
      await expect(world.deploy(s => number(s, 'Searched', chicago())))
        .rejects.toThrow(/every candidate tried \(\+13125550100\) was taken between the search and the claim/);
      const claims = served(world.emulator, 'ClaimPhoneNumber');
      expect(claims).toHaveLength(1);
      expect(claims[0].status).toBeGreaterThanOrEqual(400);
      expect(claimed()).toEqual([]);
    });
  });

  test('a claim that ends FAILED fails the deployment with the service\'s message', async () => {
    world.emulator.failNextClaim('The number is not available in this country yet');
    await expect(world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN })))
      .rejects.toThrow(/The number is not available in this country yet/);
    expect(claimed().filter(n => n.status === 'CLAIMED')).toEqual([]);
  });

  test('duplicated Update and Delete deliveries end the same way as single ones', async () => {
    await world.deploy(s => number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY }));
    world.engine.duplicateNextEvent();
    const moved = await world.deploy(s => {
      const g = group(s);
      number(s, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY });
    });
    // The group's Create was the duplicated delivery here; duplicate the number's move too.
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: moved.outputs.GroupArn });
    world.engine.duplicateNextEvent();
    await world.deploy(s => {
      group(s);
      number(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY });
    });
    expect(byNumber(MAIN)).toMatchObject({ status: 'CLAIMED', targetArn: SEED.instanceArn });

    world.engine.duplicateNextEvent();
    await world.destroy();
    expect(claimed()).toEqual([]);
    expect(world.emulator.groups().filter(g => !g.isDefault)).toEqual([]);
    expect(world.engine.events.filter(e => e.RequestType === 'Update')).toHaveLength(3);
  });

  test('a duplicated Create delivery claims one number', async () => {
    world.engine.duplicateNextEvent();
    const out = await world.deploy(s => number(s, 'Searched', searched(PhoneNumberTarget.instance(SEED.instanceArn))));
    expect(world.engine.events.filter(e => e.RequestType === 'Create')).toHaveLength(2);
    expect(claimed().map(n => n.phoneNumber)).toEqual([out.outputs.SearchedNumber]);
  });
});

/** The flows of a number as a map of Region to flow ARN. */
function flowsOf(n: { flows: unknown }): Record<string, string> {
  return n.flows as Record<string, string>;
}
