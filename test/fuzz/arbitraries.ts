/**
 * fast-check arbitraries for the fuzz tests, built from the rules of the Connect API
 * (connect-api.md) rather than from the validators' own patterns, and helpers that check how a
 * validator rejects: a plain `Error` (never a TypeError or RangeError) whose message names the
 * property and stays under 1 KB, so that it fits in CloudFormation's 4 KB response.
 */
import * as fc from 'fast-check';
import { REPLICATION_PAIRS } from '../../src/shared/names';

export const REGION = 'us-east-1';
export const REPLICA = 'us-west-2';
export const ACCOUNT = '111122223333';
export const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
export const INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`;
export const GROUP_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:traffic-distribution-group/99999999-8888-7777-6666-555555555555`;

/** Runs per property: enough to reach the edges of each rule, few enough to keep the folder fast. */
export const RUNS = { numRuns: 200 } as const;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;

/** A string of `min`-`max` characters drawn from `chars`. */
export function stringOf(chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
}

export const uuid = fc.uuid();
export const account = stringOf(DIGITS, 12, 12);
export const partition = fc.constantFrom('aws', 'aws-us-gov');
/** A Region name: two letters, one or two words, a digit (us-east-1, us-gov-west-1), at most 31 characters. */
export const region = fc
  .tuple(stringOf(LOWER, 2, 2), fc.array(stringOf(LOWER, 1, 10), { minLength: 1, maxLength: 2 }), fc.integer({ min: 0, max: 9 }))
  .map(([a, words, n]) => `${a}-${words.join('-')}-${n}`);

const arn = (kind: string) => fc.tuple(partition, region, account, uuid).map(([p, r, a, id]) => `arn:${p}:connect:${r}:${a}:${kind}/${id}`);
export const instanceArn = arn('instance');
export const groupArn = arn('traffic-distribution-group');
export const flowArn = fc.tuple(instanceArn, stringOf(`${ALNUM}-`, 1, 100)).map(([i, f]) => `${i}/contact-flow/${f}`);
export const userArn = fc.tuple(instanceArn, uuid).map(([i, u]) => `${i}/agent/${u}`);

/** JavaScript's white space (what `\s` matches), leading or trailing which a name must not have. */
export const WHITE_SPACE = ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
const notSpace = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter(c => c.length === 1 && !WHITE_SPACE.includes(c));

/** A name or description: `min`-`max` UTF-16 units, neither starting nor ending with white space. */
export function trimmedText(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    notSpace,
    fc.tuple(notSpace, fc.string({ unit: 'binary', maxLength: maxLength - 2 }), notSpace).map(([a, m, b]) => `${a}${m}${b}`),
  ).filter(s => s.length <= maxLength);
}

/** An E.164 number: +, a digit 1-9, then 1 to 14 digits. */
export const e164 = fc.tuple(stringOf('123456789', 1, 1), stringOf(DIGITS, 1, 14)).map(([a, b]) => `+${a}${b}`);

/** A replica alias: 1-45 letters, digits and hyphens, starting and ending with a letter or digit, not `d-...`. */
export const replicaAlias = fc.oneof(
  stringOf(ALNUM, 1, 1),
  fc.tuple(stringOf(ALNUM, 1, 1), stringOf(`${ALNUM}-`, 0, 43), stringOf(ALNUM, 1, 1)).map(([a, m, b]) => `${a}${m}${b}`),
).filter(s => !s.startsWith('d-'));

/** Characters a tag key may hold: letters, digits and white space of any script, and _ . : / = + - @. */
export const TAG_KEY_CHARS = `${ALNUM}_.:/=+-@ éßŁ日本語ΩжЖ١٢٣\u00a0\u3000`;
const tagKey = stringOf(TAG_KEY_CHARS, 1, 128).filter(k => !k.toLowerCase().startsWith('aws:'));
export const tags = fc.dictionary(tagKey, fc.string({ unit: 'binary', maxLength: 256 }).filter(v => v.length <= 256), { maxKeys: 50 });

/** A split of 100 % in steps of 10 between the two Regions of a replication pair, the first the instance's; values as numbers or as CloudFormation's strings. */
export const split = fc.tuple(fc.constantFrom(...Object.entries(REPLICATION_PAIRS).flatMap(([a, bs]) => bs.map(b => [a, b] as const))),
  fc.integer({ min: 0, max: 10 }), fc.boolean())
  .map(([[a, b], tenths, asString]) => {
    const pct = (n: number) => asString ? String(n) : n;
    return { instanceRegion: a, value: { [a]: pct(tenths * 10), [b]: pct(100 - tenths * 10) } };
  });

/** Values that are not strings: what a hand-written template or a bad token can put in a property. */
export const notString = fc
  .anything({ maxDepth: 2, maxKeys: 4, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true })
  .filter(v => typeof v !== 'string');

/** Strings a validator meets in the wild: CloudFormation's scalars, huge ones, unicode, white space. */
export const wildString = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('true', 'false', '', ' ', 'null', 'undefined', '[object Object]', '{}', '[]'),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...WHITE_SPACE), minLength: 1, maxLength: 5 }),
  fc.tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 10_000, max: 100_000 })).map(([s, n]) => (s || 'x').repeat(Math.ceil(n / (s.length || 1)))),
);

/** Anything at all, strings of the wild included. */
export const anyValue = fc.oneof(notString, wildString);

/** A deeply nested list: no JSON encoder can print it, and it must not crash a validator. */
export function deeplyNested(depth = 20_000): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) {
    v = [v];
  }
  return v;
}

/** The error `fn` throws, or undefined when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

/**
 * Expects `e` to be an error of exactly class `kind` (a plain Error unless told: never a TypeError,
 * a RangeError from a stack overflow, or anything else that escaped) naming `prop`, under 1 KB.
 */
export function expectUserFacingError(e: unknown, prop: string, kind: new (message: string) => Error = Error): void {
  expect(e).toBeInstanceOf(Error);
  const error = e as Error;
  expect(error.constructor).toBe(kind);
  expect(error.message).toContain(prop);
  expect(Buffer.byteLength(error.message)).toBeLessThan(1024);
}

/** Expects `fn` to throw a plain Error whose message starts with `prop` and is under 1 KB. */
export function expectRejected(fn: () => unknown, prop: string): void {
  const e = thrown(fn);
  expectUserFacingError(e, prop);
  expect((e as Error).message.startsWith(prop)).toBe(true);
}
