import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistribution, TrafficDistributionGroup,
  TrafficDistributionGroupUsers,
} from '../../src';
import { flattenForNag } from '../../src/provider/nag';
import { PROVIDER_CONSTRUCT_ID } from '../../src/shared/names';

const ACCOUNT = '111122223333';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555`;
const FLOW = (region: string) => `arn:aws:connect:${region}:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555/contact-flow/aaaaaaaa-0000-4000-8000-000000000001`;

/** A stack with every construct of the library, in every form that changes the grants. */
function everyConstruct(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Everything', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: 'us-west-2', removalPolicy: RemovalPolicy.DESTROY });
  const group = new TrafficDistributionGroup(stack, 'Group', {
    instanceArn: replica.instanceArn,
    telephonyDistribution: { 'us-east-1': 70, 'us-west-2': 30 },
  });
  new TrafficDistribution(stack, 'DefaultSplit', {
    trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
    signInDistribution: { 'us-east-1': true, 'us-west-2': true },
  });
  new ClaimedPhoneNumber(stack, 'Main', {
    target: PhoneNumberTarget.trafficDistributionGroup(group),
    phoneNumber: '+12065550100',
    contactFlowArns: [FLOW('us-east-1'), FLOW('us-west-2')],
  });
  new ClaimedPhoneNumber(stack, 'Backup', {
    target: PhoneNumberTarget.instance(INSTANCE_ARN),
    countryCode: 'US',
    phoneNumberType: PhoneNumberType.TOLL_FREE,
    contactFlowArns: [FLOW('us-east-1')],
    removalPolicy: RemovalPolicy.DESTROY,
  });
  new TrafficDistributionGroupUsers(stack, 'Agents', {
    trafficDistributionGroup: group,
    userIds: ['33333333-4444-5555-6666-777777777777'],
  });
  return { app, stack };
}

/** Every acknowledgment recorded in the tree: rule id -> reason. */
function acknowledgments(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          found.set(`${c.node.path.replace(`Everything/${PROVIDER_CONSTRUCT_ID}/`, '')} ${id.replace(/^annotation::/i, '')}`, reason);
        }
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  test('a stack with every construct has no unacknowledged finding', () => {
    const { app } = everyConstruct();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('without the library\'s acknowledgments the same stack has findings (the check is real)', () => {
    const { app, stack } = everyConstruct();
    for (const c of stack.node.findAll()) {
      // Drop the acknowledgments; the nag pack reads nothing else.
      (c.node as any)._metadata = c.node.metadata.filter(m => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    }
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.success).toBe(false);
    expect(new Set(report.violations.map(v => v.ruleName.replace(/\[.*$/, '')))).toEqual(
      new Set(['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-SF1', 'AwsSolutions-SF2']),
    );
  });

  test('the library acknowledges exactly this set, each with its reason', () => {
    const { stack } = everyConstruct();
    const acks = acknowledgments(stack);
    const P = 'arn:<AWS::Partition>:connect';
    expect([...acks.keys()].sort()).toEqual([
      'HandlerRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-east-1:${ACCOUNT}:instance/*/agent/*]`,
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-east-1:${ACCOUNT}:instance/*]`,
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-east-1:${ACCOUNT}:phone-number/*]`,
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-east-1:${ACCOUNT}:traffic-distribution-group/*]`,
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-west-2:${ACCOUNT}:instance/*]`,
      `HandlerRole AwsSolutions-IAM5[Resource::${P}:us-west-2:${ACCOUNT}:phone-number/*]`,
      ...['us-east-1', 'us-west-2'].flatMap(region => [
        `HandlerRole AwsSolutions-IAM5[Resource::${P}:${region}:${ACCOUNT}:instance/*/contact-flow/*]`,
        `HandlerRole AwsSolutions-IAM5[Resource::${P}:${region}:${ACCOUNT}:instance/11111111-2222-3333-4444-555555555555/contact-flow/*]`,
      ]),
      'Provider AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      // The logical ids follow from the provider's frozen construct ids.
      ...['IsComplete38719E3F', 'OnEventBA576F2D', 'frameworkisCompleteD414C18D', 'frameworkonTimeout960B0BB6'].map(fn =>
        `Provider AwsSolutions-IAM5[Resource::<iogithubcdkconnectglobalresiliencyConnectProvider${fn}.Arn>:*]`),
      'Provider AwsSolutions-SF1',
      'Provider AwsSolutions-SF2',
    ].sort());
    for (const [id, reason] of acks) {
      expect(`${id}: ${reason}`).toMatch(/: .{60,}/);
    }
  });

  test('a wildcard is explained by what it stands for', () => {
    const { stack } = everyConstruct();
    const acks = acknowledgments(stack);
    const reasonOf = (part: string) => [...acks].find(([id]) => id.includes(part))![1];
    expect(reasonOf(':phone-number/*')).toMatch(/assigned by ClaimPhoneNumber at deploy time/);
    expect(reasonOf(':traffic-distribution-group/*')).toMatch(/assigned by CreateTrafficDistributionGroup/);
    expect(reasonOf('us-west-2:111122223333:instance/*')).toMatch(/replica in the other Region/);
    expect(reasonOf('/contact-flow/*')).toMatch(/no longer in the template/);
    expect(reasonOf('SF1')).toMatch(/waiter state machine/);
  });
});

describe('flattenForNag (names findings the way cdk-nag does)', () => {
  test.each([
    ['a string', 'arn:aws:connect:us-east-1:1:phone-number/*', 'arn:aws:connect:us-east-1:1:phone-number/*'],
    ['a join with a Ref', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':connect:*']] }, 'arn:<AWS::Partition>:connect:*'],
    ['a GetAtt', { 'Fn::GetAtt': ['Fn1', 'Arn'] }, '<Fn1.Arn>'],
    ['a Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:x' }, 'arn:<AWS::Partition>:x'],
    ['an import', { 'Fn::ImportValue': 'Exported' }, 'Exported'],
    ['anything else', { 'Fn::Select': [0, ['a']] }, '{"Fn::Select":[0,["a"]]}'],
    ['nothing', undefined, ''],
  ])('%s', (_, input, expected) => {
    expect(flattenForNag(input)).toBe(expected);
  });
});
