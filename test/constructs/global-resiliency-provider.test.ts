import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newStack, stackStatusStatements } from './fixtures';
import { GlobalResiliencyProvider, TrafficDistributionGroup } from '../../src';
import { PROVIDER_CONSTRUCT_ID } from '../../src/shared/names';
import { INSTANCE_ARN } from '../fixtures/arns';

/** The logical ids of the provider's handler functions (OnEvent, IsComplete) and of the framework's. */
function functions(stack: Stack): { handlers: Record<string, any>; framework: Record<string, any> } {
  const all = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const handlers: Record<string, any> = {};
  const framework: Record<string, any> = {};
  for (const [id, fn] of Object.entries(all)) {
    (/(OnEvent|IsComplete)[0-9A-F]{8}$/.test(id) ? handlers : framework)[id] = fn;
  }
  return { handlers, framework };
}

/** The logical id of the provider's child `path` (e.g. `OnEventLogs`). */
function logicalId(stack: Stack, ...path: string[]): string {
  let node = stack.node.findChild(PROVIDER_CONSTRUCT_ID);
  for (const id of path) {
    node = node.node.findChild(id);
  }
  return stack.getLogicalId(node.node.defaultChild as any);
}

function vpcStack(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { stack, vpc };
}

describe('provider settings', () => {
  test('the handlers may read their own stack\'s status (DescribeStacks, to tell a rollback from a forward request) and no other stack\'s', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    expect(stackStatusStatements(stack)).toEqual([{ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } }]);
  });

  test('defaults: every function logs to a log group of the provider with one month retention, handlers at INFO, no VPC', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const t = Template.fromStack(stack);

    // One log group per handler function and one shared by the framework's three functions.
    t.resourceCountIs('AWS::Logs::LogGroup', 3);
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });

    const { handlers, framework } = functions(stack);
    expect(Object.keys(handlers)).toHaveLength(2);
    expect(Object.keys(framework)).toHaveLength(3);
    const logGroupOf = (fn: any) => fn.Properties.LoggingConfig.LogGroup;
    expect(Object.values(handlers).map(logGroupOf).sort((a, b) => a.Ref.localeCompare(b.Ref))).toEqual([
      { Ref: logicalId(stack, 'IsCompleteLogs') },
      { Ref: logicalId(stack, 'OnEventLogs') },
    ]);
    for (const fn of Object.values(framework)) {
      expect(logGroupOf(fn)).toEqual({ Ref: logicalId(stack, 'FrameworkLogs') });
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
    for (const fn of Object.values(handlers)) {
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
      expect(fn.Properties.VpcConfig).toBeUndefined();
    }
    t.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('the provider keeps its construct ids; the log groups are added children', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const provider = stack.node.findChild(PROVIDER_CONSTRUCT_ID);
    expect(provider.node.children.map(c => c.node.id).sort()).toEqual([
      'FrameworkLogs', 'HandlerRole', 'IsComplete', 'IsCompleteLogs', 'OnEvent', 'OnEventLogs', 'Provider',
    ]);
  });

  test('logRetention applies to all three log groups; INFINITE keeps logs forever on purpose', () => {
    const stack = newStack();
    GlobalResiliencyProvider.configure(stack, { logRetention: logs.RetentionDays.ONE_YEAR });
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::LogGroup', 3);
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });

    const forever = newStack();
    GlobalResiliencyProvider.configure(forever, { logRetention: logs.RetentionDays.INFINITE });
    new TrafficDistributionGroup(forever, 'Group', { instanceArn: INSTANCE_ARN });
    Template.fromStack(forever).allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.absent() });
  });

  test('logLevel applies to the handler functions; the framework keeps aws-cdk-lib\'s level', () => {
    const stack = newStack();
    GlobalResiliencyProvider.configure(stack, { logLevel: lambda.ApplicationLogLevel.WARN });
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const { handlers, framework } = functions(stack);
    for (const fn of Object.values(handlers)) {
      expect(fn.Properties.LoggingConfig.ApplicationLogLevel).toBe('WARN');
    }
    for (const fn of Object.values(framework)) {
      expect(fn.Properties.LoggingConfig.ApplicationLogLevel).toBe('FATAL');
    }
  });

  test('vpc: every function runs in the VPC\'s private subnets, each with its own security group; the handler role may attach interfaces', () => {
    const { stack, vpc } = vpcStack();
    GlobalResiliencyProvider.configure(stack, { vpc });
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const t = Template.fromStack(stack);
    const privateSubnets = vpc.privateSubnets.map(s => stack.resolve(s.subnetId));
    const { handlers, framework } = functions(stack);
    const groups = new Set<string>();
    for (const fn of [...Object.values(handlers), ...Object.values(framework)]) {
      expect(fn.Properties.VpcConfig.SubnetIds).toEqual(privateSubnets);
      expect(fn.Properties.VpcConfig.SecurityGroupIds).toHaveLength(1);
      groups.add(JSON.stringify(fn.Properties.VpcConfig.SecurityGroupIds[0]));
    }
    expect(groups.size).toBe(5);
    t.resourceCountIs('AWS::EC2::SecurityGroup', 5);

    const handlerRole = t.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('cdk-connect-global-resiliency') },
    });
    expect(Object.keys(handlerRole)).toHaveLength(1);
    expect(JSON.stringify(Object.values(handlerRole)[0].Properties.ManagedPolicyArns)).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
  });

  test('in a VPC, cdk-nag AwsSolutions finds nothing unacknowledged on the provider (the VPC access policy is explained)', () => {
    const { stack, vpc } = vpcStack();
    GlobalResiliencyProvider.configure(stack, { vpc });
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const report = new AwsSolutionsChecks().validateScope(stack);
    const onProvider = report.violations.filter(v => v.violatingResources.some(r => (r.constructPath ?? '').includes(PROVIDER_CONSTRUCT_ID)));
    expect(onProvider.map(v => v.ruleName)).toEqual([]);
    // The user's VPC (no flow logs here) is reported: the check runs.
    expect(report.violations.map(v => v.ruleName)).toContain('AwsSolutions-VPC7');
  });

  test('vpcSubnets and securityGroups place every function where they say', () => {
    const { stack, vpc } = vpcStack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    GlobalResiliencyProvider.configure(stack, {
      vpc, vpcSubnets: { subnets: [vpc.privateSubnets[1]] }, securityGroups: [sg],
    });
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const { handlers, framework } = functions(stack);
    for (const fn of [...Object.values(handlers), ...Object.values(framework)]) {
      expect(fn.Properties.VpcConfig).toEqual({
        SubnetIds: [stack.resolve(vpc.privateSubnets[1].subnetId)],
        SecurityGroupIds: [stack.resolve(sg.securityGroupId)],
      });
    }
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('configure after the provider exists throws and names the construct that created it', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    expect(() => GlobalResiliencyProvider.configure(stack, { logRetention: logs.RetentionDays.ONE_WEEK }))
      .toThrow(/configure\(\) must be called before the first construct .* \(created by Stack\/Group\)/);
  });

  test('configure twice for one stack throws; any construct of the stack names it, other stacks are independent', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    GlobalResiliencyProvider.configure(a, { logRetention: logs.RetentionDays.ONE_WEEK });
    const child = new ec2.Vpc(a, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => GlobalResiliencyProvider.configure(child, { logLevel: lambda.ApplicationLogLevel.WARN }))
      .toThrow(/A: GlobalResiliencyProvider.configure\(\) was already called for this stack/);

    new TrafficDistributionGroup(b, 'Group', { instanceArn: INSTANCE_ARN });
    new TrafficDistributionGroup(a, 'Group', { instanceArn: INSTANCE_ARN });
    Template.fromStack(a).allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    Template.fromStack(b).allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test.each([
    ['vpcSubnets', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }],
    ['securityGroups', { securityGroups: [] }],
  ])('%s without vpc is refused', (key, settings) => {
    const stack = newStack();
    expect(() => GlobalResiliencyProvider.configure(stack, settings)).toThrow(`${key} is only valid together with vpc`);
  });
});
