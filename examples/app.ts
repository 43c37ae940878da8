/**
 * A complete Global Resiliency stack: copy it, put in your instance and flow ARNs, and
 * `cdk deploy`. The ARNs below are the ones the local Connect emulator seeds, so `npm run demo`
 * deploys exactly this app offline.
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../src';

export const ACCOUNT = '111122223333';
export const SOURCE_REGION = 'us-east-1';
export const REPLICA_REGION = 'us-west-2';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
/** The replicated instance, in the source Region (the replica has the same id in us-west-2). */
export const INSTANCE_ARN = `arn:aws:connect:${SOURCE_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
/** The flow that answers the numbers, in each Region. */
export const SOURCE_FLOW_ARN = `${INSTANCE_ARN}/contact-flow/aaaaaaaa-0000-4000-8000-000000000001`;
export const REPLICA_FLOW_ARN = `arn:aws:connect:${REPLICA_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/bbbbbbbb-0000-4000-8000-000000000001`;

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

    const group = new TrafficDistributionGroup(this, 'Group', {
      instanceArn: INSTANCE_ARN,
      trafficDistributionGroupName: 'support',
      description: 'Support lines in both Regions',
      telephonyDistribution: { [SOURCE_REGION]: source, [REPLICA_REGION]: 100 - source },
      agentDistribution: { [SOURCE_REGION]: 100, [REPLICA_REGION]: 0 },
    });

    // The number your callers know, on the group, answered in both Regions.
    const main = new ClaimedPhoneNumber(this, 'Main', {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      phoneNumber: '+12065550100',
      description: 'Main support line',
      contactFlowArns: [SOURCE_FLOW_ARN, REPLICA_FLOW_ARN],
    });

    // The first free Seattle number, on the group too.
    const searched = new ClaimedPhoneNumber(this, 'Searched', {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
      contactFlowArns: [SOURCE_FLOW_ARN, REPLICA_FLOW_ARN],
    });

    // A number on the instance; moving it to the group is an in-place update.
    const backup = new ClaimedPhoneNumber(this, 'Backup', {
      target: props.backupOnGroup
        ? PhoneNumberTarget.trafficDistributionGroup(group)
        : PhoneNumberTarget.instance(INSTANCE_ARN),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.TOLL_FREE,
      description: 'Backup line',
      contactFlowArns: [SOURCE_FLOW_ARN],
      removalPolicy: RemovalPolicy.DESTROY,
    });

    Tags.of(this).add('team', 'support');

    new CfnOutput(this, 'GroupArn', { value: group.trafficDistributionGroupArn });
    new CfnOutput(this, 'MainNumber', { value: main.phoneNumber });
    new CfnOutput(this, 'SearchedNumber', { value: searched.phoneNumber });
    new CfnOutput(this, 'BackupNumber', { value: backup.phoneNumber });
  }
}

if (require.main === module) {
  const app = new App();
  new GlobalResiliencyStack(app, 'ConnectGlobalResiliency');
  app.synth();
}
