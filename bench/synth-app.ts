/**
 * One synth, in a process of its own (bench/synth-cost.ts times the whole process):
 * `node synth-app.js <ours|l1> <numbers> <outdir>` synthesizes a stack of one traffic
 * distribution group and <numbers> phone numbers, with this library or with the
 * CloudFormation L1s (CfnTrafficDistributionGroup + CfnPhoneNumber).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../src';

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';

const [variant, count, outdir] = process.argv.slice(2);
const app = new App({ outdir });
const stack = new Stack(app, 'Bench', { env: { account: '111122223333', region: 'us-east-1' } });
if (variant === 'ours') {
  const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
  for (let i = 0; i < Number(count); i++) {
    new ClaimedPhoneNumber(stack, `Number${i}`, {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
    });
  }
} else {
  const group = new connect.CfnTrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN, name: 'bench' });
  for (let i = 0; i < Number(count); i++) {
    new connect.CfnPhoneNumber(stack, `Number${i}`, {
      targetArn: group.attrTrafficDistributionGroupArn,
      countryCode: 'US',
      type: 'DID',
      prefix: '+1206',
    });
  }
}
app.synth();
