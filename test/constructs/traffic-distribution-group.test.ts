import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Fn, Lazy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { agnosticStack, handlerStatements, newStack, snapshotTemplate } from './fixtures';
import { TrafficDistribution, TrafficDistributionGroup } from '../../src';
import { TDG_GROUP_ACTIONS, TDG_INSTANCE_ACTIONS, TDG_LOOKUP_ACTIONS } from '../../src/shared/actions';
import { TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, Waiter } from '../../src/shared/names';
import { ACCOUNT, GROUP_ARN, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

const TYPE = TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE;

function groupProps(stack: Stack) {
  return Template.fromStack(stack).findResources(TYPE);
}

describe('TrafficDistributionGroup', () => {
  test('renders the declared properties, split and tags on one custom resource', () => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', {
      instanceArn: INSTANCE_ARN,
      trafficDistributionGroupName: 'support',
      description: 'Support lines',
      telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 },
      agentDistribution: { [REGION]: 100, [REPLICA_REGION]: 0 },
    });
    Tags.of(stack).add('team', 'support');
    const t = Template.fromStack(stack);
    t.resourceCountIs(TYPE, 1);
    t.hasResourceProperties(TYPE, {
      InstanceArn: INSTANCE_ARN,
      Name: 'support',
      Description: 'Support lines',
      TelephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 },
      AgentDistribution: { [REGION]: 100, [REPLICA_REGION]: 0 },
      Tags: { team: 'support' },
      ServiceTimeout: String(Waiter.SERVICE_TIMEOUT_SECONDS),
    });
    expect(stack.resolve(group.trafficDistributionGroupArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Group/), 'Arn'] });
    expect(stack.resolve(group.trafficDistributionGroupId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Group/), 'Id'] });
    expect(group.node.defaultChild).toBeDefined();
    expect(group.node.defaultChild!.node.id).toBe('Resource');
  });

  test('omitted optional props are absent from the template', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      Description: Match.absent(),
      TelephonyDistribution: Match.absent(),
      AgentDistribution: Match.absent(),
      Tags: Match.absent(),
    });
  });

  test('a tag change reaches the group (applied in place by the handler)', () => {
    const stack = newStack();
    const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
    Tags.of(group).add('cost-center', '42');
    Tags.of(stack).add('team', 'support');
    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: { 'cost-center': '42', 'team': 'support' } });
  });

  describe('generated name', () => {
    test('comes from the construct path, is stable across synths and fits 128 characters', () => {
      const name1 = new TrafficDistributionGroup(newStack(), 'Group', { instanceArn: INSTANCE_ARN }).trafficDistributionGroupName;
      const name2 = new TrafficDistributionGroup(newStack(), 'Group', { instanceArn: INSTANCE_ARN }).trafficDistributionGroupName;
      expect(name1).toBe(name2);
      expect(name1).toMatch(/^Stack-Group-/);
      const deep = newStack();
      let scope: Construct = deep;
      for (let i = 0; i < 20; i++) {
        scope = new Construct(scope, `VeryLongConstructIdNumber${i}`);
      }
      const long = new TrafficDistributionGroup(scope, 'Group', { instanceArn: INSTANCE_ARN }).trafficDistributionGroupName;
      expect(long.length).toBeLessThanOrEqual(128);
      expect(new TrafficDistributionGroup(newStack(), 'Other', { instanceArn: INSTANCE_ARN }).trafficDistributionGroupName).not.toBe(name1);
    });

    test('changes when a property that replaces the group changes, so the new group never collides with the old one', () => {
      const plain = new TrafficDistributionGroup(newStack(), 'Group', { instanceArn: INSTANCE_ARN }).trafficDistributionGroupName;
      const described = new TrafficDistributionGroup(newStack(), 'Group', { instanceArn: INSTANCE_ARN, description: 'x' }).trafficDistributionGroupName;
      const split = new TrafficDistributionGroup(newStack(), 'Group', {
        instanceArn: INSTANCE_ARN, telephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 50 },
      }).trafficDistributionGroupName;
      expect(described).not.toBe(plain);
      expect(split).toBe(plain); // the split is changed in place: same group, same name
    });
  });

  describe('one provider per stack', () => {
    test.each([1, 50])('%i group(s) share one provider: 5 functions and one waiter', (n) => {
      const stack = newStack();
      for (let i = 0; i < n; i++) {
        new TrafficDistributionGroup(stack, `Group${i}`, { instanceArn: INSTANCE_ARN });
      }
      const t = Template.fromStack(stack);
      t.resourceCountIs(TYPE, n);
      t.resourceCountIs('AWS::Lambda::Function', 5); // onEvent + isComplete + the framework's three
      t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      t.resourceCountIs('AWS::IAM::Role', 5); // the handlers' shared role, the framework's three functions, the waiter
      const tokens = new Set(Object.values(groupProps(stack)).map(r => JSON.stringify(r.Properties.ServiceToken)));
      expect(tokens.size).toBe(1);
    });

    test('the provider has a frozen reverse-DNS construct id at the stack root', () => {
      const stack = newStack();
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
      expect(stack.node.tryFindChild('io.github.cdk-connect-global-resiliency.ConnectProvider')).toBeDefined();
    });

    test('the handlers run on nodejs24.x, log JSON, and the waiter fits in the service timeout', () => {
      const stack = newStack();
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
      const t = Template.fromStack(stack);
      const fns = Object.values(t.findResources('AWS::Lambda::Function'));
      for (const fn of fns) {
        expect(fn.Properties.Runtime).toBe('nodejs24.x');
        expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
      }
      const ours = fns.filter(f => String(f.Properties.Description ?? '').startsWith('lambda/'));
      expect(ours.map(f => f.Properties.Description).sort()).toEqual(['lambda/is-complete.lambda.ts', 'lambda/on-event.lambda.ts']);
      const sm = Object.values(t.findResources('AWS::StepFunctions::StateMachine'))[0];
      const definition = JSON.stringify(stack.resolve(sm.Properties.DefinitionString));
      const interval = Number(/\\"IntervalSeconds\\":(\d+)/.exec(definition)![1]);
      const attempts = Number(/\\"MaxAttempts\\":(\d+)/.exec(definition)![1]);
      expect(interval * attempts).toBe(Waiter.TOTAL_TIMEOUT_SECONDS);
      expect(Waiter.SERVICE_TIMEOUT_SECONDS).toBeGreaterThan(interval * attempts);
    });
  });

  describe('a split keyed by a token (stack.region in a stack without env)', () => {
    test.each(['telephonyDistribution', 'agentDistribution'] as const)('%s fails with the construct path and the property, not CDK\'s raw resolution error', prop => {
      const stack = agnosticStack();
      const make = () => new TrafficDistributionGroup(stack, 'Group', {
        instanceArn: INSTANCE_ARN,
        [prop]: { [stack.region]: 70, [REPLICA_REGION]: 30 },
      });
      expect(make).toThrow(new RegExp(`^Agnostic/Group: ${prop} has a Region key that is a token.*Write the Regions out.*or give the stack an env`));
    });

    test('TrafficDistribution: a token key in signInDistribution fails the same way', () => {
      const stack = agnosticStack();
      const group = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Imported', GROUP_ARN);
      expect(() => new TrafficDistribution(stack, 'SignIn', { trafficDistributionGroup: group, signInDistribution: { [stack.region]: true, [REPLICA_REGION]: false } }))
        .toThrow('Agnostic/SignIn: signInDistribution has a Region key that is a token');
    });

    test('literal Region keys in a stack without env still synthesize', () => {
      const stack = agnosticStack();
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN, telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 } });
      expect(Object.values(groupProps(stack))[0].Properties.TelephonyDistribution).toEqual({ [REGION]: 70, [REPLICA_REGION]: 30 });
    });
  });

  describe('IAM', () => {
    test('grants exactly the group actions, scoped to the instance and the groups of the account and Region', () => {
      const stack = newStack();
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
      const statements = handlerStatements(stack);
      const actions = new Set(statements.flatMap(s => [s.Action].flat()));
      // DescribePhoneNumber: the provider's own (a replacing group update reads the owner record of the old group's numbers).
      expect([...actions].sort())
        .toEqual([...new Set([
          ...TDG_GROUP_ACTIONS, ...TDG_INSTANCE_ACTIONS, ...TDG_LOOKUP_ACTIONS, 'connect:DescribePhoneNumber',
        ])].sort());
      expect(JSON.stringify(statements)).not.toContain('connect:*');
      const create = statements.filter(s => [s.Action].flat().includes('connect:CreateTrafficDistributionGroup'));
      expect(JSON.stringify(create)).toContain(INSTANCE_ARN);
      for (const s of statements) {
        expect(s.Resource).not.toBe('*');
        // Connect resources of the account and Region; DescribeStacks on this stack only.
        expect(JSON.stringify(s.Resource)).toMatch(new RegExp(`:connect:${REGION}:${ACCOUNT}:|:cloudformation:${REGION}:${ACCOUNT}:stack/Stack/\\*"`));
      }
    });

    test('a token instance ARN is scoped to the instances of the account and Region (never to a resource that depends on the provider)', () => {
      const stack = newStack();
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: Fn.importValue('InstanceArn') });
      const statements = handlerStatements(stack);
      expect(JSON.stringify(statements)).toContain(`:connect:${REGION}:${ACCOUNT}:instance/*`);
    });

    test('50 groups keep the policy at the size of one', () => {
      const one = newStack();
      new TrafficDistributionGroup(one, 'Group', { instanceArn: INSTANCE_ARN });
      const many = newStack();
      for (let i = 0; i < 50; i++) {
        new TrafficDistributionGroup(many, `Group${i}`, { instanceArn: INSTANCE_ARN });
      }
      expect(handlerStatements(many)).toEqual(handlerStatements(one));
    });
  });

  describe('validation at synth, with the property name', () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['instanceArn not an ARN', { instanceArn: 'my-instance' }, /instanceArn must be an Amazon Connect instance ARN/],
      ['instanceArn of another resource', { instanceArn: GROUP_ARN }, /instanceArn must be an Amazon Connect instance ARN/],
      ['instanceArn in another Region', { instanceArn: INSTANCE_ARN.replace(REGION, REPLICA_REGION) }, /instanceArn must be in this stack's Region us-east-1/],
      ['name too long', { trafficDistributionGroupName: 'x'.repeat(129) }, /trafficDistributionGroupName must be 1 to 128 characters/],
      ['name empty', { trafficDistributionGroupName: '' }, /trafficDistributionGroupName must be 1 to 128 characters/],
      ['name with trailing space', { trafficDistributionGroupName: 'support ' }, /trafficDistributionGroupName must not start or end with white space/],
      ['description too long', { description: 'd'.repeat(251) }, /description must be 1 to 250 characters/],
      ['description with leading space', { description: ' d' }, /description must not start or end with white space/],
      ['split over one Region', { telephonyDistribution: { [REGION]: 100 } }, /telephonyDistribution must name exactly two Regions/],
      ['split over three Regions', { telephonyDistribution: { [REGION]: 50, [REPLICA_REGION]: 40, 'eu-west-2': 10 } }, /telephonyDistribution must name exactly two Regions/],
      ['split not summing to 100', { telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 40 } }, /telephonyDistribution percentages must sum to 100 \(they sum to 110\)/],
      ['split not in steps of 10', { telephonyDistribution: { [REGION]: 75, [REPLICA_REGION]: 25 } }, /telephonyDistribution\['us-east-1'\] must be a multiple of 10/],
      ['split over 100', { telephonyDistribution: { [REGION]: 110, [REPLICA_REGION]: -10 } }, /telephonyDistribution\['us-east-1'\] must be an integer percentage from 0 to 100/],
      ['split with a fraction', { agentDistribution: { [REGION]: 50.5, [REPLICA_REGION]: 49.5 } }, /agentDistribution\['us-east-1'\] must be an integer percentage/],
      ['split without the instance Region', { agentDistribution: { 'eu-west-2': 50, [REPLICA_REGION]: 50 } }, /agentDistribution must include the instance's Region us-east-1/],
      ['split with a bad Region', { agentDistribution: { 'Mars-1': 50, [REGION]: 50 } }, /agentDistribution key must be an AWS Region/],
    ];
    test.each(cases)('%s', (_, override, message) => {
      const stack = newStack();
      expect(() => new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN, ...override } as any))
        .toThrow(message);
      expect(() => new TrafficDistributionGroup(newStack(), 'Group', { instanceArn: INSTANCE_ARN, ...override } as any))
        .toThrow(/^Stack\/Group: /);
    });

    test('tags: at most 50, keys not aws:, values up to 256, reported at synth with the resource path', () => {
      const tooMany = newStack();
      const g = new TrafficDistributionGroup(tooMany, 'Group', { instanceArn: INSTANCE_ARN });
      for (let i = 0; i < 51; i++) {
        Tags.of(g).add(`k${i}`, 'v');
      }
      expect(() => Template.fromStack(tooMany)).toThrow(/Stack\/Group.*tags must have at most 50 tags \(it has 51\)/s);

      const reserved = newStack();
      new TrafficDistributionGroup(reserved, 'Group', { instanceArn: INSTANCE_ARN }).tags.setTag('aws:owner', 'x');
      expect(() => Template.fromStack(reserved)).toThrow(/tags keys must not start with 'aws:'/);

      const longValue = newStack();
      new TrafficDistributionGroup(longValue, 'Group', { instanceArn: INSTANCE_ARN }).tags.setTag('k', 'v'.repeat(257));
      expect(() => Template.fromStack(longValue)).toThrow(/tags\['k'\] must be at most 256 characters/);
    });

    test('tokens are accepted at synth (the handler checks them at deploy time)', () => {
      const stack = newStack();
      const tokenNumber = Lazy.number({ produce: () => 70 });
      expect(() => new TrafficDistributionGroup(stack, 'Group', {
        instanceArn: Fn.importValue('Instance'),
        trafficDistributionGroupName: Fn.importValue('Name'),
        description: Lazy.string({ produce: () => ' not validated at synth ' }),
        telephonyDistribution: { [REGION]: tokenNumber, [REPLICA_REGION]: 30 },
        agentDistribution: { [REGION]: Lazy.number({ produce: () => 5 }), [REPLICA_REGION]: 95 },
      })).not.toThrow();
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('in an environment-agnostic stack the instance Region is not compared', () => {
      expect(() => new TrafficDistributionGroup(agnosticStack(), 'Group', {
        instanceArn: INSTANCE_ARN.replace(REGION, 'eu-west-2'),
        telephonyDistribution: { 'eu-west-2': 100, 'eu-central-1': 0 },
      })).not.toThrow();
    });
  });

  describe('fromTrafficDistributionGroupArn', () => {
    test('exposes the ARN and id', () => {
      const stack = newStack();
      const g = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Imported', GROUP_ARN);
      expect(g.trafficDistributionGroupArn).toBe(GROUP_ARN);
      expect(g.trafficDistributionGroupId).toBe('99999999-8888-7777-6666-555555555555');
      expect(g.instanceArn).toBeUndefined();
      expect(g.env.region).toBe(REGION);
    });

    test('rejects a literal that is not a group ARN, naming the property', () => {
      expect(() => TrafficDistributionGroup.fromTrafficDistributionGroupArn(newStack(), 'Imported', INSTANCE_ARN))
        .toThrow(/Stack\/Imported: trafficDistributionGroupArn must be a traffic distribution group ARN/);
    });

    test('accepts a token', () => {
      const stack = newStack();
      const g = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Imported', Fn.importValue('Group'));
      expect(stack.resolve(g.trafficDistributionGroupId)).toEqual({
        'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::ImportValue': 'Group' }] }] }] }],
      });
    });
  });

  test('two synths in fresh directories give byte-identical templates and asset hashes', () => {
    const synth = () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-gr-synth-'));
      const app = new App({ outdir });
      const stack = new Stack(app, 'Deterministic', { env: { account: ACCOUNT, region: REGION } });
      new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN, telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 } });
      const assembly = app.synth();
      const template = fs.readFileSync(path.join(assembly.directory, 'Deterministic.template.json'), 'utf8');
      const assets = fs.readFileSync(path.join(assembly.directory, 'Deterministic.assets.json'), 'utf8');
      fs.rmSync(outdir, { recursive: true, force: true });
      return { template, assets };
    };
    const a = synth();
    const b = synth();
    expect(b.template).toBe(a.template);
    expect(b.assets).toBe(a.assets);
  });

  test('snapshot', () => {
    const stack = newStack();
    new TrafficDistributionGroup(stack, 'Group', {
      instanceArn: INSTANCE_ARN,
      trafficDistributionGroupName: 'support',
      telephonyDistribution: { [REGION]: 70, [REPLICA_REGION]: 30 },
    });
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});
