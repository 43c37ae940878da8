import { Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { IsCompleteFunction } from './is-complete-function';
import { acknowledgeProviderFindings, acknowledgeWildcardResources } from './nag';
import { OnEventFunction } from './on-event-function';
import { PROVIDER_CONSTRUCT_ID, Waiter } from '../shared/names';

/**
 * The one custom-resource provider of a stack, shared by every resource type of this library.
 *
 * Internal: not exported from the package. Its construct id ({@link PROVIDER_CONSTRUCT_ID}) and
 * the ids of its children are frozen: renaming them would replace every deployed resource.
 */
export class ConnectProvider extends Construct {
  /** The provider of the stack that contains `scope`, created on first use. */
  public static getOrCreate(scope: Construct): ConnectProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_CONSTRUCT_ID);
    return (existing as ConnectProvider | undefined) ?? new ConnectProvider(stack, PROVIDER_CONSTRUCT_ID);
  }

  /** The Region of a literal ARN, else undefined. */
  public static regionOf(arn: string | undefined): string | undefined {
    if (arn === undefined || Token.isUnresolved(arn)) {
      return undefined;
    }
    return Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
  }

  /** The ServiceToken of every custom resource. */
  public readonly serviceToken: string;
  /** The role both handlers run with. */
  public readonly role: iam.Role;
  private readonly granted = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Amazon Connect Global Resiliency custom resources (cdk-connect-global-resiliency)',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });

    const common = {
      role: this.role,
      memorySize: 256,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
    };
    const onEvent = new OnEventFunction(this, 'OnEvent', {
      ...common,
      // onEvent makes at most a handful of calls; the SDK's retries of a throttled call fit easily.
      timeout: Duration.minutes(2),
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      ...common,
      // isComplete polls inline for up to a minute (see lambda/common.ts) before handing back to the waiter.
      timeout: Duration.minutes(3),
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(Waiter.QUERY_INTERVAL_SECONDS),
      totalTimeout: Duration.seconds(Waiter.TOTAL_TIMEOUT_SECONDS),
    });
    this.serviceToken = provider.serviceToken;
    acknowledgeProviderFindings(provider, this.role, [onEvent, isComplete]);
  }

  /**
   * Grants the handlers `actions` on `resources`. The same grant made by many resources (200
   * numbers on one group) adds one statement, so the policy stays small.
   */
  public grant(actions: readonly string[], resources: readonly string[]): void {
    const stack = Stack.of(this);
    const key = JSON.stringify(stack.resolve([[...actions].sort(), [...resources].sort()]));
    if (this.granted.has(key)) {
      return;
    }
    this.granted.add(key);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [...actions].sort(),
      resources: [...resources].sort(),
    }));
    acknowledgeWildcardResources(this.role, resources);
  }

  /** `arn:<partition>:connect:<region>:<account>:<resource>` in this stack's account (and Region unless given). */
  public connectArn(resource: string, region?: string): string {
    return Stack.of(this).formatArn({
      service: 'connect',
      region,
      resource,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
  }

  /**
   * The instance ARN itself when it is a literal; otherwise every instance of the stack's
   * account and Region (a token may point at a resource that depends on this provider, and
   * naming it would make a dependency cycle).
   */
  public instanceResource(instanceArn: string | undefined): string {
    if (instanceArn !== undefined && !Token.isUnresolved(instanceArn)) {
      return instanceArn;
    }
    return this.connectArn('instance/*');
  }
}
