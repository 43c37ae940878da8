/**
 * Fuzzing of the handlers' property parsing: onEvent (the dispatching handler) receives Create
 * events of each resource type with generated ResourceProperties, shaped as CloudFormation
 * delivers them (every scalar a string). Every Connect call fails, so a valid request fails
 * recognisably at its first call, and an invalid one must fail before any call, with an Error
 * naming the property, under 1 KB.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import {
  account, e164, expectUserFacingError, flowArn, groupArn, INSTANCE_ARN, replicaAlias, RUNS, split, stringOf, tags, trimmedText, uuid,
} from './arbitraries';
import { UserError } from '../../lambda/lib/errors';
import { handler as onEvent } from '../../lambda/on-event.lambda';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, INSTANCE_REPLICA_RESOURCE_TYPE, PHONE_NUMBER_TYPES, REPLICATION_PAIRS,
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../../src/shared/names';
import { CALLING_CODES } from '../../src/shared/validate';
import { createEvent } from '../handlers/events';

/** The name of the error every Connect call fails with: a request that reaches Connect says so. */
const STOP = 'FuzzNoConnectCallExpected';
const cm = mockClient(ConnectClient);

beforeAll(() => {
  cm.onAnyCommand().rejects(Object.assign(new Error('every Connect call fails in this test'), { name: STOP }));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(() => {
  cm.restore();
  jest.restoreAllMocks();
});

/** An instance ARN in a given Region. */
const instanceIn = (region: string) => fc.tuple(account, uuid).map(([a, id]) => `arn:aws:connect:${region}:${a}:instance/${id}`);
const groupIn = (region: string) => fc.tuple(account, uuid).map(([a, id]) => `arn:aws:connect:${region}:${a}:traffic-distribution-group/${id}`);

/** A string of 10-100 KB: over every limit, and not of any valid form. */
const huge = fc.integer({ min: 10_000, max: 100_000 }).map(n => 'x'.repeat(n));
/** A map of strings, any keys (`toString`, `__proto__` included). */
const stringMap = fc.dictionary(fc.string(), fc.string(), { minKeys: 1, maxKeys: 3 });
/** Junk that is invalid for any property: huge strings, and values of the wrong JSON type. */
const wrongShape = (shape: 'string' | 'map' | 'list') => fc.oneof(
  huge,
  ...(shape === 'string' ? [fc.constant({}), fc.constant(['x']), stringMap] : []),
  ...(shape === 'map' ? [fc.constant('a=b'), fc.array(fc.string(), { minLength: 1, maxLength: 3 })] : []),
  ...(shape === 'list' ? [fc.constant({ 0: 'x' }), stringMap] : []),
);
const arnNearMiss = (valid: fc.Arbitrary<string>) => fc.tuple(valid, fc.integer({ min: 0, max: 4 })).map(([arn, k]) => [
  arn.replace(':connect:', ':ec2:'),
  arn.replace(/:[0-9]{12}:/, ':1234:'),
  arn.replace(/\/[0-9a-f-]{36}/, '/not-a-uuid'),
  `${arn} `,
  arn.replace(/(instance|traffic-distribution-group)\//, 'phone-number/'),
][k]);
const badSplit = (instanceRegion: string, other: string) => fc.constantFrom(
  { [instanceRegion]: 70, [other]: 40 },
  { [instanceRegion]: 75, [other]: 25 },
  { [instanceRegion]: 100 },
  { [instanceRegion]: 50, [other]: 50, 'sa-east-1': 0 },
  { 'sa-east-1': 50, [other]: 50 },
  { [instanceRegion]: 'seventy', [other]: 30 },
  { [instanceRegion.toUpperCase()]: 70, [other]: 30 },
  { [instanceRegion]: 110, [other]: -10 },
);
const badTags = fc.oneof(
  fc.constant(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))),
  stringOf('abc', 1, 10).map(k => ({ [`aws:${k}`]: 'v' })),
  fc.constant({ ['k'.repeat(129)]: 'v' }),
  fc.constant({ k: 'v'.repeat(257) }),
  fc.constant({ 'bad#key': 'v' }),
  fc.constant({ k: { nested: 'v' } }),
  wrongShape('map'),
);

/**
 * One resource type: its valid properties (plain values; the event delivers them as
 * CloudFormation does), and for each property, values that make the request invalid.
 */
interface ResourceType {
  readonly type: string;
  readonly valid: fc.Arbitrary<Record<string, unknown>>;
  readonly invalid: Record<string, fc.Arbitrary<unknown>>;
  /** onEvent makes no Connect call for a valid Create (it only validates and returns the id). */
  readonly noCallOnCreate?: boolean;
}

const [PAIR_SOURCE, [PAIR_REPLICA]] = Object.entries(REPLICATION_PAIRS)[0];

const TYPES: Record<string, ResourceType> = {
  TrafficDistributionGroup: {
    type: TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
    valid: split.chain(s => fc.record({
      InstanceArn: instanceIn(s.instanceRegion),
      Name: trimmedText(128),
      Description: fc.option(trimmedText(250), { nil: undefined }),
      TelephonyDistribution: fc.constant(s.value),
      AgentDistribution: fc.option(fc.constant(s.value), { nil: undefined }),
      Tags: tags,
    })),
    invalid: {
      InstanceArn: fc.oneof(arnNearMiss(instanceIn('us-east-1')), groupArn, fc.constant(undefined), wrongShape('string')),
      Name: fc.oneof(fc.constantFrom('', 'n'.repeat(129), ' support', 'support ', '\u3000x'), fc.constant(undefined), wrongShape('string')),
      Description: fc.oneof(fc.constantFrom('d'.repeat(251), ' lead', 'trail\n'), wrongShape('string')),
      TelephonyDistribution: fc.oneof(badSplit('us-east-1', 'us-west-2'), wrongShape('map')),
      AgentDistribution: fc.oneof(badSplit('us-east-1', 'us-west-2'), wrongShape('map')),
      Tags: badTags,
    },
  },
  ClaimedPhoneNumber: {
    type: CLAIMED_PHONE_NUMBER_RESOURCE_TYPE,
    // An exact number, or a search by country and type (and perhaps a prefix of the country's calling code).
    valid: fc.tuple(fc.oneof(instanceIn('us-east-1'), groupIn('us-east-1')), fc.boolean()).chain(([target, exact]) => fc.record({
      TargetArn: fc.constant(target),
      PhoneNumber: exact ? e164 : fc.constant(undefined),
      CountryCode: exact ? fc.constant(undefined) : fc.constantFrom('US', 'GB', 'DE'),
      PhoneNumberType: exact ? fc.constant(undefined) : fc.constantFrom(...PHONE_NUMBER_TYPES),
      Description: fc.option(fc.string({ maxLength: 500 }), { nil: undefined }),
      ContactFlowArns: target.includes(':instance/')
        ? fc.option(stringOf('abcdef0123456789-', 1, 36).map(f => [`${target}/contact-flow/${f}`]), { nil: undefined })
        : fc.constant(undefined),
      RemovalPolicy: fc.constantFrom('retain', 'destroy'),
      Tags: tags,
    }).chain(props => fc.option(stringOf('0123456789', 0, 6), { nil: undefined }).map((digits): Record<string, unknown> =>
      props.CountryCode === undefined || digits === undefined ? props : { ...props, Prefix: `+${CALLING_CODES[props.CountryCode]}${digits}` }))),
    invalid: {
      TargetArn: fc.oneof(arnNearMiss(instanceIn('us-east-1')), flowArn, fc.constant(undefined), wrongShape('string')),
      PhoneNumber: fc.oneof(fc.constantFrom('+0123', '12065550100', '+1206555010012345', '+1 206 555 0100', '+1'), wrongShape('string')),
      CountryCode: fc.oneof(fc.constantFrom('us', 'UK', 'USA', 'constructor'), wrongShape('string')),
      PhoneNumberType: fc.oneof(fc.constantFrom('did', 'TOLLFREE', 'toString'), wrongShape('string')),
      Prefix: fc.oneof(fc.constantFrom('+', '1206', '+1234567890123456', '+1-206'), wrongShape('string')),
      Description: fc.oneof(fc.constant('x'.repeat(501)), wrongShape('string')),
      ContactFlowArns: fc.oneof(fc.constant(['not-an-arn']), fc.constant([{}]), flowArn.map(f => [f, f]), wrongShape('list')),
      RemovalPolicy: fc.oneof(fc.constantFrom('RETAIN', 'Destroy', 'snapshot', ''), wrongShape('string')),
      Tags: badTags,
    },
  },
  InstanceReplica: {
    type: INSTANCE_REPLICA_RESOURCE_TYPE,
    valid: fc.record({
      InstanceArn: instanceIn(PAIR_SOURCE),
      ReplicaRegion: fc.constant(PAIR_REPLICA),
      ReplicaAlias: fc.option(replicaAlias, { nil: undefined }),
      RemovalPolicy: fc.constantFrom('retain', 'destroy'),
    }),
    invalid: {
      InstanceArn: fc.oneof(arnNearMiss(instanceIn(PAIR_SOURCE)), fc.constant(undefined), wrongShape('string')),
      ReplicaRegion: fc.oneof(fc.constantFrom(PAIR_SOURCE, 'sa-east-1', PAIR_REPLICA.toUpperCase(), 'constructor'), fc.constant(undefined), wrongShape('string')),
      ReplicaAlias: fc.oneof(fc.constantFrom('d-alias', '-alias', 'alias-', 'a_b', 'a'.repeat(46)), wrongShape('string')),
    },
  },
  TrafficDistribution: {
    type: TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
    noCallOnCreate: true,
    valid: split.chain(s => fc.record({
      TrafficDistributionGroupArn: groupIn(s.instanceRegion),
      TelephonyDistribution: fc.constant(s.value),
      AgentDistribution: fc.option(fc.constant(s.value), { nil: undefined }),
      // Sign-in enabled in one Region, the other, or both.
      SignInDistribution: fc.option(fc.subarray(Object.keys(s.value), { minLength: 1 })
        .map(on => Object.fromEntries(Object.keys(s.value).map(k => [k, on.includes(k)]))), { nil: undefined }),
    })),
    invalid: {
      TrafficDistributionGroupArn: fc.oneof(arnNearMiss(groupIn('us-east-1')), fc.constant(undefined), wrongShape('string')),
      TelephonyDistribution: fc.oneof(badSplit('us-east-1', 'us-west-2'), wrongShape('map')),
      AgentDistribution: fc.oneof(badSplit('us-east-1', 'us-west-2'), wrongShape('map')),
      SignInDistribution: fc.oneof(
        fc.constantFrom({ 'us-east-1': false, 'us-west-2': false }, { 'us-east-1': 'TRUE', 'us-west-2': true }, { 'us-east-1': 'yes' }),
        wrongShape('map'),
      ),
    },
  },
  TrafficDistributionGroupUsers: {
    type: TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
    valid: fc.record({
      TrafficDistributionGroupArn: groupIn('us-east-1'),
      InstanceArn: instanceIn('us-east-1'),
      UserIds: fc.array(uuid, { minLength: 1, maxLength: 5 }),
    }),
    invalid: {
      TrafficDistributionGroupArn: fc.oneof(arnNearMiss(groupIn('us-east-1')), fc.constant(undefined), wrongShape('string')),
      InstanceArn: fc.oneof(arnNearMiss(instanceIn('us-east-1')), fc.constant(undefined), wrongShape('string')),
      UserIds: fc.oneof(fc.constant([]), uuid.map(u => [u, u.toUpperCase().replace(/[0-9]/g, 'A')]), fc.constant([{}]), wrongShape('list')),
    },
  },
};

/** The error onEvent fails with, or undefined when it succeeds. */
async function failureOf(props: Record<string, unknown>, type: string): Promise<unknown> {
  try {
    await onEvent(createEvent(type, props, { logicalId: 'Fuzzed' }));
    return undefined;
  } catch (e) {
    return e;
  }
}

describe.each(Object.entries(TYPES))('%s: onEvent Create', (_name, t) => {
  test('valid properties, as CloudFormation delivers them, pass validation and reach Connect', async () => {
    await fc.assert(fc.asyncProperty(t.valid, async props => {
      cm.resetHistory();
      const e = await failureOf(props, t.type);
      if (t.noCallOnCreate) {
        expect(e).toBeUndefined();
        expect(cm.calls()).toHaveLength(0);
      } else {
        expect(cm.calls().length).toBeGreaterThan(0);
        expectUserFacingError(e, STOP, UserError);
      }
    }), RUNS);
  });

  test.each(Object.keys(t.invalid))('an invalid %s is rejected before any Connect call, naming it', async prop => {
    await fc.assert(fc.asyncProperty(t.valid, t.invalid[prop], async (props, bad) => {
      cm.resetHistory();
      const e = await failureOf({ ...props, [prop]: bad }, t.type);
      expect(cm.calls()).toHaveLength(0);
      expectUserFacingError(e, prop, UserError);
      expect((e as Error).message).toMatch(/^[A-Z][a-z ]+ Fuzzed: invalid property: /);
    }), RUNS);
  });
});

// Known bug (lambda/claimed-phone-number/, the RemovalPolicy check): the message prints the bad value
// with String(), which throws "Cannot convert object to primitive value" on a map with a key
// toString or valueOf, so the error no longer names RemovalPolicy. Fix: print it with excerpt().
test('a RemovalPolicy map with a key toString is rejected naming RemovalPolicy', async () => {
  cm.resetHistory();
  const e = await failureOf({ TargetArn: INSTANCE_ARN, PhoneNumber: '+12065550100', RemovalPolicy: { toString: 'x' } }, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE);
  expect(cm.calls()).toHaveLength(0);
  expectUserFacingError(e, 'RemovalPolicy', UserError);
});
