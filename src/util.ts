import { CfnResource, CustomResource, Duration, Token, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Waiter } from './shared/names';

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

/**
 * A map keyed by Region (a split) cannot have a token as a key: CloudFormation templates take only
 * literal keys, and CDK would fail later with its raw "is used as the key in a map" resolution error,
 * with neither construct path nor property. Fails with both instead (through checkLiteral).
 */
export function rejectTokenKeys(prop: string, value: object | undefined): void {
  if (value === undefined || Tokenization.isResolvable(value)) {
    return;
  }
  const tokens = Object.keys(value).filter(k => Token.isUnresolved(k));
  if (tokens.length > 0) {
    throw new Error(`${prop} has a Region key that is a token (such as stack.region in a stack without env): a template cannot use a token `
      + 'as a map key. Write the Regions out, such as { \'us-east-1\': 70, \'us-west-2\': 30 }, or give the stack an env with its Region.');
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

/**
 * The custom resource (child id `Resource`) of one of this library's constructs: served by the
 * stack's provider, with a ServiceTimeout above the provider's total timeout, so a stack never
 * hangs for CloudFormation's hour.
 *
 * CustomResource writes `DeletionPolicy` and `UpdateReplacePolicy` "Delete", which is what
 * CloudFormation does anyway; they are left out, because they cost bytes in templates of hundreds
 * of numbers. What happens to the Connect resource on deletion (RETAIN keeps a number or a
 * replica) is a property the handler honours, not a CloudFormation policy.
 */
export function connectResource(scope: Construct, serviceToken: string, resourceType: string, properties: Record<string, unknown>): CustomResource {
  const resource = new CustomResource(scope, 'Resource', {
    serviceToken,
    resourceType,
    serviceTimeout: Duration.seconds(Waiter.SERVICE_TIMEOUT_SECONDS),
    properties,
  });
  const cfn = resource.node.defaultChild as CfnResource;
  cfn.cfnOptions.deletionPolicy = undefined;
  cfn.cfnOptions.updateReplacePolicy = undefined;
  return resource;
}
