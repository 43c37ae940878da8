/**
 * The lifecycle the upgrade fixtures record: every resource type of the library, created from an
 * instance that is not yet replicated, then each kind of in-place update, a replacement, and the
 * stack's deletion. Step by step it is a stack definition; record.ts deploys the steps on the
 * local engine and emulator and keeps the events CloudFormation sent.
 */
import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { SEED, SOURCE_NUMBERS } from '../../local/emulator';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistribution,
  TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';

/** Step 0 creates everything; each later step changes something (in place, or by replacement). */
export const STEPS = [
  'create (the replica with the default alias; a number imported from End User Messaging)',
  'in place: split, tags, descriptions, flows (one dropped), agents, removal policy, a number moved to the group',
  'replacement: group renamed (its numbers move to the new group), a number re-declared, the imported number from another source; in place: a flow added back, a tag removed',
] as const;

/**
 * `smsSource`: the index in SOURCE_NUMBERS of the imported number's source (the step's own by
 * default); a failed try of a step may import another, so that its rollback's release does not
 * keep the step's own source in Connect's cool-down.
 */
export function lifecycleStack(stack: Stack, step: number, smsSource: number = step >= 2 ? 1 : 0): void {
  const replica = new InstanceReplica(stack, 'Replica', {
    instanceArn: SEED.instanceArn,
    replicaRegion: SEED.replicaRegion,
    // No replicaAlias: the default one is sent (fixtures before 0.0.0-issue16 carry 'fixture-replica').
    removalPolicy: step >= 1 ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  const group = new TrafficDistributionGroup(stack, 'Group', {
    instanceArn: replica.instanceArn,
    trafficDistributionGroupName: step >= 2 ? 'fixture-renamed' : 'fixture',
    description: 'Upgrade fixture',
    telephonyDistribution: step >= 1
      ? { [SEED.sourceRegion]: 50, [SEED.replicaRegion]: 50 }
      : { [SEED.sourceRegion]: 70, [SEED.replicaRegion]: 30 },
    agentDistribution: { [SEED.sourceRegion]: 100, [SEED.replicaRegion]: 0 },
  });
  new TrafficDistribution(stack, 'SignIn', {
    trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
    signInDistribution: { [SEED.sourceRegion]: true, [SEED.replicaRegion]: step >= 1 },
  });
  new ClaimedPhoneNumber(stack, 'Main', {
    target: PhoneNumberTarget.trafficDistributionGroup(group),
    phoneNumber: '+12065550100',
    description: step >= 1 ? 'Main line (updated)' : 'Main line',
    // Step 1 changes the source Region's flow and drops the replica Region's; step 2 (a move) adds it back.
    contactFlowArns: step === 1 ? [SEED.flowArn(SEED.sourceRegion, SEED.flowIds[1])]
      : step >= 2 ? [SEED.flowArn(SEED.sourceRegion, SEED.flowIds[1]), SEED.flowArn(SEED.replicaRegion, SEED.flowIds[1])]
        : [SEED.flowArn(SEED.sourceRegion), SEED.flowArn(SEED.replicaRegion)],
  });
  new ClaimedPhoneNumber(stack, 'Searched', {
    target: step >= 1 ? PhoneNumberTarget.trafficDistributionGroup(group) : PhoneNumberTarget.instance(SEED.instanceArn),
    countryCode: 'US',
    phoneNumberType: PhoneNumberType.DID,
    prefix: step >= 2 ? '+1312' : '+1206',
    contactFlowArns: [SEED.flowArn(SEED.sourceRegion)],
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new ClaimedPhoneNumber(stack, 'Sms', {
    target: PhoneNumberTarget.instance(SEED.instanceArn),
    sourcePhoneNumberArn: SOURCE_NUMBERS[smsSource].arn,
    description: step >= 1 ? 'SMS and voice (updated)' : 'SMS and voice',
    contactFlowArns: [SEED.flowArn(SEED.sourceRegion)],
    removalPolicy: step >= 1 ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  new TrafficDistributionGroupUsers(stack, 'Agents', {
    trafficDistributionGroup: group,
    userIds: step >= 1 ? SEED.userIds.slice(1) : SEED.userIds.slice(0, 2),
  });
  Tags.of(stack).add('team', step >= 1 ? 'support-updated' : 'support');
  if (step < 2) {
    Tags.of(stack).add('cost-center', '1234');
  }
}
