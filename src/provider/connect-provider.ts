import { Annotations, ArnFormat, Aws, CfnMapping, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { IsCompleteFunction } from './is-complete-function';
import { acknowledgeProviderFindings, acknowledgeWildcardResources } from './nag';
import { OnEventFunction } from './on-event-function';
import type { GlobalResiliencyProviderSettings } from './settings';
import { STACK_STATUS_ACTIONS } from '../shared/actions';
import { PROVIDER_CONSTRUCT_ID, REPLICATION_PAIRS, Waiter } from '../shared/names';

/** Retention of the provider's logs when the stack's settings give none. */
const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** The settings of each stack, given by `GlobalResiliencyProvider.configure` before its provider exists. */
const settingsByStack = new WeakMap<Stack, GlobalResiliencyProviderSettings>();

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
    return (existing as ConnectProvider | undefined) ?? new ConnectProvider(stack, PROVIDER_CONSTRUCT_ID, scope.node.path);
  }

  /** Records the settings of the stack that contains `scope`; see `GlobalResiliencyProvider.configure`. */
  public static configure(scope: IConstruct, settings: GlobalResiliencyProviderSettings): void {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_CONSTRUCT_ID);
    if (existing) {
      throw new Error(`${stack.node.path}: GlobalResiliencyProvider.configure() must be called before the first construct of `
        + 'cdk-connect-global-resiliency is added to the stack; the stack\'s provider already exists (created by '
        + `${(existing as ConnectProvider).createdBy}), so these settings would not apply. Move the call before that construct.`);
    }
    if (settingsByStack.has(stack)) {
      throw new Error(`${stack.node.path}: GlobalResiliencyProvider.configure() was already called for this stack; call it once with all the settings.`);
    }
    if (!settings.vpc) {
      for (const key of ['vpcSubnets', 'securityGroups'] as const) {
        if (settings[key] !== undefined) {
          throw new Error(`${stack.node.path}: GlobalResiliencyProvider.configure(): ${key} is only valid together with vpc.`);
        }
      }
    }
    settingsByStack.set(stack, { ...settings });
  }

  /** The ServiceToken of every custom resource. */
  public readonly serviceToken: string;
  /** The role both handlers run with. */
  public readonly role: iam.Role;
  /** The path of the construct whose creation created this provider (named when configure() comes too late). */
  private readonly createdBy: string;
  private readonly granted = new Set<string>();

  private constructor(scope: Stack, id: string, createdBy: string) {
    super(scope, id);
    this.createdBy = createdBy;
    const settings = settingsByStack.get(scope) ?? {};
    const vpcPlacement = {
      vpc: settings.vpc,
      vpcSubnets: settings.vpcSubnets,
      securityGroups: settings.securityGroups,
    };
    // Without a log group of its own, a function logs to one that Lambda creates and keeps forever.
    const logGroup = (logsId: string) => new logs.LogGroup(this, logsId, {
      retention: settings.logRetention ?? DEFAULT_LOG_RETENTION,
    });

    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Amazon Connect Global Resiliency custom resources (cdk-connect-global-resiliency)',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
        // A function given a role adds no VPC permissions to it (only to a role it creates itself).
        ...(settings.vpc ? [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')] : []),
      ],
    });

    const common = {
      role: this.role,
      memorySize: 256,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: settings.logLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      ...vpcPlacement,
    };

    const onEvent = new OnEventFunction(this, 'OnEvent', {
      ...common,
      logGroup: logGroup('OnEventLogs'),
      // onEvent makes a handful of calls, each retried while throttled until this timeout is nearly
      // up: the longest that keeps ServiceTimeout above the waiter's total plus onEvent (see test/safety).
      timeout: Duration.minutes(4),
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      ...common,
      logGroup: logGroup('IsCompleteLogs'),
      // isComplete polls inline for up to a minute (see lambda/lib/poll.ts) before handing back to the waiter.
      timeout: Duration.minutes(3),
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(Waiter.QUERY_INTERVAL_SECONDS),
      totalTimeout: Duration.seconds(Waiter.TOTAL_TIMEOUT_SECONDS),
      // The framework's three functions share one log group.
      logGroup: logGroup('FrameworkLogs'),
      ...vpcPlacement,
    });
    this.serviceToken = provider.serviceToken;
    acknowledgeProviderFindings(provider, this.role, [onEvent, isComplete], { vpc: settings.vpc !== undefined });

    // An update that removes the last group of a stack deletes that group under the NEW template's
    // policy, where no group grants it any more: every provider may delete (after checking for
    // numbers on it) the groups of its account and Region. DescribePhoneNumber: a replacing group
    // update reads the owner record of each number on the old group first (issue 24).
    this.grant(['connect:DeleteTrafficDistributionGroup', 'connect:DescribeTrafficDistributionGroup', 'connect:ListPhoneNumbersV2', 'connect:DescribePhoneNumber'],
      [this.connectArn('traffic-distribution-group/*'), this.connectArn('phone-number/*')]);

    // A request tells a rollback from a forward request or a removal by its stack's status
    // (lambda/lib/stack-status.ts): DescribeStacks on this stack's own id only.
    this.grant([...STACK_STATUS_ACTIONS], [Stack.of(this).stackId]);

    this.warnIfEnvironmentAgnostic(scope);
  }

  /** Warns a stack without an account or a Region: which checks run at synth, and what the grants name. */
  private warnIfEnvironmentAgnostic(scope: Stack): void {
    if (!Token.isUnresolved(scope.region) && Token.isUnresolved(scope.account)) {
      Annotations.of(this).addWarningV2('cdk-connect-global-resiliency:environmentAgnostic', `The stack ${scope.node.path} has a Region `
        + `(${scope.region}) but no account (env.account unset, or CDK_DEFAULT_ACCOUNT without credentials): every Region check runs `
        + 'at synth, and the handler\'s grants name the account the stack is deployed to (${AWS::AccountId}). Set env.account to name '
        + 'it in the template.');
    } else if (Token.isUnresolved(scope.region) || Token.isUnresolved(scope.account)) {
      Annotations.of(this).addWarningV2('cdk-connect-global-resiliency:environmentAgnostic', `The stack ${scope.node.path} is environment-agnostic `
        + '(no env): the synth-time checks against the stack\'s Region are skipped (an instanceArn, target or replicaRegion in '
        + 'another Region fails only at deploy), and the handler\'s grants name the account and Region the stack is deployed to '
        + '(${AWS::AccountId}, ${AWS::Region}), the Regions of the ARNs given, and the replica Region of the deployment Region '
        + '(looked up in a mapping of the replication pairs). Set env: { account, region } on the stack to check everything at synth.');
    }
  }

  /**
   * The Regions an instance in `region` is replicated to (empty when it has none). `region`
   * undefined: the stack's Region; in an environment-agnostic stack, a lookup of the deployment
   * Region in a mapping of every Region aws-cdk-lib knows (a Region without a pair maps to itself).
   */
  public pairOf(region: string | undefined): string[] {
    const stack = Stack.of(this);
    const r = region ?? (Token.isUnresolved(stack.region) ? undefined : stack.region);
    if (r !== undefined) {
      return REPLICATION_PAIRS[r] ?? [];
    }
    const id = 'ReplicationPairs';
    const mapping = (this.node.tryFindChild(id) as CfnMapping | undefined) ?? new CfnMapping(this, id, {
      mapping: Object.fromEntries([...new Set([...RegionInfo.regions.map(ri => ri.name), ...Object.keys(REPLICATION_PAIRS)])].sort()
        .map(name => [name, { replica: REPLICATION_PAIRS[name]?.[0] ?? name }])),
    });
    return [mapping.findInMap(Aws.REGION, 'replica')];
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
