/**
 * Integration test against a real AWS account: a traffic distribution group with a 70/30 split
 * and a number claimed to it, then the Connect API is asked whether they are what was declared.
 *
 * It needs an Amazon Connect instance that has been replicated (Global Resiliency enabled); the
 * commands are in the README ("Integration tests against your account"). The instance comes from
 * `CONNECT_INSTANCE_ARN` (or `-c instanceArn=...`), its replica's Region from `CONNECT_REPLICA_REGION`
 * (or `-c replicaRegion=...`, default us-west-2). Without them it synthesizes offline with a
 * placeholder instance: that is how the committed snapshot is made and verified (snapshots.ts).
 *
 * Each assertion waits (up to 2 minutes) for its expected result and fails the deployment of the
 * assertion stack if it never comes, so a plain `cdk deploy` of this app is the test.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ClaimedPhoneNumber, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup } from '../../src';

/** A placeholder: synthesizes offline; a deployment needs a real, replicated instance. */
const PLACEHOLDER_INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';

// The assertions read the test stack's attributes through exports: strong references (the default,
// said explicitly) keep the test stack until the assertion stack is gone.
const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong' } });
const instanceArn: string = app.node.tryGetContext('instanceArn') ?? process.env.CONNECT_INSTANCE_ARN ?? PLACEHOLDER_INSTANCE_ARN;
const replicaRegion: string = app.node.tryGetContext('replicaRegion') ?? process.env.CONNECT_REPLICA_REGION ?? 'us-west-2';
const { account, region } = Arn.split(instanceArn, ArnFormat.SLASH_RESOURCE_NAME);

// The group is created in the instance's Region, so the stack is deployed there.
const stack = new Stack(app, 'ConnectGlobalResiliencyInteg', { env: { account, region } });

const group = new TrafficDistributionGroup(stack, 'Group', {
  instanceArn,
  description: 'cdk-connect-global-resiliency integration test',
  telephonyDistribution: { [region!]: 70, [replicaRegion]: 30 },
});

// Released when the test's stack is destroyed (the default, RETAIN, would keep it claimed).
const number = new ClaimedPhoneNumber(stack, 'Number', {
  target: PhoneNumberTarget.trafficDistributionGroup(group),
  countryCode: 'US',
  phoneNumberType: PhoneNumberType.DID,
  description: 'cdk-connect-global-resiliency integration test',
  removalPolicy: RemovalPolicy.DESTROY,
});

const integ = new IntegTest(app, 'GlobalResiliency', {
  testCases: [stack],
  // The assertions call Connect in the instance's account and Region, and read the stack's outputs.
  assertionStack: new Stack(app, 'ConnectGlobalResiliencyIntegAssertions', { env: { account, region } }),
  regions: [region!],
  // Deploy once, assert, destroy: no deployment of the previous snapshot first.
  stackUpdateWorkflow: false,
});

/** Retries an assertion until it holds; after two minutes the deployment fails with the last mismatch. */
const WAIT = { totalTimeout: Duration.minutes(2), interval: Duration.seconds(10) };

integ.assertions.awsApiCall('Connect', 'DescribeTrafficDistributionGroup', {
  TrafficDistributionGroupId: group.trafficDistributionGroupArn,
}).expect(ExpectedResult.objectLike({ TrafficDistributionGroup: { Status: 'ACTIVE' } })).waitForAssertions(WAIT);

integ.assertions.awsApiCall('Connect', 'DescribePhoneNumber', {
  PhoneNumberId: number.phoneNumberId,
}).expect(ExpectedResult.objectLike({
  ClaimedPhoneNumberSummary: {
    PhoneNumberStatus: { Status: 'CLAIMED' },
    TargetArn: group.trafficDistributionGroupArn,
  },
})).waitForAssertions(WAIT);

// The service does not promise an order of the Regions: one check per Region.
for (const [splitRegion, percentage] of [[region!, 70], [replicaRegion, 30]] as const) {
  integ.assertions.awsApiCall('Connect', 'GetTrafficDistribution', { Id: group.trafficDistributionGroupId })
    .expect(ExpectedResult.objectLike({
      TelephonyConfig: { Distributions: Match.arrayWith([{ Region: splitRegion, Percentage: percentage }]) },
    }))
    .waitForAssertions(WAIT);
}

app.synth();
