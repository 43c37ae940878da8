/**
 * What every validator of validate.ts shares: the parts of an AWS ARN, and the message format
 * (the property's name, the problem, a short excerpt of the value). No imports.
 */

export const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
export const REGION = '[a-z]{2}(?:-[a-z]+){1,2}-[0-9]';
export const PARTITION = 'aws(?:-us-gov)?';

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
export function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export function fail(prop: string, problem: string, value: unknown): never {
  throw new Error(`${prop} ${problem}; got ${excerpt(value)}`);
}

export function requireString(prop: string, value: unknown): string {
  if (typeof value !== 'string') {
    fail(prop, 'must be a string', value);
  }
  return value;
}
