import { Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * cdk-nag (v3) acknowledgments for what the provider creates, so that users who run cdk-nag's
 * AwsSolutions pack get a clean report without writing acknowledgments of their own.
 *
 * The library does not depend on cdk-nag: an acknowledgment is CDK's own
 * `Validations.of(construct).acknowledge()` metadata, which cdk-nag reads. Each one carries its
 * reason, and test/safety/nag.test.ts asserts the exact set.
 */

/** The AwsSolutions rule ids this library acknowledges. */
export const NagRules = {
  MANAGED_POLICY: 'AwsSolutions-IAM4',
  WILDCARD: 'AwsSolutions-IAM5',
  STATE_MACHINE_LOGGING: 'AwsSolutions-SF1',
  STATE_MACHINE_TRACING: 'AwsSolutions-SF2',
} as const;

const BASIC_EXECUTION_ROLE = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const VPC_ACCESS_EXECUTION_ROLE = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/**
 * A resolved CloudFormation value flattened the way cdk-nag names its findings
 * (`Fn::Join` joined, `Ref` and `Fn::GetAtt` as `<Name>` and `<Id.Attr>`, `${x}` as `<x>`).
 */
export function flattenForNag(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [delimiter, items] = o['Fn::Join'];
    return (items as unknown[]).map(flattenForNag).join(delimiter);
  }
  if (o['Fn::Sub']) {
    return flattenForNag(o['Fn::Sub']);
  }
  if (o['Fn::GetAtt']) {
    const [id, attr] = o['Fn::GetAtt'];
    return `<${flattenForNag(id)}.${flattenForNag(attr)}>`;
  }
  if (o['Fn::ImportValue']) {
    return flattenForNag(o['Fn::ImportValue']);
  }
  if (o.Ref) {
    return `<${flattenForNag(o.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Why a Connect resource can only be named with a wildcard, by the resource type in the ARN. */
function wildcardReason(flat: string): string {
  if (flat.includes(':phone-number/*')) {
    return 'A claimed number\'s id is assigned by ClaimPhoneNumber at deploy time, so it cannot be named in advance; '
      + 'the grant stays within the account and the Region(s) of the numbers\' targets.';
  }
  if (flat.includes(':traffic-distribution-group/*')) {
    return 'A traffic distribution group\'s id is assigned by CreateTrafficDistributionGroup at deploy time, and naming a group '
      + 'created in this stack would make the shared provider depend on the resources it serves (a cycle); '
      + 'the grant stays within the account and Region.';
  }
  if (flat.includes('/contact-flow/*')) {
    return 'A flow removed from contactFlowArns is disassociated by the update that removes it, when it is no longer in the '
      + 'template: the grant covers the flows of the instances the numbers use (of the account and Region when an instance is a token).';
  }
  if (flat.includes('/agent/*')) {
    return 'A user removed from userIds is disassociated by the update that removes it, when it is no longer in the template: '
      + 'the grant covers the agents of the group\'s instance (of the account and Region when the instance is a token).';
  }
  if (flat.includes(':cloudformation:') && flat.includes(':stack/')) {
    return 'DescribeStacks on this stack only: a stack id ends in a uuid CloudFormation assigns when it creates the stack, '
      + 'so the grant names the stack and leaves the uuid a wildcard; it tells a Delete a rollback from a removal.';
  }
  if (flat.includes(':instance/*')) {
    return 'The instance is a deploy-time value (a token, e.g. the source instance of an InstanceReplica or the replica in the '
      + 'other Region) that cannot be named without a dependency cycle; the grant stays within the account and that Region.';
  }
  return 'Connect resource ids are assigned at deploy time; the grant stays within the account.';
}

/**
 * Acknowledges the wildcard resources of a grant made to the handler role (the finding is
 * reported on the role's policy, a child of `role`).
 */
export function acknowledgeWildcardResources(role: IConstruct, resources: readonly string[]): void {
  const stack = Stack.of(role);
  for (const resource of resources) {
    const flat = flattenForNag(stack.resolve(resource));
    if (flat.includes('*')) {
      Validations.of(role).acknowledge({ id: `${NagRules.WILDCARD}[Resource::${flat}]`, reason: wildcardReason(flat) });
    }
  }
}

/**
 * Acknowledges the findings on what aws-cdk-lib's custom-resources Provider creates (its
 * framework functions' roles and its waiter state machine), and on the handler role's use of the
 * Lambda basic execution policy (and, with `options.vpc`, of the VPC access policy). The framework's
 * roles, and the waiter's, may invoke the functions they call in any version (`<arn>:*`):
 * `userFunctions` (onEvent, isComplete) and the framework's own.
 */
export function acknowledgeProviderFindings(
  provider: IConstruct, handlerRole: IConstruct, userFunctions: readonly lambda.IFunction[], options: { readonly vpc: boolean },
): void {
  const stack = Stack.of(provider);
  const framework = ['framework-isComplete', 'framework-onTimeout']
    .map(id => provider.node.tryFindChild(id) as lambda.IFunction | undefined)
    .filter((f): f is lambda.IFunction => f !== undefined);
  // A managed policy, on the handler's role and on the roles of the framework's functions.
  const acknowledgeManagedPolicy = (policy: string, reason: string) => {
    Validations.of(handlerRole).acknowledge({ id: `${NagRules.MANAGED_POLICY}[${policy}]`, reason });
    Validations.of(provider).acknowledge({
      id: `${NagRules.MANAGED_POLICY}[${policy}]`,
      reason: `The roles of aws-cdk-lib's custom-resources Provider framework functions: ${reason}`,
    });
  };
  acknowledgeManagedPolicy(BASIC_EXECUTION_ROLE, 'AWSLambdaBasicExecutionRole grants exactly what a function needs to write its own logs '
    + '(logs:CreateLogGroup, CreateLogStream, PutLogEvents); it is the policy AWS recommends for this.');
  if (options.vpc) {
    acknowledgeManagedPolicy(VPC_ACCESS_EXECUTION_ROLE, 'AWSLambdaVPCAccessExecutionRole grants exactly what a function in a VPC needs to attach its network '
      + 'interfaces; it is the policy AWS recommends for this.');
  }
  for (const fn of [...userFunctions, ...framework]) {
    Validations.of(provider).acknowledge({
      id: `${NagRules.WILDCARD}[Resource::${flattenForNag(stack.resolve(fn.functionArn))}:*]`,
      reason: 'aws-cdk-lib\'s custom-resources Provider lets its framework and its waiter invoke a function in any version '
        + '(`<arn>:*`); the grant names the one function.',
    });
  }
  Validations.of(provider).acknowledge({
    id: NagRules.STATE_MACHINE_LOGGING,
    reason: 'The waiter state machine of aws-cdk-lib\'s custom-resources Provider only retries isComplete; every step is '
      + 'logged by the handler functions themselves (JSON logs), so state machine logs would repeat them.',
  });
  Validations.of(provider).acknowledge({
    id: NagRules.STATE_MACHINE_TRACING,
    reason: 'The waiter state machine of aws-cdk-lib\'s custom-resources Provider only retries isComplete on a fixed interval; '
      + 'there is no request path worth tracing.',
  });
}
