/**
 * When the world changed under the stack (issue 25), end to end: a group deleted and a number released
 * outside CloudFormation, a Region down, an update cancelled while its waiter polls. The forward
 * request fails fast saying what is gone and what to do; the rollback never fails; a deploy touches a
 * Region only when its change needs it; a cancelled update's waiter changes nothing.
 */
import { CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import { SEED, served, STACK_NAME, startWorld, World } from './harness';
import { ClaimedPhoneNumber, ClaimedPhoneNumberProps, PhoneNumberTarget, TrafficDistributionGroup, TrafficDistributionGroupProps } from '../../src';
import { REGION_OUTAGE_THRESHOLD } from '../../src/shared/names';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;
const SOURCE_FLOW = SEED.flowArn(SOURCE);
const REPLICA_FLOW = SEED.flowArn(REPLICA);
const REPLICA_FLOW_2 = SEED.flowArn(REPLICA, SEED.flowIds[1]);
const MAIN = '+12065550100';
const split = (a: number, b: number) => ({ [SOURCE]: a, [REPLICA]: b });

interface Decl {
  readonly group?: Partial<TrafficDistributionGroupProps>;
  readonly number?: Partial<ClaimedPhoneNumberProps> | false;
  readonly tag?: string;
}

/** The stack: a group (70/30 unless said otherwise) and a number on it with flows in both Regions. */
function app(d: Decl = {}): (s: Stack) => void {
  return s => {
    const g = new TrafficDistributionGroup(s, 'Group', {
      instanceArn: SEED.instanceArn, trafficDistributionGroupName: 'support', telephonyDistribution: split(70, 30), ...d.group,
    });
    new CfnOutput(s, 'GroupArn', { value: g.trafficDistributionGroupArn });
    if (d.number !== false) {
      const n = new ClaimedPhoneNumber(s, 'Main', {
        target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN, contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW], ...d.number,
      });
      new CfnOutput(s, 'MainArn', { value: n.phoneNumberArn });
    }
    if (d.tag !== undefined) {
      Tags.of(s).add('release', d.tag);
    }
  };
}

describe('when the world changed under the stack', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  /** The forward request's FAILED reason for a logical resource (the first FAILED response of an Update). */
  const forwardReason = (logicalId: string) => world.engine.responses.find(r => r.logicalId.startsWith(logicalId) && r.requestType === 'Update' && r.status === 'FAILED')?.reason;
  const rollbackLogged = () => world.engine.logs.some(l => l.message.includes('gone outside CloudFormation: nothing to roll back'));

  test('case 1: a group deleted out of band, then a deploy that only adds a stack tag: the forward says what is gone and what to do, the rollback completes', async () => {
    const arn = (await world.deploy(app({ number: false }))).outputs.GroupArn;
    world.emulator.deleteGroupOutOfBand(arn);

    await expect(world.deploy(app({ number: false, tag: '2' }))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after /);
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(forwardReason('Group')).toMatch(/no longer exists: it was deleted outside CloudFormation\. Either remove the TrafficDistributionGroup from the stack .* or change its trafficDistributionGroupName/);
    expect(rollbackLogged()).toBe(true);

    // The way forward works: a new name creates a new group in its place (the cleanup's Delete of the gone one succeeds).
    const out = await world.deploy(app({ number: false, tag: '2', group: { trafficDistributionGroupName: 'support-2' } }));
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_COMPLETE');
    expect(world.emulator.groups().filter(g => !g.isDefault).map(g => g.arn)).toEqual([out.outputs.GroupArn]);
  });

  test('case 2: the same group, then a split change: the forward fails naming the way forward, the rollback completes, and a new name creates a new group', async () => {
    const arn = (await world.deploy(app({ number: false }))).outputs.GroupArn;
    world.emulator.deleteGroupOutOfBand(arn);

    await expect(world.deploy(app({ number: false, group: { telephonyDistribution: split(50, 50) } }))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*no longer exists/);
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(forwardReason('Group')).toMatch(/deleted outside CloudFormation.*change its trafficDistributionGroupName, which creates a new group/);
    expect(served(world.emulator, 'UpdateTrafficDistribution')).toHaveLength(1); // the first deploy's only

    const out = await world.deploy(app({ number: false, group: { trafficDistributionGroupName: 'support-2', telephonyDistribution: split(50, 50) } }));
    expect(out.outputs.GroupArn).not.toBe(arn);
    expect(world.emulator.distribution(out.outputs.GroupArn).telephony).toEqual(split(50, 50));
  });

  test('case 3: a number released out of band, then a description change: the forward fails fast naming the way forward, the rollback completes', async () => {
    await world.deploy(app({ number: { description: 'old' } }));
    world.emulator.releaseNumberOutOfBand(MAIN);
    const before = world.clock.now();

    await expect(world.deploy(app({ number: { description: 'new' } }))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after /);
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(forwardReason('Main')).toMatch(/\+12065550100|phone-number\//);
    expect(forwardReason('Main')).toMatch(/no longer exists: it was released outside CloudFormation\. Either remove the ClaimedPhoneNumber from the stack .*or change what claims a new one/);
    expect(rollbackLogged()).toBe(true);
    // Fast: no retry to a deadline (the number's is 30 minutes).
    expect(world.clock.now() - before).toBeLessThan(5 * 60_000);

    // The way forward works: the number removed from the stack deploys (nothing left to release).
    await world.deploy(app({ number: false }));
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_COMPLETE');
  });

  test('case 4: the replica Region down, a deploy that only adds a stack tag: UPDATE_COMPLETE with no call there; a replica flow change fails fast naming the outage and rolls back', async () => {
    await world.deploy(app());
    world.emulator.failRegion(REPLICA);
    const since = world.emulator.calls.length;
    const replicaCalls = () => world.emulator.calls.slice(since).filter(c => c.region === REPLICA);

    await world.deploy(app({ tag: '2' }));
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_COMPLETE');
    expect(replicaCalls()).toEqual([]);

    // A change that needs the replica Region: fails fast, naming it, and the rollback leaves it as it is.
    const before = world.clock.now();
    await expect(world.deploy(app({ tag: '2', number: { contactFlowArns: [SOURCE_FLOW, REPLICA_FLOW_2] } })))
      .rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after /);
    expect(forwardReason('Main')).toContain(`Region ${REPLICA} did not answer ${REGION_OUTAGE_THRESHOLD} calls in a row`);
    expect(forwardReason('Main')).toContain('it looks like an outage');
    expect(world.clock.now() - before).toBeLessThan(5 * 60_000);
    // Only the flow association of the changed flow went there: nothing else of the deploy did.
    expect([...new Set(replicaCalls().map(c => c.operation))]).toEqual(['AssociatePhoneNumberContactFlow']);
    world.emulator.restoreRegion(REPLICA);
  });

  test('case 5: a split change 70/30 -> 50/50 cancelled while its waiter polls: the rollback completes, the live split stays 70/30, and a deploy of 70/30 sends nothing', async () => {
    const arn = (await world.deploy(app({ number: false }))).outputs.GroupArn;
    expect(world.emulator.distribution(arn).telephony).toEqual(split(70, 30));
    // The waiter's UpdateTrafficDistribution is throttled a few times: it is still polling when the operator cancels.
    world.emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 3, status: 429 });
    const throttled = () => world.emulator.calls.some(c => c.operation === 'UpdateTrafficDistribution' && c.status === 429);

    const deploying = world.deploy(app({ number: false, group: { telephonyDistribution: split(50, 50) } }));
    const outcome = deploying.then(() => 'UPDATE_COMPLETE', (e: Error) => e.message);
    while (!throttled()) {
      await new Promise(r => setTimeout(r, 100));
    }
    world.engine.cancelUpdateStack(STACK_NAME);
    expect(await outcome).toMatch(/UPDATE_ROLLBACK_COMPLETE after .*Resource update cancelled/);
    expect(world.engine.stackStatus(STACK_NAME)).toBe('UPDATE_ROLLBACK_COMPLETE');

    // The cancelled update's waiter keeps running (aws-cdk #31541): give it an hour; it stops and changes nothing.
    await new Promise(r => setTimeout(r, 3_600_000));
    expect(world.emulator.distribution(arn).telephony).toEqual(split(70, 30));
    expect(world.engine.logs.some(l => l.message.includes('a stale waiter stops'))).toBe(true);
    expect(served(world.emulator, 'UpdateTrafficDistribution').filter(c => c.status === 200)).toHaveLength(1); // the create's only
    world.emulator.clearFaults();

    const requests = world.engine.events.length;
    await world.deploy(app({ number: false }));
    expect(world.engine.events.length).toBe(requests); // nothing changed: no request
    expect(world.emulator.distribution(arn).telephony).toEqual(split(70, 30));
  });
});
