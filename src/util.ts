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
