/** Validators of Regions and what spans them: traffic, agent and sign-in distributions, replica Regions and aliases, for validate.ts. */
import { fail, hasOwn, REGION, requireString } from './validate-core';

const REGION_PATTERN = new RegExp(`^${REGION}$`);

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
