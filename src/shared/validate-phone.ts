/** Validators of a phone number's properties (number, country, type, prefix, description, flows), for validate.ts. */
import { REPLICATION_PAIRS } from './names';
import { ParsedFlowArn, parseFlowArn } from './validate-arns';
import { fail, hasOwn, requireString } from './validate-core';

const E164_PATTERN = /^\+[1-9][0-9]{1,14}$/;
const PREFIX_PATTERN = /^\+[0-9]{1,15}$/;

/** The props that say how a number is chosen, by their construct names (the handler maps its template keys to them). */
export type NumberChoiceKey = 'phoneNumber' | 'countryCode' | 'phoneNumberType' | 'prefix' | 'sourcePhoneNumberArn';

/** What breaks the combination rule of a number's choice props (each side words it for its own names). */
export type NumberChoiceProblem =
  | { readonly problem: 'import combined'; readonly with: readonly NumberChoiceKey[] }
  | { readonly problem: 'number combined' }
  | { readonly problem: 'none given' }
  | { readonly problem: 'search incomplete'; readonly missing: 'countryCode' | 'phoneNumberType' };

/**
 * The combination rule of a claimed number, given which props are present: an imported number
 * (sourcePhoneNumberArn) takes none of the others; the exact number (phoneNumber) takes no search
 * key; otherwise countryCode and phoneNumberType (prefix optional) search for one. Undefined when it holds.
 */
export function numberChoiceProblem(given: Readonly<Record<NumberChoiceKey, boolean>>): NumberChoiceProblem | undefined {
  const claimKeys = (['phoneNumber', 'countryCode', 'phoneNumberType', 'prefix'] as const).filter(k => given[k]);
  if (given.sourcePhoneNumberArn) {
    return claimKeys.length > 0 ? { problem: 'import combined', with: claimKeys } : undefined;
  }
  if (given.phoneNumber) {
    return claimKeys.length > 1 ? { problem: 'number combined' } : undefined;
  }
  if (!given.countryCode && !given.phoneNumberType) {
    return { problem: 'none given' };
  }
  if (!given.countryCode || !given.phoneNumberType) {
    return { problem: 'search incomplete', missing: given.countryCode ? 'phoneNumberType' : 'countryCode' };
  }
  return undefined;
}

/** Description of a phone number: up to 500 characters. */
export function validatePhoneDescription(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  if (s.length > 500) {
    fail(prop, `must be at most 500 characters long (it has ${s.length})`, s);
  }
  return s;
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
    const pair = target?.kind === 'group' && target.region !== undefined ? REPLICATION_PAIRS[target.region] : undefined;
    if (pair !== undefined && f.region !== target!.region && !pair.includes(f.region)) {
      fail(`${prop}[${i}]`, `must be in a Region of the group's replication pair, ${[target!.region, ...pair].join(' or ')} `
        + `(the group is in ${target!.region}; its calls go only there): give the flow of the instance or of its replica in one of them`, v);
    }
    out.push(f);
  });
  return out;
}
