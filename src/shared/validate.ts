/**
 * Validation rules shared by the constructs (at synth, on literal values) and the handlers (at
 * deploy time, on the resolved strings CloudFormation delivers). No imports: the handler bundle
 * includes this file as it is.
 *
 * Every function throws a plain `Error` whose message starts with the property's name, says what
 * is wrong and what was given (cut to a short excerpt), and stays far below 1 KB.
 */

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const REGION = '[a-z]{2}(?:-[a-z]+){1,2}-[0-9]';
const PARTITION = 'aws(?:-us-gov)?';

/** An instance ARN, as the Connect API and AWS::Connect::TrafficDistributionGroup accept it. */
export const INSTANCE_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):instance/(${UUID})$`);
/** A traffic distribution group ARN. */
export const GROUP_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):traffic-distribution-group/(${UUID})$`);
/** A contact flow ARN. */
export const FLOW_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):instance/(${UUID})/contact-flow/([a-zA-Z0-9-]{1,100})$`);
/** A phone number ARN. */
export const PHONE_NUMBER_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):phone-number/(${UUID})$`);

/**
 * A phone number of AWS End User Messaging SMS (service prefix sms-voice), the source of
 * ImportPhoneNumber: `arn:aws:sms-voice:<region>:<account>:phone-number/<id>` (connect-api.md:
 * ImportPhoneNumber; the id form, `phone-` and 32 hex digits, is End User Messaging's; any
 * letters, digits, `_` and `-` are accepted).
 */
export const SOURCE_PHONE_NUMBER_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:sms-voice:(${REGION}):([0-9]{12}):phone-number/([A-Za-z0-9_-]{1,128})$`);

const REGION_PATTERN = new RegExp(`^${REGION}$`);
const NAME_PATTERN = /^(\S.*\S|\S)$/s;
const E164_PATTERN = /^\+[1-9][0-9]{1,14}$/;
const PREFIX_PATTERN = /^\+[0-9]{1,15}$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A short, printable excerpt of a bad value, so that messages stay small. */
export function excerpt(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    // JSON.stringify throws on a BigInt, a cycle or deep nesting; String() then may too (an
    // object without a prototype, a deeply nested array), and must not turn a rejection into a crash.
    try {
      s = String(value);
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  return s.length > 80 ? `'${s.slice(0, 77)}...' (${s.length} characters)` : `'${s}'`;
}

/** A key of the map itself: `constructor` or `__proto__` must not find Object.prototype's. */
function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

function fail(prop: string, problem: string, value: unknown): never {
  throw new Error(`${prop} ${problem}; got ${excerpt(value)}`);
}

function requireString(prop: string, value: unknown): string {
  if (typeof value !== 'string') {
    fail(prop, 'must be a string', value);
  }
  return value;
}

/** The parts of a Connect ARN. */
export interface ParsedArn {
  readonly region: string;
  readonly account: string;
  readonly id: string;
}

export function parseInstanceArn(prop: string, value: unknown): ParsedArn {
  const m = INSTANCE_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<uuid>)', value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

export function parseGroupArn(prop: string, value: unknown): ParsedArn {
  const m = GROUP_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be a traffic distribution group ARN (arn:aws:connect:<region>:<account>:traffic-distribution-group/<uuid>)', value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

/** A contact flow ARN: the Region and the instance it belongs to, and the flow's id. */
export interface ParsedFlowArn extends ParsedArn {
  readonly flowId: string;
}

export function parseFlowArn(prop: string, value: unknown): ParsedFlowArn {
  const m = FLOW_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be a contact flow ARN (arn:aws:connect:<region>:<account>:instance/<uuid>/contact-flow/<id>)', value);
  }
  return { region: m[1], account: m[2], id: m[3], flowId: m[4] };
}

/**
 * An End User Messaging phone number ARN to import. With `instanceRegion`, it must be in that
 * Region (ImportPhoneNumber is called in the instance's Region, on a number of that Region).
 */
export function parseSourcePhoneNumberArn(prop: string, value: unknown, instanceRegion?: string): ParsedArn {
  const m = SOURCE_PHONE_NUMBER_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be an AWS End User Messaging phone number ARN (arn:aws:sms-voice:<region>:<account>:phone-number/<id>)', value);
  }
  if (instanceRegion !== undefined && m[1] !== instanceRegion) {
    fail(prop, `must be a number in the instance's Region ${instanceRegion} (ImportPhoneNumber imports a number of the instance's Region)`, value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

/** The target of a phone number: an instance or a traffic distribution group. */
export interface ParsedTarget extends ParsedArn {
  readonly kind: 'instance' | 'group';
}

export function parseTargetArn(prop: string, value: unknown): ParsedTarget {
  const s = requireString(prop, value);
  const i = INSTANCE_ARN_PATTERN.exec(s);
  if (i) {
    return { kind: 'instance', region: i[1], account: i[2], id: i[3] };
  }
  const g = GROUP_ARN_PATTERN.exec(s);
  if (g) {
    return { kind: 'group', region: g[1], account: g[2], id: g[3] };
  }
  return fail(prop, 'must be the ARN of an Amazon Connect instance or of a traffic distribution group', value);
}

/** Name of a traffic distribution group: 1-128 characters, no leading or trailing space. */
export function validateGroupName(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (s.length < 1 || s.length > 128) {
    fail(prop, `must be 1 to 128 characters long (it has ${s.length})`, s);
  }
  if (!NAME_PATTERN.test(s)) {
    fail(prop, 'must not start or end with white space', s);
  }
  return s;
}

/** Description of a traffic distribution group: 1-250 characters, no leading or trailing space. */
export function validateGroupDescription(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (s.length < 1 || s.length > 250) {
    fail(prop, `must be 1 to 250 characters long (it has ${s.length})`, s);
  }
  if (!NAME_PATTERN.test(s)) {
    fail(prop, 'must not start or end with white space', s);
  }
  return s;
}

/** Description of a phone number: up to 500 characters. */
export function validatePhoneDescription(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (s.length > 500) {
    fail(prop, `must be at most 500 characters long (it has ${s.length})`, s);
  }
  return s;
}

export function validateRegion(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (!REGION_PATTERN.test(s) || s.length > 31) {
    fail(prop, 'must be an AWS Region such as us-east-1', s);
  }
  return s;
}

/**
 * Parses one percentage: an integer 0-100 in steps of 10. CloudFormation delivers numbers as
 * strings, so the decimal string form is accepted too.
 */
export function parsePercentage(prop: string, value: unknown): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string' && /^[0-9]{1,3}$/.test(value)) {
    n = Number(value);
  } else {
    return fail(prop, 'must be an integer percentage from 0 to 100', value);
  }
  if (!Number.isInteger(n) || n < 0 || n > 100) {
    fail(prop, 'must be an integer percentage from 0 to 100', value);
  }
  if (n % 10 !== 0) {
    fail(prop, 'must be a multiple of 10 (Amazon Connect distributes traffic in steps of 10 %)', value);
  }
  return n;
}

/**
 * A traffic or agent distribution: exactly two Regions, one of them the instance's, integer
 * percentages 0-100 in steps of 10 that sum to 100. `instanceRegion` is skipped when unknown.
 * Returns the distribution with numeric values.
 */
export function parseDistribution(prop: string, value: unknown, instanceRegion?: string, pairs?: Record<string, string[]>): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(prop, 'must be a map of Region to percentage, such as { "us-east-1": 70, "us-west-2": 30 }', value);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 2) {
    fail(prop, `must name exactly two Regions, the instance's and its replica's (it names ${entries.length})`, value);
  }
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [region, pct] of entries) {
    validateRegion(`${prop} key`, region);
    out[region] = parsePercentage(`${prop}['${region}']`, pct);
    sum += out[region];
  }
  if (sum !== 100) {
    fail(prop, `percentages must sum to 100 (they sum to ${sum})`, value);
  }
  if (instanceRegion !== undefined && !hasOwn(out, instanceRegion)) {
    fail(prop, `must include the instance's Region ${instanceRegion}`, value);
  }
  if (pairs !== undefined) {
    const [a, b] = Object.keys(out);
    const paired = (x: string, y: string) => (pairs[x] ?? []).includes(y);
    const ok = instanceRegion !== undefined ? paired(instanceRegion, instanceRegion === a ? b : a) : paired(a, b) || paired(b, a);
    if (!ok) {
      const source = instanceRegion ?? a;
      const expected = (pairs[source] ?? []).map(r => `'${source}' and '${r}'`).join(', or ');
      fail(prop, `names ${a} and ${b}, which are not a replication pair of Global Resiliency: `
        + (expected !== '' ? `an instance in ${source} replicates to ${(pairs[source] ?? []).join(', ')}, so name ${expected}` : `${source} replicates to no Region`), value);
    }
  }
  return out;
}

/** Tags: at most 50; keys 1-128, not starting with `aws:`; values up to 256 characters. */
export function validateTags(prop: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return fail(prop, 'must be a map of tag key to value', value);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) {
    fail(prop, `must have at most 50 tags (it has ${entries.length})`, Object.keys(value as object).join(','));
  }
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128) {
      fail(prop, 'keys must be 1 to 128 characters long', k);
    }
    if (k.toLowerCase().startsWith('aws:')) {
      fail(prop, "keys must not start with 'aws:' (reserved for AWS)", k);
    }
    if (!TAG_KEY_PATTERN.test(k)) {
      fail(prop, 'keys may contain only letters, digits, spaces and _ . : / = + - @', k);
    }
    if (typeof v !== 'string') {
      fail(`${prop}['${k}']`, 'must be a string', v);
    }
    if (v.length > 256) {
      fail(`${prop}['${k}']`, `must be at most 256 characters long (it has ${v.length})`, v);
    }
  }
  // Not `out[k] = v`: a valid key `__proto__` would set the prototype and the tag would be lost.
  return Object.fromEntries(entries) as Record<string, string>;
}

/** An E.164 phone number: `+`, a digit 1-9, then 1 to 14 digits. */
export function validatePhoneNumber(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (!E164_PATTERN.test(s)) {
    fail(prop, 'must be an E.164 number: + then a digit 1-9 and up to 14 more digits, such as +12065550100', s);
  }
  return s;
}

/** ISO 3166-1 alpha-2 country codes (the Connect API's PhoneNumberCountryCode enum draws from these). */
export const COUNTRY_CODES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
  'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
  'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

/**
 * Country calling codes for the countries where Amazon Connect sells numbers most, used to check
 * that a prefix fits the country. Countries not listed are not checked.
 */
export const CALLING_CODES: Record<string, string> = {
  US: '1',
  CA: '1',
  PR: '1',
  GB: '44',
  IE: '353',
  DE: '49',
  FR: '33',
  ES: '34',
  IT: '39',
  NL: '31',
  BE: '32',
  AT: '43',
  CH: '41',
  SE: '46',
  NO: '47',
  DK: '45',
  FI: '358',
  PL: '48',
  PT: '351',
  AU: '61',
  NZ: '64',
  JP: '81',
  KR: '82',
  SG: '65',
  HK: '852',
  IN: '91',
  ZA: '27',
  BR: '55',
  MX: '52',
  AR: '54',
  CL: '56',
  CO: '57',
  IL: '972',
  AE: '971',
  PH: '63',
  MY: '60',
  TH: '66',
  ID: '62',
};

export function validateCountryCode(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (!COUNTRY_CODES.includes(s)) {
    fail(prop, 'must be an ISO 3166-1 alpha-2 country code in upper case, such as US or GB', s);
  }
  return s;
}

export function validatePhoneNumberType(prop: string, value: unknown, types: readonly string[]): string {
  const s = requireString(prop, value);
  if (!types.includes(s)) {
    fail(prop, `must be one of ${types.join(', ')}`, s);
  }
  return s;
}

/** A search prefix: `+` then 1 to 15 digits, starting with the country's calling code when known. */
export function validatePrefix(prop: string, value: unknown, countryCode?: string): string {
  const s = requireString(prop, value);
  if (!PREFIX_PATTERN.test(s)) {
    fail(prop, 'must be + then 1 to 15 digits, starting with the country calling code, such as +1206', s);
  }
  const cc = countryCode === undefined || !hasOwn(CALLING_CODES, countryCode) ? undefined : CALLING_CODES[countryCode];
  if (cc !== undefined) {
    const digits = s.slice(1);
    const fits = digits.length >= cc.length ? digits.startsWith(cc) : cc.startsWith(digits);
    if (!fits) {
      fail(prop, `must start with +${cc}, the calling code of ${countryCode}`, s);
    }
  }
  return s;
}

/**
 * Contact flows of a phone number: each a flow ARN, at most one per instance (per Region), each in
 * the target's instance (for a group target, the instance or its replica: the same instance id in
 * the other Region). The target is skipped when unknown.
 */
export function validateFlows(prop: string, value: unknown, target?: { kind: 'instance' | 'group'; instanceId?: string; region?: string }): ParsedFlowArn[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    return fail(prop, 'must be a list of contact flow ARNs', value);
  }
  const seen = new Map<string, string>();
  const out: ParsedFlowArn[] = [];
  value.forEach((v, i) => {
    const f = parseFlowArn(`${prop}[${i}]`, v);
    const key = `${f.region}/${f.id}`;
    if (seen.has(key)) {
      fail(prop, `must name at most one flow per instance (a number answers with one flow per instance); instance ${f.id} in ${f.region} has two`, value);
    }
    seen.set(key, v as string);
    if (target?.instanceId !== undefined && f.id !== target.instanceId) {
      fail(`${prop}[${i}]`, `must be a flow of the target's instance ${target.instanceId}${target.kind === 'group' ? ' or of its replica' : ''}`, v);
    }
    if (target?.kind === 'instance' && target.region !== undefined && f.region !== target.region) {
      fail(`${prop}[${i}]`, `must be in the target instance's Region ${target.region} (only a number on a traffic distribution group answers in the replica Region)`, v);
    }
    out.push(f);
  });
  return out;
}

const ALIAS_PATTERN = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;

/** A replica alias: 1-45 letters, digits and hyphens, not starting with `d-`. */
export function validateReplicaAlias(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (s.length < 1 || s.length > 45 || !ALIAS_PATTERN.test(s)) {
    fail(prop, "must be 1 to 45 letters, digits and hyphens, start and end with a letter or digit, and not start with 'd-'", s);
  }
  return s;
}

/** The replica Region must be one the source Region can replicate to. */
export function validateReplicaRegion(prop: string, value: unknown, sourceRegion: string | undefined, pairs: Record<string, string[]>): string {
  const s = validateRegion(prop, value);
  if (sourceRegion !== undefined) {
    const allowed = hasOwn(pairs, sourceRegion) ? pairs[sourceRegion] : [];
    if (!allowed.includes(s)) {
      fail(prop, allowed.length > 0
        ? `must be a Region that ${sourceRegion} replicates to (${allowed.join(', ')})`
        : `cannot be set: Global Resiliency does not replicate instances from ${sourceRegion}`, s);
    }
  }
  return s;
}

/** A sign-in distribution: a map of Region to true/false (CloudFormation delivers 'true'/'false'). */
export function parseSignIn(prop: string, value: unknown): Record<string, boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(prop, 'must be a map of Region to true or false, such as { "us-east-1": true, "us-west-2": false }', value);
  }
  const out: Record<string, boolean> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 2) {
    fail(prop, `must name exactly two Regions, the instance's and its replica's (it names ${entries.length})`, value);
  }
  for (const [region, v] of entries) {
    validateRegion(`${prop} key`, region);
    if (v === true || v === 'true') {
      out[region] = true;
    } else if (v === false || v === 'false') {
      out[region] = false;
    } else {
      fail(`${prop}['${region}']`, 'must be true or false', v);
    }
  }
  if (!Object.values(out).some(x => x)) {
    fail(prop, 'must enable sign-in in at least one Region', value);
  }
  return out;
}

/** A Connect user id (UUID) or user ARN; returns the id. */
export function parseUserId(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  const m = new RegExp(`^(?:arn:${PARTITION}:connect:${REGION}:[0-9]{12}:instance/${UUID}/agent/)?(${UUID})$`).exec(s);
  if (!m) {
    fail(prop, 'must be a Connect user id (a UUID) or user ARN', s);
  }
  return m[1];
}

/**
 * The removal policy a custom resource carries ('retain' or 'destroy'; absent means 'retain'): what
 * the handler does with the Connect resource when CloudFormation deletes the custom resource.
 */
export function parseRemovalPolicy(prop: string, value: unknown): 'retain' | 'destroy' {
  if (value === undefined || value === 'retain') {
    return 'retain';
  }
  if (value === 'destroy') {
    return 'destroy';
  }
  fail(prop, "must be 'retain' or 'destroy'", value);
}
