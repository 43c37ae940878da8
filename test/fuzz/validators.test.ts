/**
 * Fuzzing of every validator in src/shared/validate.ts (run by the constructs at synth and by the
 * handlers at deploy time): generated valid inputs are accepted and come back normalised;
 * generated invalid inputs (wrong types, CloudFormation's stringified scalars, huge and unicode
 * strings, and near-misses of each rule) are rejected with a plain Error that starts with the
 * property's name and stays under 1 KB. fast-check prints the seed and the shrunk counterexample
 * of any failure.
 */
import * as fc from 'fast-check';
import {
  account, anyValue, deeplyNested, e164, expectRejected, flowArn, groupArn, instanceArn, notString, partition, region,
  replicaAlias, RUNS, split, stringOf, tags, TAG_KEY_CHARS, thrown, trimmedText, userArn, uuid, WHITE_SPACE, wildString,
} from './arbitraries';
import { PHONE_NUMBER_TYPES, REPLICATION_PAIRS } from '../../src/shared/names';
import {
  CALLING_CODES, COUNTRY_CODES, excerpt, parseDistribution, parseFlowArn, parseGroupArn, parseInstanceArn, parsePercentage,
  parseSignIn, parseTargetArn, parseUserId, validateCountryCode, validateFlows, validateGroupDescription, validateGroupName,
  validatePhoneDescription, validatePhoneNumber, validatePhoneNumberType, validatePrefix, validateRegion, validateReplicaAlias,
  validateReplicaRegion, validateTags,
} from '../../src/shared/validate';

const P = 'someProp';
const isSpace = (c: string | undefined) => c !== undefined && WHITE_SPACE.includes(c);

/**
 * A string validator: generated valid strings come back unchanged, the near-misses of its rule
 * are rejected, and any value at all is accepted exactly when the rule (restated here, not taken
 * from the validator) says it is valid, and otherwise rejected with a property-naming Error.
 */
interface StringRule {
  readonly validate: (prop: string, value: unknown) => unknown;
  readonly valid: fc.Arbitrary<string>;
  readonly nearMisses: fc.Arbitrary<string>;
  readonly rule: (s: string) => boolean;
  /** What a valid string is returned as (itself, unless the validator parses it). */
  readonly parsed?: (s: string) => unknown;
}

const e164Rule = (s: string) => s[0] === '+' && /^[0-9]+$/.test(s.slice(1)) && s[1] !== '0' && s.length >= 3 && s.length <= 16;
const aliasRule = (s: string) => s.length >= 1 && s.length <= 45 && /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/.test(s) && !s.startsWith('d-');
const arnParts = (s: string) => /^arn:(aws|aws-us-gov):connect:([a-z]{2}(?:-[a-z]+){1,2}-[0-9]):([0-9]{12}):(.*)$/.exec(s);
const uuidRule = (s: string) => /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(s);
const arnRule = (kind: string) => (s: string) => {
  const m = arnParts(s);
  return m !== null && m[2].length <= 31 && m[4].startsWith(`${kind}/`) && uuidRule(m[4].slice(kind.length + 1));
};

const flowRule = (s: string) => {
  const m = /^(.*)\/contact-flow\/([a-zA-Z0-9-]{1,100})$/.exec(s);
  return m !== null && arnRule('instance')(m[1]);
};

/** Near-misses of an ARN: each part broken in turn. */
function arnNearMisses(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.integer({ min: 0, max: 9 })).map(([arn, k]) => [
    arn.replace(':connect:', ':ec2:'),
    arn.replace(/^arn:aws(-us-gov)?:/, 'arn:aws-cn:'),
    arn.replace(/:[0-9]{12}:/, ':11112222333:'),
    arn.replace(/:[0-9]{12}:/, ':1111222233334:'),
    arn.replace(/\/[0-9a-f-]{36}$/, m => m.toUpperCase().replace(/[0-9]/g, 'A')),
    `${arn}/`,
    ` ${arn}`,
    arn.slice(0, -1),
    arn.replace(/:([a-z]{2}(-[a-z]+){1,2})-[0-9]:/, ':$1:'),
    arn.toUpperCase(),
  ][k]);
}

const STRING_RULES: Record<string, StringRule> = {
  validateGroupName: {
    validate: validateGroupName,
    valid: trimmedText(128),
    nearMisses: fc.oneof(
      fc.constant(''),
      trimmedText(128).filter(s => s.length > 1).map(s => `${s.slice(0, 128 - 1)}xx`.slice(0, 129).padEnd(129, 'x')),
      fc.tuple(fc.constantFrom(...WHITE_SPACE), trimmedText(100)).map(([w, s]) => `${w}${s}`),
      fc.tuple(fc.constantFrom(...WHITE_SPACE), trimmedText(100)).map(([w, s]) => `${s}${w}`),
    ),
    rule: s => s.length >= 1 && s.length <= 128 && !isSpace(s[0]) && !isSpace(s[s.length - 1]),
  },
  validateGroupDescription: {
    validate: validateGroupDescription,
    valid: trimmedText(250),
    nearMisses: fc.oneof(
      fc.constant(''),
      fc.constant('d'.repeat(251)),
      fc.tuple(fc.constantFrom(...WHITE_SPACE), trimmedText(100)).map(([w, s]) => `${w}${s}`),
      fc.tuple(fc.constantFrom(...WHITE_SPACE), trimmedText(100)).map(([w, s]) => `${s}${w}`),
    ),
    rule: s => s.length >= 1 && s.length <= 250 && !isSpace(s[0]) && !isSpace(s[s.length - 1]),
  },
  validatePhoneDescription: {
    validate: validatePhoneDescription,
    valid: fc.string({ unit: 'binary', maxLength: 500 }).filter(s => s.length <= 500),
    nearMisses: fc.integer({ min: 501, max: 5000 }).map(n => 'x'.repeat(n)),
    rule: s => s.length <= 500,
  },
  validateRegion: {
    validate: validateRegion,
    valid: region.filter(r => r.length <= 31),
    nearMisses: fc.constantFrom('us-east', 'US-EAST-1', 'us-east-10', 'useast-1', 'u-east-1', 'us-east-1 ', 'us-east-1a', 'us--east-1', `us-${'a'.repeat(30)}-1`),
    rule: s => /^[a-z]{2}(-[a-z]+){1,2}-[0-9]$/.test(s) && s.length <= 31,
  },
  validatePhoneNumber: {
    validate: validatePhoneNumber,
    valid: e164,
    nearMisses: fc.oneof(
      e164.map(s => s.slice(1)),
      e164.map(s => `+0${s.slice(2)}`),
      fc.constant('+1'),
      stringOf('0123456789', 15, 15).map(d => `+1${d}`), // 16 digits
      e164.map(s => `${s} `),
      e164.map(s => `${s.slice(0, 2)}-${s.slice(2)}`),
      e164.map(s => `${s.slice(0, 2)}\u0661${s.slice(2)}`), // an Arabic-Indic digit
    ),
    rule: e164Rule,
  },
  validateCountryCode: {
    validate: validateCountryCode,
    valid: fc.constantFrom(...COUNTRY_CODES),
    nearMisses: fc.oneof(
      fc.constantFrom(...COUNTRY_CODES).map(c => c.toLowerCase()),
      fc.constantFrom('UK', 'XX', 'USA', 'U', ' US', 'EU', 'constructor', '__proto__'),
    ),
    rule: s => COUNTRY_CODES.includes(s),
  },
  validatePhoneNumberType: {
    validate: (prop, v) => validatePhoneNumberType(prop, v, PHONE_NUMBER_TYPES),
    valid: fc.constantFrom(...PHONE_NUMBER_TYPES),
    nearMisses: fc.oneof(fc.constantFrom(...PHONE_NUMBER_TYPES).map(t => t.toLowerCase()), fc.constantFrom('TOLLFREE', 'DID ', 'toString')),
    rule: s => (PHONE_NUMBER_TYPES as readonly string[]).includes(s),
  },
  validatePrefix: {
    validate: validatePrefix,
    valid: stringOf('0123456789', 1, 15).map(d => `+${d}`),
    nearMisses: fc.oneof(fc.constant('+'), fc.constant('1206'), stringOf('0123456789', 16, 20).map(d => `+${d}`), fc.constant('+12 06')),
    rule: s => /^\+[0-9]{1,15}$/.test(s),
  },
  validateReplicaAlias: {
    validate: validateReplicaAlias,
    valid: replicaAlias,
    nearMisses: fc.oneof(
      fc.constant(''),
      replicaAlias.map(a => `d-${a}`),
      replicaAlias.map(a => `-${a}`),
      replicaAlias.map(a => `${a}-`),
      replicaAlias.map(a => `${a}_x`),
      fc.constant('a'.repeat(46)),
    ),
    rule: aliasRule,
  },
  parseInstanceArn: {
    validate: parseInstanceArn,
    valid: instanceArn,
    nearMisses: fc.oneof(arnNearMisses(instanceArn), groupArn, flowArn),
    rule: arnRule('instance'),
    parsed: s => ({ region: s.split(':')[3], account: s.split(':')[4], id: s.split('/')[1] }),
  },
  parseGroupArn: {
    validate: parseGroupArn,
    valid: groupArn,
    nearMisses: fc.oneof(arnNearMisses(groupArn), instanceArn),
    rule: arnRule('traffic-distribution-group'),
    parsed: s => ({ region: s.split(':')[3], account: s.split(':')[4], id: s.split('/')[1] }),
  },
  parseFlowArn: {
    validate: parseFlowArn,
    valid: flowArn,
    nearMisses: fc.oneof(arnNearMisses(flowArn).filter(s => !flowRule(s)), instanceArn, flowArn.map(f => `${f}/x`),
      flowArn.map(f => f.replace(/\/contact-flow\/.*/, '/contact-flow/')), flowArn.map(f => f.replace(/\/contact-flow\/.*/, `/contact-flow/${'f'.repeat(101)}`))),
    rule: s => flowRule(s),
    parsed: s => ({ region: s.split(':')[3], account: s.split(':')[4], id: s.split('/')[1], flowId: s.split('/')[3] }),
  },
  parseTargetArn: {
    validate: parseTargetArn,
    valid: fc.oneof(instanceArn, groupArn),
    nearMisses: fc.oneof(arnNearMisses(instanceArn), arnNearMisses(groupArn), flowArn),
    rule: s => arnRule('instance')(s) || arnRule('traffic-distribution-group')(s),
    parsed: s => ({
      kind: s.includes(':instance/') ? 'instance' : 'group', region: s.split(':')[3], account: s.split(':')[4], id: s.split('/')[1],
    }),
  },
  parseUserId: {
    validate: parseUserId,
    valid: fc.oneof(uuid, userArn),
    nearMisses: fc.oneof(uuid.map(u => u.toUpperCase().replace(/[0-9]/g, 'A')), uuid.map(u => u.slice(1)), instanceArn, userArn.map(a => a.replace('/agent/', '/user/'))),
    rule: s => uuidRule(s) || /\/agent\//.test(s) && arnRule('instance')(s.slice(0, s.indexOf('/agent/'))) && uuidRule(s.slice(s.indexOf('/agent/') + 7)),
    parsed: s => s.slice(s.lastIndexOf('/') + 1),
  },
};

describe.each(Object.entries(STRING_RULES))('%s', (_name, r) => {
  test('accepts every generated valid value, and returns it (parsed)', () => {
    fc.assert(fc.property(r.valid, s => {
      expect(r.rule(s)).toBe(true); // the generator follows the rule
      expect(r.validate(P, s)).toEqual(r.parsed ? r.parsed(s) : s);
    }), RUNS);
  });

  test('rejects the near-misses of its rule, naming the property', () => {
    fc.assert(fc.property(r.nearMisses, s => {
      expect(r.rule(s)).toBe(false);
      expectRejected(() => r.validate(P, s), P);
    }), RUNS);
  });

  test('rejects every value that is not a string, naming the property', () => {
    fc.assert(fc.property(notString, v => expectRejected(() => r.validate(P, v), P)), RUNS);
  });

  test('on any string, accepts exactly what the rule allows, and rejects the rest naming the property', () => {
    fc.assert(fc.property(wildString, s => {
      if (r.rule(s)) {
        expect(r.validate(P, s)).toEqual(r.parsed ? r.parsed(s) : s);
      } else {
        expectRejected(() => r.validate(P, s), P);
      }
    }), RUNS);
  });

  test('a value nested too deeply to print is still rejected with a plain Error', () => {
    expectRejected(() => r.validate(P, deeplyNested()), P);
  });
});

describe('excerpt', () => {
  test('is short and never throws, whatever the value', () => {
    const check = (v: unknown) => {
      const s = excerpt(v);
      expect(typeof s).toBe('string');
      expect(s.length).toBeLessThan(120);
    };
    fc.assert(fc.property(anyValue, check), RUNS);
    check(deeplyNested());
  });
});

describe('validatePrefix with a country', () => {
  const known = fc.constantFrom(...Object.keys(CALLING_CODES));

  test('accepts a prefix that starts with the calling code, or is the start of it', () => {
    fc.assert(fc.property(known, stringOf('0123456789', 0, 10), fc.nat(), (country, rest, cut) => {
      const cc = CALLING_CODES[country];
      const full = `+${cc}${rest}`;
      const partial = `+${cc.slice(0, 1 + cut % cc.length)}`;
      expect(validatePrefix(P, full, country)).toBe(full);
      expect(validatePrefix(P, partial, country)).toBe(partial);
    }), RUNS);
  });

  test('rejects a prefix of another calling code, naming the property and the code', () => {
    fc.assert(fc.property(known, stringOf('0123456789', 1, 14), (country, digits) => {
      const cc = CALLING_CODES[country];
      fc.pre(!digits.startsWith(cc) && !cc.startsWith(digits));
      expectRejected(() => validatePrefix(P, `+${digits}`, country), P);
      expect(thrown(() => validatePrefix(P, `+${digits}`, country))).toHaveProperty('message', expect.stringContaining(`+${cc}`));
    }), RUNS);
  });

  test('a country it has no calling code for (or any other string) is not checked, and never crashes', () => {
    fc.assert(fc.property(fc.oneof(wildString, fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty')), stringOf('0123456789', 1, 15), (country, digits) => {
      fc.pre(!Object.prototype.hasOwnProperty.call(CALLING_CODES, country));
      expect(validatePrefix(P, `+${digits}`, country)).toBe(`+${digits}`);
    }), RUNS);
  });
});

describe('parsePercentage', () => {
  const step = fc.integer({ min: 0, max: 10 }).map(n => n * 10);

  test('accepts 0-100 in steps of 10, as a number or as the string CloudFormation sends', () => {
    fc.assert(fc.property(step, n => {
      expect(parsePercentage(P, n)).toBe(n);
      expect(parsePercentage(P, String(n))).toBe(n);
    }), RUNS);
  });

  test('rejects anything else: off-step, out of range, fractions, and non-numbers', () => {
    const bad = fc.oneof(
      fc.integer({ min: 0, max: 100 }).filter(n => n % 10 !== 0),
      fc.integer().filter(n => n < 0 || n > 100),
      fc.double().filter(n => !Number.isInteger(n)),
      fc.constantFrom(101, 110, 5, 15, -10, '101', '5', '-10', '10.0', '1e1', ' 70', '70 ', '0x1', '', 'NaN', 'Infinity', '٧٠'),
    );
    fc.assert(fc.property(fc.oneof(bad, bad.map(String)), v => expectRejected(() => parsePercentage(P, v), P)), RUNS);
  });

  test('any value: a plain Error naming the property, or a valid percentage', () => {
    fc.assert(fc.property(anyValue, v => {
      const e = thrown(() => parsePercentage(P, v));
      if (e === undefined) {
        const n = parsePercentage(P, v);
        expect([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]).toContain(n);
      } else {
        expectRejected(() => parsePercentage(P, v), P);
      }
    }), RUNS);
  });
});

describe('parseDistribution', () => {
  test('accepts two Regions, steps of 10, summing to 100, including the instance Region; returns numbers', () => {
    fc.assert(fc.property(split, ({ instanceRegion, value }) => {
      const out = parseDistribution(P, value, instanceRegion);
      expect(out).toEqual(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Number(v)])));
      expect(Object.values(out).reduce((a, b) => a + b, 0)).toBe(100);
      expect(parseDistribution(P, value)).toEqual(out);
    }), RUNS);
  });

  test('rejects near-misses: a sum of 90 or 110, a step of 5, one or three Regions, a bad Region key, the instance Region missing', () => {
    const nearMiss = fc.tuple(split, fc.integer({ min: 0, max: 7 })).map(([{ instanceRegion, value }, k]) => {
      const [[a, va], [b, vb]] = Object.entries(value).map(([r, v]) => [r, Number(v)] as const);
      const cases: Array<[Record<string, unknown>, string | undefined]> = [
        [{ [a]: va, [b]: vb + 10 }, instanceRegion],
        [{ [a]: va, [b]: vb - 10 }, instanceRegion],
        [{ [a]: va + 5, [b]: vb - 5 }, instanceRegion],
        [{ [a]: 100 }, instanceRegion],
        [{ [a]: va, [b]: vb, 'sa-east-1': 0 }, instanceRegion],
        [{ [a]: va, [b.toUpperCase()]: vb }, instanceRegion],
        [{ [a]: va, [b]: vb }, 'sa-east-1'],
        [{ [a]: va, [b]: vb }, 'toString'],
      ];
      return cases[k];
    });
    fc.assert(fc.property(nearMiss, ([value, instanceRegion]) => expectRejected(() => parseDistribution(P, value, instanceRegion), P)), RUNS);
  });

  test('rejects values that are not a map, and maps of junk, naming the property', () => {
    const junkMap = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'us-east-1')), anyValue, { maxKeys: 4 });
    fc.assert(fc.property(fc.oneof(anyValue.filter(v => typeof v !== 'object' || v === null || Array.isArray(v)), junkMap), v => {
      const e = thrown(() => parseDistribution(P, v, 'us-east-1'));
      if (e !== undefined) {
        expectRejected(() => parseDistribution(P, v, 'us-east-1'), P);
      } else {
        expect(Object.values(parseDistribution(P, v, 'us-east-1')).reduce((x, y) => x + y, 0)).toBe(100);
      }
    }), RUNS);
    expectRejected(() => parseDistribution(P, deeplyNested()), P);
  });
});

describe('parseSignIn', () => {
  const bool = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false'));
  const valid = fc.tuple(region, region, bool, bool).filter(([a, b, x, y]) => a !== b && (x === true || x === 'true' || y === true || y === 'true'));

  test('accepts two Regions, true/false or the strings CloudFormation sends, at least one enabled', () => {
    fc.assert(fc.property(valid, ([a, b, x, y]) => {
      expect(parseSignIn(P, { [a]: x, [b]: y })).toEqual({ [a]: String(x) === 'true', [b]: String(y) === 'true' });
    }), RUNS);
  });

  test('rejects both disabled, TRUE/yes/1, one or three Regions, and non-maps', () => {
    fc.assert(fc.property(valid, fc.integer({ min: 0, max: 5 }), anyValue.filter(v => typeof v !== 'object' || v === null || Array.isArray(v)),
      ([a, b, x], k, junk) => {
        const cases: unknown[] = [
          { [a]: false, [b]: 'false' },
          { [a]: 'TRUE', [b]: x },
          { [a]: 1, [b]: x },
          { [a]: x },
          { [a]: x, [b]: x, 'sa-east-1': 'false' },
          junk,
        ];
        expectRejected(() => parseSignIn(P, cases[k]), P);
      }), RUNS);
  });
});

describe('validateTags', () => {
  test('accepts up to 50 tags with keys 1-128 (letters, digits, spaces, _.:/=+-@ of any script) and values up to 256', () => {
    fc.assert(fc.property(tags, t => {
      expect(validateTags(P, t)).toEqual(t);
    }), RUNS);
    expect(validateTags(P, undefined)).toEqual({});
    expect(validateTags(P, null)).toEqual({});
  });

  test('a key that is a name of Object.prototype is kept as a tag (found by fuzzing: __proto__ was dropped)', () => {
    // JSON.parse makes own properties, as in the event CloudFormation delivers.
    const delivered = JSON.parse('{"__proto__":"a","constructor":"b","toString":"c"}');
    const out = validateTags(P, delivered);
    expect(Object.entries(out)).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c']]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  test('rejects 51 tags, aws: keys, 129-character or empty keys, keys with other characters, long or non-string values', () => {
    const key = stringOf(TAG_KEY_CHARS, 1, 20).filter(k => !k.toLowerCase().startsWith('aws:'));
    const nearMiss = fc.tuple(tags, key, fc.integer({ min: 0, max: 8 }), fc.constantFrom('#', '!', '😀', '\n', '<', '\u0000')).map(([t, k, i, bad]) => {
      const cases: Array<Record<string, unknown>> = [
        Object.fromEntries(Array.from({ length: 51 }, (_, n) => [`k${n}`, 'v'])),
        { ...t, [`aws:${k}`]: 'v' },
        { ...t, [`AWS:${k}`]: 'v' },
        { ...t, ['k'.repeat(129)]: 'v' },
        { ...t, '': 'v' },
        { ...t, [`${k}${bad}`]: 'v' },
        { ...t, [k]: 'v'.repeat(257) },
        { ...t, [k]: 42 },
        { ...t, [k]: null },
      ];
      return cases[i];
    });
    fc.assert(fc.property(nearMiss, t => expectRejected(() => validateTags(P, t), P)), RUNS);
  });

  test('rejects values that are not maps, naming the property', () => {
    fc.assert(fc.property(anyValue.filter(v => v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))),
      v => expectRejected(() => validateTags(P, v), P)), RUNS);
    expectRejected(() => validateTags(P, deeplyNested()), P);
  });
});

describe('validateFlows', () => {
  const flowOf = (instance: string) => stringOf('abcdef0123456789-', 1, 40).map(f => `${instance}/contact-flow/${f}`);
  const instanceTarget = fc.tuple(region, account, uuid).chain(([r, a, id]) => {
    const inst = `arn:aws:connect:${r}:${a}:instance/${id}`;
    return fc.record({ r: fc.constant(r), id: fc.constant(id), inst: fc.constant(inst), flow: flowOf(inst) });
  });

  test('accepts one flow of an instance target, in its Region; and, for a group, one in each Region of the instance', () => {
    fc.assert(fc.property(instanceTarget, region, partition, ({ r, id, inst, flow }, other, p) => {
      fc.pre(other !== r);
      expect(validateFlows(P, [flow], { kind: 'instance', instanceId: id, region: r }).map(f => f.flowId)).toEqual([flow.split('/')[3]]);
      const replicaFlow = flow.replace(`:${r}:`, `:${other}:`).replace(/^arn:aws:/, `arn:${p}:`);
      expect(validateFlows(P, [flow, replicaFlow], { kind: 'group', instanceId: id })).toHaveLength(2);
      expect(validateFlows(P, [], { kind: 'group' })).toEqual([]);
      expect(validateFlows(P, undefined)).toEqual([]);
      expect(inst).toContain(id);
    }), RUNS);
  });

  test('rejects two flows of one instance, a flow of another instance or Region, non-ARNs and non-lists, naming the property', () => {
    fc.assert(fc.property(instanceTarget, instanceTarget, fc.integer({ min: 0, max: 4 }), anyValue, ({ r, id, flow }, other, k, junk) => {
      fc.pre(other.id !== id && other.r !== r);
      const target = { kind: 'instance' as const, instanceId: id, region: r };
      const cases: Array<[unknown, typeof target | undefined]> = [
        [[flow, flow.replace(/contact-flow\/.*$/, 'contact-flow/other')], undefined],
        [[other.flow], target],
        [[flow.replace(`:${r}:`, `:${other.r}:`)], target],
        [[flow, junk], target],
        // Any scalar but null and undefined (which mean "no flows"); maps and lists become a string.
        [junk === null || junk === undefined || typeof junk === 'object' ? 'not-a-list' : junk, target],
      ];
      const [value, t] = cases[k];
      fc.pre(!(k === 3 && typeof junk === 'string' && /contact-flow/.test(junk)));
      expectRejected(() => validateFlows(P, value, t), P);
    }), RUNS);
  });
});

describe('validateReplicaRegion', () => {
  const pairs = Object.entries(REPLICATION_PAIRS).flatMap(([s, rs]) => rs.map(r => [s, r] as const));

  test('accepts the Region a source replicates to; with the source unknown, any Region', () => {
    fc.assert(fc.property(fc.constantFrom(...pairs), region, ([source, replica], any) => {
      expect(validateReplicaRegion(P, replica, source, REPLICATION_PAIRS)).toBe(replica);
      fc.pre(any.length <= 31);
      expect(validateReplicaRegion(P, any, undefined, REPLICATION_PAIRS)).toBe(any);
    }), RUNS);
  });

  test('rejects the source itself, a Region it does not replicate to, any Region of a source that replicates nowhere, and junk', () => {
    fc.assert(fc.property(fc.constantFrom(...pairs), region, anyValue, fc.constantFrom('sa-east-1', 'constructor', '__proto__', 'toString'),
      ([source], other, junk, nowhere) => {
        fc.pre(!REPLICATION_PAIRS[source].includes(other));
        expectRejected(() => validateReplicaRegion(P, source, source, REPLICATION_PAIRS), P);
        expectRejected(() => validateReplicaRegion(P, other, source, REPLICATION_PAIRS), P);
        expectRejected(() => validateReplicaRegion(P, 'us-west-2', nowhere, REPLICATION_PAIRS), P);
        if (thrown(() => validateRegion(P, junk)) !== undefined) {
          expectRejected(() => validateReplicaRegion(P, junk, source, REPLICATION_PAIRS), P);
        }
      }), RUNS);
  });
});

describe('every validator of maps, lists and numbers, any value', () => {
  // (The string validators met every value above.) Extra arguments get plausible values; each
  // validator must return, or throw a plain Error naming the property.
  const all: Record<string, (prop: string, v: unknown) => unknown> = {
    validatePrefixUS: (p, v) => validatePrefix(p, v, 'US'),
    parsePercentage,
    parseDistribution: (p, v) => parseDistribution(p, v, 'us-east-1'),
    parseSignIn,
    validateTags,
    validateFlows: (p, v) => validateFlows(p, v, { kind: 'instance', instanceId: '11111111-2222-3333-4444-555555555555', region: 'us-east-1' }),
    validateReplicaRegion: (p, v) => validateReplicaRegion(p, v, 'us-east-1', REPLICATION_PAIRS),
  };

  test.each(Object.keys(all))('%s', name => {
    fc.assert(fc.property(fc.oneof(anyValue, fc.array(anyValue, { maxLength: 3 }), fc.dictionary(fc.string(), anyValue, { maxKeys: 3 })), v => {
      const e = thrown(() => all[name](P, v));
      if (e !== undefined) {
        expectRejected(() => all[name](P, v), P);
      }
    }), { numRuns: 200 });
  });
});
