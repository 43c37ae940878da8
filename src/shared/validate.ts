/**
 * Validation rules shared by the constructs (at synth, on literal values) and the handlers (at
 * deploy time, on the resolved strings CloudFormation delivers). No imports but its parts,
 * validate-*.ts, which import nothing else: the handler bundle includes them as they are.
 *
 * Every function throws a plain `Error` whose message starts with the property's name, says what
 * is wrong and what was given (cut to a short excerpt), and stays far below 1 KB.
 */

import { fail, requireString } from './validate-core';

export { excerpt } from './validate-core';
export * from './validate-arns';
export * from './validate-phone';
export * from './validate-regions';

const NAME_PATTERN = /^(\S.*\S|\S)$/s;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Name of a traffic distribution group: 1-128 characters, no leading or trailing space. */
export function validateGroupName(prop: string, value: unknown): string {
  return validateTrimmed(prop, value, 128);
}

/** Description of a traffic distribution group: 1-250 characters, no leading or trailing space. */
export function validateGroupDescription(prop: string, value: unknown): string {
  return validateTrimmed(prop, value, 250);
}

/** A string of 1 to `max` characters, no leading or trailing space. */
function validateTrimmed(prop: string, value: unknown, max: number): string {
  const s = requireString(prop, value);
  if (s.length < 1 || s.length > max) {
    fail(prop, `must be 1 to ${max} characters long (it has ${s.length})`, s);
  }
  if (!NAME_PATTERN.test(s)) {
    fail(prop, 'must not start or end with white space', s);
  }
  return s;
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
