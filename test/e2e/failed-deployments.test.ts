/**
 * A failed deployment leaves nothing behind (DESIGN.md, "The bad days"; issue 14), end to end: the
 * real constructs, the real provider framework and the bundled handlers, against the Connect
 * emulator. Each case fails the way a new user would see it, then checks what the emulator holds,
 * then deploys the fixed stack and checks that exactly the declared numbers and groups exist, each
 * once, with no extra claim in the emulator's record.
 */
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import {
  ClaimedPhoneNumber, ClaimedPhoneNumberProps, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';
import { KEPT_TAG } from '../../src/shared/names';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;
const FLOW = SEED.flowArn(SOURCE);
/** A flow id the instance does not have. */
const MISSING_FLOW = SEED.flowArn(SOURCE, 'aaaaaaaa-0000-4000-8000-00000000dead');
const MAIN = '+12065550100';
const OTHER = '+12065550111';

/**
 * A flow association the service refuses (a permission boundary or SCP denies it: 403, not
 * retried). Throttling and 5xx are transient: the handlers retry them with full jitter until the
 * resource's deadline (lambda/lib/retry.ts), so they fail a deploy only when they outlast it, minutes
 * the scaled e2e world does not run; a refused call fails the step at once, after the claim.
 */
const denyAssociation = (w: World) => w.emulator.injectErrors({ operation: 'AssociatePhoneNumberContactFlow', count: 1, status: 403 });

function number(stack: Stack, props: Partial<ClaimedPhoneNumberProps>): void {
  const n = new ClaimedPhoneNumber(stack, 'Line', { target: PhoneNumberTarget.instance(SEED.instanceArn), ...props });
  new CfnOutput(stack, 'LineArn', { value: n.phoneNumberArn });
  new CfnOutput(stack, 'LineNumber', { value: n.phoneNumber });
}

const searched = (prefix: string, flow = FLOW): Partial<ClaimedPhoneNumberProps> => ({
  countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix, contactFlowArns: [flow], removalPolicy: RemovalPolicy.DESTROY,
});

const chosen = (phoneNumber: string, flow = FLOW): Partial<ClaimedPhoneNumberProps> => ({
  phoneNumber, contactFlowArns: [flow], removalPolicy: RemovalPolicy.DESTROY,
});

describe('a failed deployment leaves nothing behind', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  /** The numbers the account holds CLAIMED (a released one is IN_PROGRESS until it is gone). */
  const held = () => world.emulator.claimedNumbers().filter(n => n.status === 'CLAIMED');
  const claims = () => served(world.emulator, 'ClaimPhoneNumber').filter(c => c.status === 200).length;
  const ownGroups = () => world.emulator.groups().filter(g => !g.isDefault);

  describe('numbers', () => {
    beforeEach(async () => {
      // No rate limit: the claims and calls counted are then exactly the handlers' own.
      world = await startWorld({ rateLimit: false });
    });

    test('case 1: a flow that does not exist fails before anything is claimed; the fixed deploy claims one number', async () => {
      await expect(world.deploy(s => number(s, searched('+1312', MISSING_FLOW))))
        .rejects.toThrow(/ROLLBACK_COMPLETE after .*the contact flow .*dead does not exist in us-east-1 .*so no number was claimed/);
      expect(served(world.emulator, 'DescribeContactFlow')).toHaveLength(1);
      expect(served(world.emulator, 'ClaimPhoneNumber')).toEqual([]);
      expect(world.emulator.claimedNumbers()).toEqual([]);

      const out = await world.deploy(s => number(s, searched('+1312')));
      expect(held().map(n => n.arn)).toEqual([out.outputs.LineArn]);
      expect(out.outputs.LineNumber).toMatch(/^\+1312/);
      expect(claims()).toBe(1);
    }, 120_000); // the file's first deploy also pays for loading the provider framework

    test('case 1, after the claim: a searched number whose flow association fails is released; repeated tries never add one', async () => {
      for (let attempt = 1; attempt <= 2; attempt++) {
        denyAssociation(world);
        await expect(world.deploy(s => number(s, searched('+1312'))))
          .rejects.toThrow(/ROLLBACK_COMPLETE after .*AssociatePhoneNumberContactFlow .*failed.* The number \+1312\d+ that this request claimed was released/);
        expect(held()).toEqual([]);
        expect(claims()).toBe(attempt);
      }

      const out = await world.deploy(s => number(s, searched('+1312')));
      expect(held().map(n => n.arn)).toEqual([out.outputs.LineArn]);
      expect(claims()).toBe(3); // one per try, and each failed try's number was released
    });

    test('case 2: a chosen number that fails after its claim is kept, named and taken back; the rollback answers with the old number', async () => {
      const first = await world.deploy(s => number(s, chosen(MAIN)));
      expect(claims()).toBe(1);

      // The flow is missing: refused before the claim.
      await expect(world.deploy(s => number(s, chosen(OTHER, MISSING_FLOW)))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*so no number was claimed/);
      expect(claims()).toBe(1);
      expect(held().map(n => n.phoneNumber)).toEqual([MAIN]);

      // The association fails after the claim.
      denyAssociation(world);
      await expect(world.deploy(s => number(s, chosen(OTHER))))
        .rejects.toThrow(new RegExp(`UPDATE_ROLLBACK_COMPLETE after .*The number \\${OTHER} \\(.*\\) stays claimed to this account: it was chosen by phoneNumber`));
      const kept = held().find(n => n.phoneNumber === OTHER)!;
      expect(kept.tags[KEPT_TAG]).toBeDefined();
      // The FAILED response named the new number: the rollback Update went there with the old
      // properties, answered with the old number, and the cleanup Delete kept the chosen one.
      const rollback = world.engine.events.filter(e => e.RequestType === 'Update').at(-1)!;
      expect(rollback.PhysicalResourceId).toBe(kept.arn);
      expect(rollback.ResourceProperties.PhoneNumber).toBe(MAIN);
      expect(world.engine.events.at(-1)).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: kept.arn });
      expect(world.engine.responses.at(-1)).toMatchObject({ requestType: 'Delete', status: 'SUCCESS' });
      expect(held().map(n => n.phoneNumber).sort()).toEqual([MAIN, OTHER]);
      expect(claims()).toBe(2);

      // The stack still manages the old number: the old template changes nothing.
      const again = await world.deploy(s => number(s, chosen(MAIN)));
      expect(again.outputs.LineArn).toBe(first.outputs.LineArn);

      // The fixed deploy takes the kept number back: no new claim; the old one is released (DESTROY).
      const fixed = await world.deploy(s => number(s, chosen(OTHER)));
      expect(fixed.outputs.LineArn).toBe(kept.arn);
      expect(claims()).toBe(2);
      expect(held().map(n => [n.phoneNumber, n.tags[KEPT_TAG]])).toEqual([[OTHER, undefined]]);
    });

    test('case 2, searched: each failed prefix change releases its number; the stack keeps its own', async () => {
      const first = await world.deploy(s => number(s, searched('+1206')));
      for (let attempt = 1; attempt <= 2; attempt++) {
        denyAssociation(world);
        await expect(world.deploy(s => number(s, searched('+1312'))))
          .rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*that this request claimed was released/);
        expect(held().map(n => n.arn)).toEqual([first.outputs.LineArn]);
        // The rollback went to the released number and answered with the stack's own.
        const rollback = world.engine.events.filter(e => e.RequestType === 'Update').at(-1)!;
        expect(rollback.PhysicalResourceId).not.toBe(first.outputs.LineArn);
        expect(rollback.ResourceProperties.Prefix).toBe('+1206');
      }
      expect(claims()).toBe(3);

      const fixed = await world.deploy(s => number(s, searched('+1312')));
      expect(held().map(n => n.arn)).toEqual([fixed.outputs.LineArn]);
      expect(fixed.outputs.LineNumber).toMatch(/^\+1312/);
      expect(claims()).toBe(4);
    });
  });

  describe('groups', () => {
    beforeEach(async () => {
      world = await startWorld({ rateLimit: false });
    });

    const group = (name: string) => (s: Stack) => {
      const g = new TrafficDistributionGroup(s, 'Group', {
        instanceArn: SEED.instanceArn, trafficDistributionGroupName: name, telephonyDistribution: { [SOURCE]: 70, [REPLICA]: 30 },
      });
      new CfnOutput(s, 'GroupArn', { value: g.trafficDistributionGroupArn });
    };

    test.each([
      // Refused calls (not retried; throttling and 5xx are retried until the resource's deadline, see denyAssociation).
      ['the split is refused (HTTP 400 InvalidRequestException)', () => world.emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 1, status: 400 }), /Amazon Connect refused the split \(Injected InvalidRequestException/],
      ['the split is denied (HTTP 403 AccessDeniedException)', () => world.emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 1, status: 403 }), /UpdateTrafficDistribution failed: AccessDeniedException/],
      ['a quota (HTTP 429 LimitExceededException, not retried)', () => world.emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 1, status: 429, errorType: 'LimitExceededException' }), /UpdateTrafficDistribution failed: LimitExceededException/],
      ['CREATION_FAILED', () => world.emulator.failNextGroupCreation(), /ended in status CREATION_FAILED/],
    ])('case 3: a rename that fails because %s deletes the new group; the rollback finds the old one; the same rename then succeeds', async (_, fault, reason) => {
      const first = await world.deploy(group('support'));
      fault();
      const failure = world.deploy(group('support-v2'));
      await expect(failure).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after /);
      await expect(failure).rejects.toThrow(reason);
      // Deleted, or being deleted when the inline wait ends (on a loaded machine).
      await expect(failure).rejects.toThrow(/The new group 'support-v2' that this replacement created (was deleted|is being deleted)/);
      expect(ownGroups().map(g => [g.name, g.arn, g.status])).toEqual([['support', first.outputs.GroupArn, 'ACTIVE']]);
      // The rollback Update went to the new group's id, which the FAILED response named, and answered with the old one.
      const failed = world.engine.responses.find(r => r.status === 'FAILED')!;
      const rollback = world.engine.events.filter(e => e.RequestType === 'Update').at(-1)!;
      expect(rollback.PhysicalResourceId).toBe(failed.physicalId);
      expect(rollback.PhysicalResourceId).not.toBe(first.outputs.GroupArn);
      expect(rollback.ResourceProperties.Name).toBe('support');
      expect(world.engine.responses.filter(r => r.requestId === rollback.RequestId)).toMatchObject([{ status: 'SUCCESS', physicalId: first.outputs.GroupArn }]);

      const fixed = await world.deploy(group('support-v2'));
      expect(ownGroups().map(g => [g.name, g.arn, g.status])).toEqual([['support-v2', fixed.outputs.GroupArn, 'ACTIVE']]);
      expect(served(world.emulator, 'CreateTrafficDistributionGroup').filter(c => c.status === 200)).toHaveLength(3);
    }, 120_000);
  });

  describe('replicas', () => {
    beforeEach(async () => {
      world = await startWorld({ replicated: false });
    });

    test('case 4: a replica whose replication fails in the request that started it is deleted (RETAIN or not); the next deploy replicates', async () => {
      world.emulator.failNextReplication('scripted: the replica Region lacks a quota');
      await expect(world.deploy(s => new InstanceReplica(s, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA })))
        .rejects.toThrow(/ROLLBACK_COMPLETE after .*replication to us-west-2 failed: scripted: the replica Region lacks a quota\. The failed replica was deleted/);
      expect(world.emulator.instance().replicaRegions).toEqual([]);

      await world.deploy(s => new InstanceReplica(s, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA }));
      expect(world.emulator.instance().replicationStatus).toEqual({ [REPLICA]: 'INSTANCE_REPLICATION_COMPLETE' });
      expect(served(world.emulator, 'ReplicateInstance').filter(c => c.status === 200)).toHaveLength(2);
      expect(ownGroups()).toEqual([]);
    });
  });
});
