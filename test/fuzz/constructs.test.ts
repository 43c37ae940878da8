/**
 * Fuzzing of the synth-time validation of the constructs: an invalid literal value of a property
 * throws an Error that names the construct's path and the property as users write it (camelCase),
 * under 1 KB; a Token in its place is accepted (the handler checks the resolved value at deploy).
 */
import { App, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import {
  expectUserFacingError, flowArn, GROUP_ARN, groupArn, INSTANCE_ARN, REGION, REPLICA, RUNS, split, stringOf, thrown, uuid, wildString,
} from './arbitraries';
import {
  ClaimedPhoneNumber, InstanceReplica, ITrafficDistributionGroup, PhoneNumberTarget, PhoneNumberType, TrafficDistribution,
  TrafficDistributionGroup, TrafficDistributionGroupUsers,
} from '../../src';
import { PHONE_NUMBER_TYPES, REPLICATION_PAIRS } from '../../src/shared/names';
import {
  parseInstanceArn, parseUserId, validateCountryCode, validateGroupDescription, validateGroupName, validatePhoneDescription,
  validatePhoneNumber, validatePrefix, validateReplicaAlias, validateReplicaRegion,
} from '../../src/shared/validate';
import { newStack } from '../constructs/fixtures';

const huge = fc.integer({ min: 10_000, max: 100_000 }).map(n => 'x'.repeat(n));

/** Strings a validator rejects: its near-misses, huge strings, and any wild string it refuses. */
function invalidString(validate: (prop: string, v: unknown) => unknown, ...nearMisses: string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...nearMisses), huge, wildString.filter(s => thrown(() => validate('p', s)) !== undefined));
}

const INVALID_INSTANCE_ARN = invalidString(parseInstanceArn, GROUP_ARN, INSTANCE_ARN.replace(':connect:', ':ec2:'), `${INSTANCE_ARN}/`, INSTANCE_ARN.toUpperCase());
const badSplits = [
  { [REGION]: 70, [REPLICA]: 40 }, { [REGION]: 75, [REPLICA]: 25 }, { [REGION]: 100 }, { [REGION]: 50, [REPLICA]: 50, 'eu-west-2': 0 },
  { 'eu-west-2': 50, [REPLICA]: 50 }, { [REGION]: 10.5, [REPLICA]: 89.5 }, { [REGION]: 110, [REPLICA]: -10 }, { [REGION]: NaN, [REPLICA]: 100 },
];
const validSplit = split
  .filter(s => s.instanceRegion === REGION && Object.keys(s.value).every(r => r === REGION || REPLICATION_PAIRS[REGION].includes(r)))
  .map(s => Object.fromEntries(Object.entries(s.value).map(([k, v]) => [k, Number(v)])));

/**
 * One property of one construct: how to build the construct with a value for it (valid otherwise),
 * the invalid literals it must refuse, and a Token it must accept.
 */
interface PropCase {
  readonly build: (stack: Stack, id: string, value: any) => unknown;
  readonly invalid: fc.Arbitrary<unknown>;
  readonly token: () => unknown;
}

let group: ITrafficDistributionGroup;
let defaultGroup: ITrafficDistributionGroup;
/** Groups of a test's stack: one this library creates (known instance), and a replica's default group. */
function groupsOf(stack: Stack): void {
  group = new TrafficDistributionGroup(stack, 'TheGroup', { instanceArn: INSTANCE_ARN });
  defaultGroup = new InstanceReplica(stack, 'TheReplica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA }).defaultTrafficDistributionGroup;
}

const instanceTarget = PhoneNumberTarget.instance(INSTANCE_ARN);
const search = { target: instanceTarget, countryCode: 'US', phoneNumberType: PhoneNumberType.DID };
const USER = '33333333-4444-5555-6666-777777777777';
const otherInstanceFlow = `${INSTANCE_ARN.replace(/instance\/.*/, 'instance/22222222-3333-4444-5555-666666666666')}/contact-flow/f`;

const CASES: Record<string, Record<string, PropCase>> = {
  TrafficDistributionGroup: {
    instanceArn: { build: (s, id, v) => new TrafficDistributionGroup(s, id, { instanceArn: v }), invalid: INVALID_INSTANCE_ARN, token: () => Fn.importValue('Instance') },
    trafficDistributionGroupName: {
      build: (s, id, v) => new TrafficDistributionGroup(s, id, { instanceArn: INSTANCE_ARN, trafficDistributionGroupName: v }),
      invalid: invalidString(validateGroupName, '', 'n'.repeat(129), ' support', 'support\u00a0'),
      token: () => Lazy.string({ produce: () => 'support' }),
    },
    description: {
      build: (s, id, v) => new TrafficDistributionGroup(s, id, { instanceArn: INSTANCE_ARN, description: v }),
      invalid: invalidString(validateGroupDescription, '', 'd'.repeat(251), ' lead', 'trail\n'),
      token: () => Fn.importValue('Description'),
    },
    telephonyDistribution: {
      build: (s, id, v) => new TrafficDistributionGroup(s, id, { instanceArn: INSTANCE_ARN, telephonyDistribution: v }),
      invalid: fc.constantFrom(...badSplits),
      token: () => ({ [REGION]: Token.asNumber(Fn.importValue('Percent')), [REPLICA]: 30 }),
    },
    agentDistribution: {
      build: (s, id, v) => new TrafficDistributionGroup(s, id, { instanceArn: INSTANCE_ARN, agentDistribution: v }),
      invalid: fc.constantFrom(...badSplits),
      token: () => ({ [REGION]: Lazy.number({ produce: () => 50 }), [REPLICA]: 50 }),
    },
  },
  ClaimedPhoneNumber: {
    target: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { target: PhoneNumberTarget.instance(v), phoneNumber: '+12065550100' }),
      invalid: INVALID_INSTANCE_ARN,
      token: () => Fn.importValue('Instance'),
    },
    phoneNumber: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { target: instanceTarget, phoneNumber: v }),
      invalid: invalidString(validatePhoneNumber, '+0123', '12065550100', '+1206555010012345', '+1 206'),
      token: () => Fn.importValue('Number'),
    },
    countryCode: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { ...search, countryCode: v }),
      invalid: invalidString(validateCountryCode, 'us', 'UK', 'USA', 'constructor'),
      token: () => Lazy.string({ produce: () => 'US' }),
    },
    phoneNumberType: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { ...search, phoneNumberType: v }),
      invalid: fc.oneof(fc.constantFrom('did', 'TOLLFREE', 'toString'), wildString.filter(t => !(PHONE_NUMBER_TYPES as readonly string[]).includes(t))),
      token: () => Fn.importValue('Type'),
    },
    prefix: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { ...search, prefix: v }),
      invalid: invalidString((p, v) => validatePrefix(p, v, 'US'), '+', '1206', '+44', '+1234567890123456'),
      token: () => Fn.importValue('Prefix'),
    },
    description: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { ...search, description: v }),
      invalid: invalidString(validatePhoneDescription, 'x'.repeat(501)),
      token: () => Fn.importValue('Description'),
    },
    contactFlowArns: {
      build: (s, id, v) => new ClaimedPhoneNumber(s, id, { ...search, contactFlowArns: v }),
      invalid: fc.oneof(
        fc.constant([otherInstanceFlow]),
        fc.constant([`${INSTANCE_ARN}/contact-flow/a`, `${INSTANCE_ARN}/contact-flow/b`]),
        fc.constant([`${INSTANCE_ARN.replace(REGION, REPLICA)}/contact-flow/a`]),
        fc.array(fc.oneof(huge, groupArn, wildString), { minLength: 1, maxLength: 3 }),
        flowArn.map(f => [f]).filter(([f]) => !f.startsWith(`${INSTANCE_ARN}/`)),
      ),
      token: () => Token.asList(Fn.importValue('Flows')),
    },
  },
  InstanceReplica: {
    instanceArn: {
      build: (s, id, v) => new InstanceReplica(s, id, { instanceArn: v, replicaRegion: REPLICA }),
      invalid: fc.oneof(INVALID_INSTANCE_ARN, fc.constant(INSTANCE_ARN.replace(REGION, REPLICA))),
      token: () => Fn.importValue('Instance'),
    },
    replicaRegion: {
      build: (s, id, v) => new InstanceReplica(s, id, { instanceArn: INSTANCE_ARN, replicaRegion: v }),
      invalid: invalidString((p, v) => validateReplicaRegion(p, v, REGION, REPLICATION_PAIRS), REGION, 'eu-west-2', 'US-WEST-2', 'constructor'),
      token: () => Fn.importValue('Region'),
    },
    replicaAlias: {
      build: (s, id, v) => new InstanceReplica(s, id, { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA, replicaAlias: v }),
      invalid: invalidString(validateReplicaAlias, 'd-alias', '-alias', 'alias-', 'a_b', 'a'.repeat(46)),
      token: () => Lazy.string({ produce: () => 'alias' }),
    },
  },
  TrafficDistribution: {
    telephonyDistribution: {
      build: (s, id, v) => new TrafficDistribution(s, id, { trafficDistributionGroup: group, telephonyDistribution: v }),
      invalid: fc.constantFrom(...badSplits),
      token: () => ({ [REGION]: Token.asNumber(Fn.importValue('Percent')), [REPLICA]: 30 }),
    },
    agentDistribution: {
      build: (s, id, v) => new TrafficDistribution(s, id, { trafficDistributionGroup: group, agentDistribution: v }),
      invalid: fc.constantFrom(...badSplits),
      token: () => Token.asAny(Fn.importValue('Split')),
    },
    signInDistribution: {
      build: (s, id, v) => new TrafficDistribution(s, id, { trafficDistributionGroup: defaultGroup, signInDistribution: v }),
      invalid: fc.constantFrom<unknown>({ [REGION]: false, [REPLICA]: false }, { [REGION]: true }, { [REGION]: true, [REPLICA]: 'yes' }, { [REGION]: true, Mars: true }),
      token: () => ({ [REGION]: true, [REPLICA]: Token.asAny(Fn.importValue('Enabled')) }),
    },
  },
  TrafficDistributionGroupUsers: {
    instanceArn: {
      build: (s, id, v) => new TrafficDistributionGroupUsers(s, id, { trafficDistributionGroup: group, instanceArn: v, userIds: [USER] }),
      invalid: INVALID_INSTANCE_ARN,
      token: () => Fn.importValue('Instance'),
    },
    userIds: {
      build: (s, id, v) => new TrafficDistributionGroupUsers(s, id, { trafficDistributionGroup: group, userIds: v }),
      invalid: fc.oneof(
        fc.constant([]),
        uuid.map(u => [u, u]),
        uuid.map(u => [u, `${INSTANCE_ARN}/agent/${u}`]),
        fc.array(invalidString(parseUserId, 'not-a-uuid', INSTANCE_ARN), { minLength: 1, maxLength: 3 }),
      ),
      token: () => Token.asList(Fn.importValue('Users')),
    },
  },
};

describe.each(Object.entries(CASES))('%s', (_construct, props) => {
  describe.each(Object.entries(props))('%s', (prop, c) => {
    test('an invalid literal throws at synth, naming the construct and the property', () => {
      const stack = newStack();
      groupsOf(stack);
      let n = 0;
      fc.assert(fc.property(c.invalid, v => {
        const id = `Fuzzed${n++}`;
        const e = thrown(() => c.build(stack, id, v));
        expectUserFacingError(e, prop);
        expect((e as Error).message.startsWith(`Stack/${id}: `)).toBe(true);
      }), RUNS);
    });

    test('a Token is accepted (checked at deploy time)', () => {
      const stack = newStack();
      groupsOf(stack);
      expect(() => c.build(stack, 'Tokenized', c.token())).not.toThrow();
    });
  });
});

describe('valid literals are accepted', () => {
  test('splits of 100 % in steps of 10 over the instance Region and its replica', () => {
    const stack = newStack();
    groupsOf(stack);
    let n = 0;
    fc.assert(fc.property(validSplit, validSplit, (telephony, agent) => {
      expect(() => new TrafficDistributionGroup(stack, `G${n}`, { instanceArn: INSTANCE_ARN, telephonyDistribution: telephony, agentDistribution: agent })).not.toThrow();
      expect(() => new TrafficDistribution(stack, `D${n++}`, { trafficDistributionGroup: group, telephonyDistribution: telephony })).not.toThrow();
    }), { numRuns: 50 });
  });
});

describe('tags', () => {
  const bad = fc.oneof(
    stringOf('abc', 1, 10).map(k => [`aws:${k}`, 'v'] as const),
    fc.constant(['k'.repeat(129), 'v'] as const),
    fc.constant(['k', 'v'.repeat(257)] as const),
    fc.constantFrom(['bad#key', 'v'] as const, ['emoji😀', 'v'] as const),
  );

  test.each([
    ['TrafficDistributionGroup', (s: Stack, id: string) => new TrafficDistributionGroup(s, id, { instanceArn: INSTANCE_ARN })],
    ['ClaimedPhoneNumber', (s: Stack, id: string) => new ClaimedPhoneNumber(s, id, search)],
  ])('%s: an invalid tag fails validation naming tags', (_name, build) => {
    const stack = newStack();
    let n = 0;
    fc.assert(fc.property(bad, ([k, v]) => {
      const construct = build(stack, `Tagged${n++}`);
      construct.tags.setTag(k, v);
      const errors = construct.node.validate();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^tags/);
      expect(Buffer.byteLength(errors[0])).toBeLessThan(1024);
    }), { numRuns: 30 });
  });

  test('51 tags fail validation; 50 pass; tokens are skipped', () => {
    const g = new TrafficDistributionGroup(newStack(), 'G', { instanceArn: INSTANCE_ARN });
    for (let i = 0; i < 50; i++) {
      g.tags.setTag(`k${i}`, 'v');
    }
    expect(g.node.validate()).toEqual([]);
    g.tags.setTag('k50', 'v');
    expect(g.node.validate()).toEqual([expect.stringMatching(/^tags must have at most 50 tags/)]);
    const t = new TrafficDistributionGroup(newStack(), 'T', { instanceArn: INSTANCE_ARN });
    t.tags.setTag('team', Fn.importValue('V'));
    t.tags.setTag(Lazy.string({ produce: () => 'k' }), 'v');
    expect(t.node.validate()).toEqual([]);
  });
});

describe('cross-construct rules', () => {
  const NUMBERS = ['+12065550100', '+12065550101', '+12065550102'];
  const synthError = (app: App): string | undefined => (thrown(() => app.synth()) as Error | undefined)?.message;

  test('an app fails synth exactly when some number is declared twice, naming every declaration of it', () => {
    // Numbers spread over two stacks of one app, each declaration a random number of the pool.
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(...NUMBERS)), { minLength: 1, maxLength: 5 }), decls => {
      const app = new App();
      // Only the stacks that declare something (an empty stack is a template CloudFormation refuses).
      const stacks = ['A', 'B'].map((id, s) => decls.some(([d]) => d === s) ? new Stack(app, id, { env: { account: '111122223333', region: REGION } }) : undefined);
      decls.forEach(([s, n], i) => new ClaimedPhoneNumber(stacks[s]!, `N${i}`, { target: instanceTarget, phoneNumber: n }));
      const message = synthError(app);
      const counts = new Map<string, number>();
      decls.forEach(([, n]) => counts.set(n, (counts.get(n) ?? 0) + 1));
      const twice = [...counts].filter(([, c]) => c > 1).map(([n]) => n);
      if (twice.length === 0) {
        expect(message).toBeUndefined();
        return;
      }
      decls.forEach(([s, n], i) => {
        if (twice.includes(n)) {
          expect(message).toContain(`[${['A', 'B'][s]}/N${i}] phoneNumber ${n} is also declared by`);
        }
      });
    }), { numRuns: 25 });
  });

  test('a split is accepted exactly when its two Regions are the instance\'s replication pair', () => {
    const regions = [...new Set([...Object.keys(REPLICATION_PAIRS), ...Object.values(REPLICATION_PAIRS).flat(), 'eu-west-1'])];
    let n = 0;
    fc.assert(fc.property(fc.constantFrom(...Object.keys(REPLICATION_PAIRS)), fc.constantFrom(...regions), fc.integer({ min: 0, max: 10 }),
      (source, other, tenths) => {
        fc.pre(source !== other);
        const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: source } });
        const instanceArn = INSTANCE_ARN.replace(REGION, source);
        const build = () => new TrafficDistributionGroup(stack, `G${n++}`, { instanceArn, telephonyDistribution: { [source]: tenths * 10, [other]: 100 - tenths * 10 } });
        if (REPLICATION_PAIRS[source].includes(other)) {
          expect(build).not.toThrow();
        } else {
          expect(build).toThrow(new RegExp(`telephonyDistribution names .*which are not a replication pair of Global Resiliency: an instance in ${source} replicates to ${REPLICATION_PAIRS[source].join(', ')}`));
        }
      }), { numRuns: 60 });
  });

  test('a group number warns exactly when its flows miss a Region of the pair', () => {
    const flowIn = (r: string) => `${INSTANCE_ARN.replace(REGION, r)}/contact-flow/f`;
    fc.assert(fc.property(fc.subarray([REGION, REPLICA], { minLength: 1 }), flowRegions => {
      const stack = newStack('S');
      const g = new TrafficDistributionGroup(stack, 'G', { instanceArn: INSTANCE_ARN });
      new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.trafficDistributionGroup(g), phoneNumber: NUMBERS[0], contactFlowArns: flowRegions.map(flowIn) });
      const warnings = Annotations.fromStack(stack).findWarning('/S/N', Match.stringLikeRegexp('contactFlowArns has no flow in'));
      const missing = [REGION, REPLICA].filter(r => !flowRegions.includes(r));
      expect(warnings.length).toBe(missing.length > 0 ? 1 : 0);
      if (missing.length > 0) {
        expect(String(warnings[0].entry.data)).toContain(`contactFlowArns has no flow in ${missing.join(' and ')}, a Region of the group S/G (target)`);
      }
    }), { numRuns: 10 });
  });
});
