/**
 * IAM policy evaluation for the local engine: identity-based statements (Allow/Deny, Action or
 * NotAction, Resource or NotResource) matched as IAM matches them. Actions: case-insensitive, with
 * `*` and `?`. Resources: ARN by ARN segment (partition, service, Region, account, resource), each
 * with `*` and `?`, case-sensitive; a bare `*` matches every resource. An explicit Deny wins; each
 * resource of a request must be allowed by some statement.
 *
 * Conditions are not evaluated, and read harshly: an Allow with a Condition grants nothing, a Deny
 * with a Condition always applies. (The library's own grants carry no conditions.)
 */

/** A statement of a policy document, as CloudFormation resolves it. */
export interface PolicyStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: unknown;
}

/**
 * The expressions of the patterns seen so far: every call of every function is authorized against
 * the same few statements, so each pattern is compiled once (it was a tenth of the model test's CPU).
 */
const compiled = new Map<string, RegExp>();

/** Glob match with IAM's two wildcards: `*` (any run of characters) and `?` (one character). */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    const escaped = pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('');
    re = new RegExp(`^${escaped}$`, ignoreCase ? 'is' : 's');
    compiled.set(key, re);
  }
  return re.test(value);
}

/** Whether an action pattern (`connect:Claim*`) matches an action; service and name are case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(pattern, action, true);
}

/** Splits an ARN into its six parts: the resource part keeps any further colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) {
    return undefined;
  }
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Whether a resource pattern matches an ARN, segment by segment (a wildcard never spans a colon of the first five). */
export function resourceMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') {
    return true;
  }
  const p = arnParts(pattern);
  const a = arnParts(arn);
  if (p === undefined || a === undefined) {
    return false;
  }
  return p.every((segment, i) => globMatch(segment, a[i]));
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

function statementApplies(s: PolicyStatement, action: string, resource: string): boolean {
  const actionOk = s.Action !== undefined
    ? list(s.Action).some(p => actionMatches(p, action))
    : s.NotAction !== undefined && !list(s.NotAction).some(p => actionMatches(p, action));
  if (!actionOk) {
    return false;
  }
  return s.Resource !== undefined
    ? list(s.Resource).some(p => resourceMatches(p, resource))
    : s.NotResource !== undefined && !list(s.NotResource).some(p => resourceMatches(p, resource));
}

/** The outcome for one action on its resources: allowed, or the first resource refused and why. */
export type Evaluation =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly resource: string; readonly reason: 'explicit deny' | 'no allow' };

/** Evaluates `action` on every one of `resources` against identity-based statements. */
export function evaluate(statements: readonly PolicyStatement[], action: string, resources: readonly string[]): Evaluation {
  for (const resource of resources) {
    const applying = statements.filter(s => statementApplies(s, action, resource));
    if (applying.some(s => s.Effect === 'Deny')) {
      return { allowed: false, resource, reason: 'explicit deny' };
    }
    if (!applying.some(s => s.Effect === 'Allow' && s.Condition === undefined)) {
      return { allowed: false, resource, reason: 'no allow' };
    }
  }
  return { allowed: true };
}

/** AWS's message for a refused call (the form Connect's AccessDeniedException carries). */
export function accessDeniedMessage(principalArn: string, action: string, e: Exclude<Evaluation, { allowed: true }>): string {
  const why = e.reason === 'explicit deny'
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${e.resource} ${why}`;
}
