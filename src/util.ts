import { Token, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Runs synth-time checks and rethrows their error with the construct's path, so the message
 * says which resource and which property is wrong.
 */
export function checkLiteral(scope: Construct, childId: string | undefined, check: () => void): void {
  try {
    check();
  } catch (e) {
    const path = childId === undefined ? scope.node.path : `${scope.node.path}/${childId}`;
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** True when the value is, or contains, an unresolved token (those are checked at deploy time). */
export function unresolvedIn(value: unknown): boolean {
  if (value === undefined || value === null) {
    return false;
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return Token.isUnresolved(value);
  }
  if (Array.isArray(value)) {
    return Token.isUnresolved(value) || value.some(unresolvedIn);
  }
  if (typeof value === 'object') {
    if (Tokenization.isResolvable(value)) {
      return true;
    }
    return Object.entries(value).some(([k, v]) => Token.isUnresolved(k) || unresolvedIn(v));
  }
  return false;
}
