import { Arn, ArnFormat, CfnResource, CustomResource, Duration, RemovalPolicy, TagManager, TagType, Token, Tokenization } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Waiter } from './shared/names';
import { validateTags } from './shared/validate';

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

/** The Region of a literal ARN; undefined when there is none or it is a token (known at deploy time only). */
export function regionOfArn(arn: string | undefined): string | undefined {
  if (arn === undefined || Token.isUnresolved(arn)) {
    return undefined;
  }
  return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
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
 * The tags of one of this library's taggable constructs (the `tags` property of its custom
 * resource), checked at synth once every tag is added: a literal tag the service would refuse
 * fails with its key; tags with tokens are checked by the handler.
 */
export function validatedTags(scope: Construct, resourceType: string): TagManager {
  const tags = new TagManager(TagType.MAP, resourceType, undefined, { tagPropertyName: 'tags' });
  scope.node.addValidation({
    validate: () => {
      const rendered = tags.renderTags();
      if (rendered === undefined || unresolvedIn(rendered)) {
        return [];
      }
      try {
        validateTags('tags', rendered);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    },
  });
  return tags;
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

/** What a prop must be, for callers the compiler does not check (plain JavaScript, or a jsii language at run time). */
export type PropKind = 'string' | 'string[]' | 'map of numbers' | 'map of booleans' | 'RemovalPolicy';

/** A prop's kind (or a test of its value), whether it must be given, and how a message names what it expects. */
export interface PropShape {
  readonly kind: PropKind | ((v: unknown) => boolean);
  readonly required?: boolean;
  readonly expected?: string;
}

/**
 * The shape of a required `trafficDistributionGroup` prop: an object with its ARN (any
 * ITrafficDistributionGroup). `takes` lists what the construct takes, for the message.
 */
export function groupShape(takes: string): PropShape {
  return {
    kind: v => typeof v === 'object' && v !== null && typeof (v as { trafficDistributionGroupArn?: unknown }).trafficDistributionGroupArn === 'string',
    required: true,
    expected: `a traffic distribution group (${takes})`,
  };
}

function describeValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  }
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name !== undefined && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return `${typeof value === 'number' ? 'the number' : `a ${typeof value}`} ${String(value)}`;
}

function isKind(value: unknown, kind: PropKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'RemovalPolicy':
      return typeof value === 'string';
    case 'string[]':
      return (Array.isArray(value) && value.every(v => typeof v === 'string')) || (typeof value === 'string' && Token.isUnresolved(value))
        || Tokenization.isResolvable(value);
    case 'map of numbers':
    case 'map of booleans': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return false;
      }
      if (Tokenization.isResolvable(value)) {
        return true;
      }
      const want = kind === 'map of numbers' ? 'number' : 'boolean';
      return Object.values(value).every(v => typeof v === want || Token.isUnresolved(v));
    }
  }
}

/**
 * Checks the shape of props given at run time: the props object itself, each required prop
 * present, and each given prop of its kind. The message names the construct's path and the prop.
 */
export function checkPropShapes(scope: Construct, className: string, props: unknown, shapes: Record<string, PropShape>): void {
  if (typeof props !== 'object' || props === null) {
    const required = Object.entries(shapes).filter(([, s]) => s.required).map(([k]) => k);
    throw new Error(`${scope.node.path}: ${className} needs props${required.length > 0 ? ` with ${required.join(', ')}` : ''}; got ${props === undefined ? 'none' : describeValue(props)}`);
  }
  for (const [name, shape] of Object.entries(shapes)) {
    const value = (props as Record<string, unknown>)[name];
    if (value === undefined) {
      if (shape.required) {
        throw new Error(`${scope.node.path}: ${name} must be given (${shape.expected ?? `a ${shape.kind}`}); it is missing from the props of ${className}`);
      }
      continue;
    }
    const ok = typeof shape.kind === 'function' ? shape.kind(value) : isKind(value, shape.kind);
    if (!ok) {
      throw new Error(`${scope.node.path}: ${name} must be ${shape.expected ?? `a ${String(shape.kind)}`}; got ${describeValue(value)}`);
    }
  }
}

/** The message of `applyRemovalPolicy` on a construct where a removal policy means nothing. */
export function noRemovalPolicy(scope: Construct, className: string, why: string, policy: RemovalPolicy): Error {
  return new Error(`${scope.node.path}: ${className} takes no removal policy (applyRemovalPolicy(RemovalPolicy.${String(policy).toUpperCase().replace(/-/g, '_')})): ${why}. Remove the applyRemovalPolicy() call.`);
}
