/**
 * Mistakes that involve more than one value, one construct or the stack's environment are caught
 * at synth (issue 18): each message names the constructs and the properties.
 */
import { Annotations as AppAnnotations, App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { agnosticStack, handlerStatements, newStack, USER } from './fixtures';
import {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, PhoneProps, TdgProps, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../../src/shared/names';
import { ACCOUNT, FLOW_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_REGION, REPLICA_FLOW_ARN } from '../fixtures/arns';

const MAIN = '+12065550100';
const synthErrors = (app: App) => {
  try {
    app.synth();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
};

describe('a number declared twice', () => {
  test('in one stack: synth fails naming both constructs and phoneNumber', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    new ClaimedPhoneNumber(stack, 'Typo', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN, removalPolicy: RemovalPolicy.DESTROY });
    const [message] = synthErrors(stack.node.root as App);
    expect(message).toMatch(/\[Stack\/Main\] phoneNumber \+12065550100 is also declared by Stack\/Typo \(phoneNumber\)/);
    expect(message).toMatch(/\[Stack\/Typo\] phoneNumber \+12065550100 is also declared by Stack\/Main \(phoneNumber\)/);
    expect(message).toMatch(/Declare each number in exactly one ClaimedPhoneNumber of the app/);
  });

  test('in two stacks of one app: synth fails naming both', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: REGION };
    const a = new Stack(app, 'A', { env });
    const b = new Stack(app, 'B', { env });
    new ClaimedPhoneNumber(a, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    new ClaimedPhoneNumber(b, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    expect(synthErrors(app)[0]).toMatch(/\[A\/Main\] phoneNumber \+12065550100 is also declared by B\/Main \(phoneNumber\)/);
  });

  test('different numbers, and searched numbers, pass', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    new ClaimedPhoneNumber(stack, 'Other', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550101' });
    new ClaimedPhoneNumber(stack, 'S1', { target: PhoneNumberTarget.instance(INSTANCE_ARN), countryCode: 'US', phoneNumberType: 'DID' as any });
    new ClaimedPhoneNumber(stack, 'S2', { target: PhoneNumberTarget.instance(INSTANCE_ARN), countryCode: 'US', phoneNumberType: 'DID' as any });
    expect(synthErrors(stack.node.root as App)).toEqual([]);
  });
});

describe("a split's Regions must be the instance's replication pair", () => {
  test.each([
    ['TrafficDistributionGroup telephonyDistribution', (s: Stack) => new TrafficDistributionGroup(s, 'Group', {
      instanceArn: INSTANCE_ARN, telephonyDistribution: { 'us-east-1': 70, 'eu-west-2': 30 },
    }), /Stack\/Group: telephonyDistribution names us-east-1 and eu-west-2, which are not a replication pair of Global Resiliency: an instance in us-east-1 replicates to us-west-2, so name 'us-east-1' and 'us-west-2'/],
    ['TrafficDistributionGroup agentDistribution', (s: Stack) => new TrafficDistributionGroup(s, 'Group', {
      instanceArn: INSTANCE_ARN, agentDistribution: { 'us-east-1': 100, 'eu-central-1': 0 },
    }), /Stack\/Group: agentDistribution names us-east-1 and eu-central-1, which are not a replication pair/],
    ['TrafficDistribution telephonyDistribution', (s: Stack) => new TrafficDistribution(s, 'Split', {
      trafficDistributionGroup: new TrafficDistributionGroup(s, 'Group', { instanceArn: INSTANCE_ARN }),
      telephonyDistribution: { 'us-east-1': 50, 'ap-northeast-3': 50 },
    }), /Stack\/Split: telephonyDistribution names us-east-1 and ap-northeast-3, which are not a replication pair/],
  ])('%s', (_what, build, message) => {
    expect(() => build(newStack())).toThrow(message);
  });

  test('without a known instance Region (an imported group), the two Regions must still pair with each other', () => {
    const stack = agnosticStack();
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Imported',
      'arn:aws:connect:eu-west-2:111122223333:traffic-distribution-group/99999999-8888-7777-6666-555555555555');
    expect(() => new TrafficDistribution(stack, 'Split', { trafficDistributionGroup: imported, telephonyDistribution: { 'eu-west-2': 50, 'us-west-2': 50 } }))
      .toThrow(/Agnostic\/Split: telephonyDistribution names eu-west-2 and us-west-2, which are not a replication pair/);
    expect(() => new TrafficDistribution(stack, 'Ok', { trafficDistributionGroup: imported, telephonyDistribution: { 'eu-central-1': 50, 'eu-west-2': 50 } }))
      .not.toThrow();
  });
});

describe('a group number whose flows miss a Region of the pair', () => {
  const build = (flows: string[]) => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    const number = new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: MAIN, contactFlowArns: flows });
    return { stack, number };
  };

  test('warns, naming contactFlowArns, the missing Region, the group (target) and how to acknowledge', () => {
    const { stack } = build([FLOW_ARN]);
    Annotations.fromStack(stack).hasWarning('/Stack/Main', Match.stringLikeRegexp(
      "contactFlowArns has no flow in us-west-2, a Region of the group Stack/Group \\(target\\).*acknowledgeWarning\\('cdk-connect-global-resiliency:flowsMissRegion'"));
  });

  test('a flow outside the group\'s pair fails at synth, naming the property, the pair and the group\'s Region', () => {
    const elsewhere = FLOW_ARN.replace(`:${REGION}:`, ':eu-west-2:');
    expect(() => build([FLOW_ARN, elsewhere])).toThrow(
      `contactFlowArns[1] must be in a Region of the group's replication pair, ${REGION} or ${REPLICA_REGION} (the group is in ${REGION}; its calls go only there)`);
  });

  test('no warning with a flow in each Region, and none once acknowledged', () => {
    expect(Annotations.fromStack(build([FLOW_ARN, REPLICA_FLOW_ARN]).stack).findWarning('*', Match.stringLikeRegexp('contactFlowArns'))).toEqual([]);
    const { stack, number } = build([REPLICA_FLOW_ARN]);
    AppAnnotations.of(number).acknowledgeWarning('cdk-connect-global-resiliency:flowsMissRegion', 'a default flow answers in us-east-1');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('contactFlowArns'))).toEqual([]);
  });
});

describe('a number in a Region other than the stack\'s is granted where the handler calls', () => {
  test('an instance target in eu-west-2 from a us-east-1 stack: phone-number/* and its flows in eu-west-2 and its pair', () => {
    const stack = newStack();
    const euInstance = `arn:aws:connect:eu-west-2:${ACCOUNT}:instance/${INSTANCE_ID}`;
    new ClaimedPhoneNumber(stack, 'Eu', { target: PhoneNumberTarget.instance(euInstance), phoneNumber: MAIN });
    const resources = JSON.stringify(handlerStatements(stack).filter((s: any) => [s.Action].flat().includes('connect:ClaimPhoneNumber')));
    expect(resources).toContain(':connect:eu-west-2:111122223333:phone-number/*');
    expect(resources).toContain(euInstance);
    expect(resources).not.toContain(':connect:us-east-1:111122223333:phone-number/*');
    const flows = JSON.stringify(handlerStatements(stack).filter((s: any) => [s.Action].flat().includes('connect:AssociatePhoneNumberContactFlow')));
    expect(flows).toContain(`:connect:eu-central-1:111122223333:instance/${INSTANCE_ID}/contact-flow/*`);
    expect(flows).toContain(`:connect:eu-west-2:111122223333:instance/${INSTANCE_ID}/contact-flow/*`);
    expect(flows).not.toMatch(/connect:\*:/);
  });

  test('a group in another Region than the stack is refused (numbers are claimed in the group\'s Region)', () => {
    const stack = newStack();
    const euGroup = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Eu',
      `arn:aws:connect:eu-west-2:${ACCOUNT}:traffic-distribution-group/99999999-8888-7777-6666-555555555555`);
    expect(() => new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(euGroup), phoneNumber: MAIN }))
      .toThrow(/Stack\/Main: target must be a traffic distribution group in this stack's Region us-east-1/);
  });
});

test('a stack with a Region but no account: a warning that says only the account is unknown, and that the Region checks run', () => {
  const stack = new Stack(new App(), 'NoAccount', { env: { region: REGION } });
  new TrafficDistributionGroup(stack, 'G', { instanceArn: INSTANCE_ARN });
  Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
    `The stack NoAccount has a Region \\(${REGION}\\) but no account.*every Region check runs at synth.*Set env.account`));
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('environment-agnostic'))).toEqual([]);
  // The Region checks do run: an instance in another Region fails at synth.
  const other = new Stack(new App(), 'NoAccount2', { env: { region: REGION } });
  expect(() => new TrafficDistributionGroup(other, 'G', { instanceArn: INSTANCE_ARN.replace(`:${REGION}:`, ':eu-west-2:') })).toThrow(/Region/);
});

describe('environment-agnostic stacks', () => {
  test('a warning says what is skipped and what is granted, and says to set env', () => {
    const stack = agnosticStack();
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(
      'environment-agnostic.*checks against the stack\'s Region are skipped.*grants name the account and Region the stack is deployed to.*Set env: \\{ account, region \\}'));
  });

  test('grants name one account and the Regions that can be known: never arn:aws:connect:*', () => {
    const stack = agnosticStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: MAIN });
    new ClaimedPhoneNumber(stack, 'Tok', { target: PhoneNumberTarget.instance(new InstanceReplica(stack, 'R', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION }).instanceArn), phoneNumber: '+12065550101' });
    new TrafficDistributionGroupUsers(stack, 'Users', { trafficDistributionGroup: group, userIds: ['cccccccc-0000-4000-8000-000000000001'] });
    const statements = handlerStatements(stack);
    const resources = statements.flatMap((s: any) => [s.Resource].flat()).map((r: unknown) => JSON.stringify(r));
    expect(resources.filter((r: string) => /connect:\*:/.test(r))).toEqual([]);
    for (const r of resources) {
      // Every ARN names the account: the deployment's (a Ref to AWS::AccountId) or the literal one.
      expect(r).toMatch(/AWS::AccountId|111122223333/);
    }
    // The replica Region of the deployment Region comes from a mapping of the replication pairs.
    expect(resources.some((r: string) => r.includes('Fn::FindInMap'))).toBe(true);
    const mapping = Object.values(Template.fromStack(stack).toJSON().Mappings ?? {})[0] as Record<string, { replica: string }>;
    expect(mapping['us-east-1'].replica).toBe('us-west-2');
    expect(mapping['eu-west-2'].replica).toBe('eu-central-1');
    expect(mapping['eu-west-1'].replica).toBe('eu-west-1');
  });

  test('a stack with env gets no such warning and no mapping', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('environment-agnostic'))).toEqual([]);
    expect(Template.fromStack(stack).toJSON().Mappings).toBeUndefined();
  });
});

describe('applyRemovalPolicy', () => {
  test('on a number: RETAIN and DESTROY set what the handler does; others are refused with the library\'s message', () => {
    const stack = newStack();
    const n = new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: MAIN });
    n.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(stack).hasResourceProperties(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, { [PhoneProps.REMOVAL_POLICY]: 'destroy' });
    expect(() => n.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/Stack\/Main: applyRemovalPolicy\(\) takes RemovalPolicy.RETAIN \(the number stays claimed\) or RemovalPolicy.DESTROY/);
  });

  test('on a replica: DESTROY deletes it', () => {
    const stack = newStack();
    const r = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
    r.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(stack).hasResourceProperties('Custom::ConnectInstanceReplica', { RemovalPolicy: 'destroy' });
    expect(() => r.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)).toThrow(/Stack\/Replica: applyRemovalPolicy\(\) takes RemovalPolicy.RETAIN/);
  });

  test('on a group: RETAIN keeps the group, and the retained numbers on it stay on it', () => {
    const stack = newStack();
    const g = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN });
    const template = () => Template.fromStack(stack);
    g.applyRemovalPolicy(RemovalPolicy.RETAIN);
    template().hasResourceProperties(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, { [TdgProps.REMOVAL_POLICY]: 'retain' });
    template().hasResourceProperties(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, { [PhoneProps.KEEP_ON_RETAINED_GROUP]: 'true' });
    expect(() => g.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/Stack\/Group: applyRemovalPolicy\(\) takes RemovalPolicy.RETAIN \(the group and its numbers are kept\)/);
  });

  test('a group without a call: deleted, and no new property in the template', () => {
    const stack = newStack();
    const g = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: MAIN });
    Template.fromStack(stack).hasResourceProperties(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, { [TdgProps.REMOVAL_POLICY]: Match.absent() });
    Template.fromStack(stack).hasResourceProperties(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, { [PhoneProps.KEEP_ON_RETAINED_GROUP]: Match.absent() });
  });

  test.each([
    ['TrafficDistribution', (s: Stack) => new TrafficDistribution(s, 'X', {
      trafficDistributionGroup: new TrafficDistributionGroup(s, 'G', { instanceArn: INSTANCE_ARN }), telephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 },
    }), /Stack\/X: TrafficDistribution takes no removal policy \(applyRemovalPolicy\(RemovalPolicy.RETAIN\)\): deleting it already leaves the split as it is/],
    ['TrafficDistributionGroupUsers', (s: Stack) => new TrafficDistributionGroupUsers(s, 'X', {
      trafficDistributionGroup: new TrafficDistributionGroup(s, 'G', { instanceArn: INSTANCE_ARN }), userIds: ['cccccccc-0000-4000-8000-000000000001'],
    }), /Stack\/X: TrafficDistributionGroupUsers takes no removal policy \(applyRemovalPolicy\(RemovalPolicy.RETAIN\)\): deleting it only disassociates the users/],
    ['an imported group', (s: Stack) => TrafficDistributionGroup.fromTrafficDistributionGroupArn(s, 'X',
      `arn:aws:connect:${REGION}:${ACCOUNT}:traffic-distribution-group/99999999-8888-7777-6666-555555555555`),
    /Stack\/X: An imported traffic distribution group takes no removal policy \(applyRemovalPolicy\(RemovalPolicy.RETAIN\)\): this stack does not manage it/],
    ['an imported number', (s: Stack) => ClaimedPhoneNumber.fromPhoneNumberArn(s, 'X', `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/99999999-8888-7777-6666-555555555555`),
      /Stack\/X: An imported phone number takes no removal policy \(applyRemovalPolicy\(RemovalPolicy.RETAIN\)\)/],
    ['a default group', (s: Stack) => new InstanceReplica(s, 'R', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION }).defaultTrafficDistributionGroup,
      /Stack\/R\/DefaultTrafficDistributionGroup: The default traffic distribution group takes no removal policy \(applyRemovalPolicy\(RemovalPolicy.RETAIN\)\): it belongs to the replica/],
  ])('refused on %s, with the library\'s message', (_what, build, message) => {
    const c = build(newStack()) as { applyRemovalPolicy(p: RemovalPolicy): void };
    expect(() => c.applyRemovalPolicy(RemovalPolicy.RETAIN)).toThrow(message);
  });
});

test('PhoneNumberTarget has no public constructor: only its static factories', () => {
  // @ts-expect-error the constructor is protected (tsc fails this file if it becomes public)
  const direct = () => new PhoneNumberTarget();
  expect(typeof direct).toBe('function');
  expect(PhoneNumberTarget.instance(INSTANCE_ARN).targetArn).toBe(INSTANCE_ARN);
});

test('the whole chain in one stack still makes one provider', () => {
  const stack = newStack();
  const replica = new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
  const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: replica.instanceArn, telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 } });
  new TrafficDistribution(stack, 'DefaultSplit', { trafficDistributionGroup: replica.defaultTrafficDistributionGroup, signInDistribution: { [REGION]: true, [REPLICA_REGION]: true } });
  new TrafficDistributionGroupUsers(stack, 'Agents', { trafficDistributionGroup: group, userIds: [USER] });
  new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: '+12065550100' });
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::Lambda::Function', 5);
  t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
});
