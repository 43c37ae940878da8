/**
 * A complete Global Resiliency stack, starting from ONE Amazon Connect instance: replicate it
 * into a second Region, link the two with a traffic distribution group and split the calls,
 * let agents sign in in both Regions, claim numbers with their flows in both Regions, and put
 * agents on the group. Copy it, put in your instance, flow and user ids, and `cdk deploy`.
 *
 * The ids below are the ones the local Connect emulator seeds, so `npm run demo` deploys exactly
 * this app offline (`cdk synth`, then the package's `local deploy`).
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistribution,
  TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../src';

export const ACCOUNT = '111122223333';
export const SOURCE_REGION = 'us-east-1';
export const REPLICA_REGION = 'us-west-2';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
/** The instance to replicate, in the source Region (its replica keeps the same id in us-west-2). */
export const INSTANCE_ARN = `arn:aws:connect:${SOURCE_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
/** The flow that answers the numbers: replication copies it, with the same id, to the replica. */
const FLOW_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
export const SOURCE_FLOW_ARN = flowArn(SOURCE_REGION);
export const REPLICA_FLOW_ARN = flowArn(REPLICA_REGION);
/** The agents (Connect user ids of the instance) distributed by the group. */
export const AGENT_USER_IDS = [
  'bbbbbbbb-0000-4000-8000-000000000001',
  'bbbbbbbb-0000-4000-8000-000000000002',
];

function flowArn(region: string): string {
  return `arn:aws:connect:${region}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/${FLOW_ID}`;
}

export interface GlobalResiliencyStackProps extends StackProps {
  /** Percent of calls to the source Region (the rest goes to the replica). Default 70. */
  readonly sourcePercent?: number;
  /** Put the backup number on the group instead of the instance. Default false. */
  readonly backupOnGroup?: boolean;
}

export class GlobalResiliencyStack extends Stack {
  constructor(scope: Construct, id: string, props: GlobalResiliencyStackProps = {}) {
    super(scope, id, { env: { account: ACCOUNT, region: SOURCE_REGION }, ...props });
    const source = props.sourcePercent ?? 70;

    // 1. Replicate the instance into the second Region; replication creates its default group.
    const replica = new InstanceReplica(this, 'Replica', {
      instanceArn: INSTANCE_ARN,
      replicaRegion: REPLICA_REGION,
      replicaAlias: 'support-replica',
    });

    // 2. A group for the support lines, created once replication is complete (its instance ARN
    //    comes from the replica), with 70 % of the calls in the source Region.
    const group = new TrafficDistributionGroup(this, 'Group', {
      instanceArn: replica.instanceArn,
      trafficDistributionGroupName: 'support',
      description: 'Support lines in both Regions',
      telephonyDistribution: { [SOURCE_REGION]: source, [REPLICA_REGION]: 100 - source },
      agentDistribution: { [SOURCE_REGION]: 100, [REPLICA_REGION]: 0 },
    });

    // 3. Agents may sign in in both Regions: set on the default group, the only one that takes it.
    new TrafficDistribution(this, 'SignIn', {
      trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
      signInDistribution: { [SOURCE_REGION]: true, [REPLICA_REGION]: true },
    });

    // 4. The number your callers know, on the group, answered in both Regions.
    const main = new ClaimedPhoneNumber(this, 'Main', {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      phoneNumber: '+12065550100',
      description: 'Main support line',
      contactFlowArns: [SOURCE_FLOW_ARN, REPLICA_FLOW_ARN],
    });

    // 5. The first free Seattle number, on the group too.
    const searched = new ClaimedPhoneNumber(this, 'Searched', {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
      contactFlowArns: [SOURCE_FLOW_ARN, REPLICA_FLOW_ARN],
    });

    // 6. A toll-free number on the instance, released when the stack is deleted; moving it to
    //    the group is an in-place update.
    const backup = new ClaimedPhoneNumber(this, 'Backup', {
      target: props.backupOnGroup
        ? PhoneNumberTarget.trafficDistributionGroup(group)
        : PhoneNumberTarget.instance(INSTANCE_ARN),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.TOLL_FREE,
      description: 'Backup line',
      contactFlowArns: props.backupOnGroup ? [SOURCE_FLOW_ARN, REPLICA_FLOW_ARN] : [SOURCE_FLOW_ARN],
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // 7. The agents the group's agent distribution applies to.
    new TrafficDistributionGroupUsers(this, 'Agents', {
      trafficDistributionGroup: group,
      userIds: AGENT_USER_IDS,
    });

    Tags.of(this).add('team', 'support');

    new CfnOutput(this, 'ReplicaInstanceArn', { value: replica.replicaInstanceArn });
    new CfnOutput(this, 'DefaultGroupArn', { value: replica.defaultTrafficDistributionGroup.trafficDistributionGroupArn });
    new CfnOutput(this, 'GroupArn', { value: group.trafficDistributionGroupArn });
    new CfnOutput(this, 'MainNumber', { value: main.phoneNumber });
    new CfnOutput(this, 'SearchedNumber', { value: searched.phoneNumber });
    new CfnOutput(this, 'BackupNumber', { value: backup.phoneNumber });
  }
}

if (require.main === module) {
  // `cdk synth -c sourcePercent=50 -c backupOnGroup=true`: the update `npm run demo` deploys.
  const app = new App();
  const percent = app.node.tryGetContext('sourcePercent') as string | number | undefined;
  new GlobalResiliencyStack(app, 'ConnectGlobalResiliency', {
    sourcePercent: percent === undefined ? undefined : Number(percent),
    backupOnGroup: String(app.node.tryGetContext('backupOnGroup')) === 'true',
  });
  app.synth();
}
