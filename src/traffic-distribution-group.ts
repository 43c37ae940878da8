import * as crypto from 'crypto';
import {
  Arn, ArnFormat, IResource, ITaggable, Lazy, Names, RemovalPolicy, Resource, Stack, TagManager, Token,
} from 'aws-cdk-lib';
import { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import { CLI_GROUP_ACTIONS, CLI_INSTANCE_ACTIONS, CLI_ROUTING_ACTIONS, TDG_GROUP_ACTIONS, TDG_INSTANCE_ACTIONS, TDG_LOOKUP_ACTIONS } from './shared/actions';
import { REPLICATION_PAIRS, TdgAttrs, TdgProps, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from './shared/names';
import {
  parseDistribution, parseGroupArn, parseInstanceArn, validateGroupDescription, validateGroupName,
} from './shared/validate';
import { checkLiteral, checkPropShapes, connectResource, noRemovalPolicy, rejectTokenKeys, regionOfArn, unresolvedIn, validatedTags } from './util';

/**
 * A traffic distribution group: links an Amazon Connect instance and its replica in another
 * Region, and holds the split of calls and agents between the two.
 */
export interface ITrafficDistributionGroup extends IResource {
  /**
   * The ARN of the group.
   * @attribute
   */
  readonly trafficDistributionGroupArn: string;

  /**
   * The id of the group.
   * @attribute
   */
  readonly trafficDistributionGroupId: string;

  /**
   * The ARN of the instance the group was created for (in the group's Region), when known.
   *
   * @default - unknown (imported groups)
   */
  readonly instanceArn?: string;

  /**
   * Whether this is the instance's default group (created by replication; the only group whose
   * sign-in distribution can be set), when known.
   *
   * @default - unknown (imported groups)
   */
  readonly isDefault?: boolean;

  /**
   * Grants what the command-line tool (`npx cdk-connect-global-resiliency status|failover|split`)
   * calls on this group, from either Region: DescribeTrafficDistributionGroup,
   * GetTrafficDistribution, UpdateTrafficDistribution and ListPhoneNumbersV2 on the group's ARN,
   * and GetCrossRegionRouting on its instance in both Regions.
   */
  grantTrafficDistribution(grantee: IGrantable): Grant;

  /**
   * Grants what `npx cdk-connect-global-resiliency isolate --instance <arn> [--undo]` calls:
   * GetCrossRegionRouting and UpdateCrossRegionRouting on the group's instance in both Regions (the
   * instance of an imported group is not known: then on every instance of the account in both
   * Regions). Cross-Region routing is a setting of the instance, not of the group.
   *
   * @example
   * import * as iam from 'aws-cdk-lib/aws-iam';
   *
   * const operators = new iam.Role(this, 'Operators', { assumedBy: new iam.AccountRootPrincipal() });
   * group.grantCrossRegionRouting(operators);
   */
  grantCrossRegionRouting(grantee: IGrantable): Grant;
}

/**
 * Grants the command-line tool's calls on a group (see ITrafficDistributionGroup.grantTrafficDistribution).
 * The group's ARN names the source Region; calls from the replica Region name the same ARN.
 */
export function grantTrafficDistributionOn(group: ITrafficDistributionGroup, grantee: IGrantable): Grant {
  const onGroup = Grant.addToPrincipal({ grantee, actions: [...CLI_GROUP_ACTIONS], resourceArns: [group.trafficDistributionGroupArn] });
  return onGroup.combine(Grant.addToPrincipal({ grantee, actions: [...CLI_INSTANCE_ACTIONS], resourceArns: groupInstances(group) }));
}

/** Grants `isolate`'s calls on a group's instance (see ITrafficDistributionGroup.grantCrossRegionRouting). */
export function grantCrossRegionRoutingOn(group: ITrafficDistributionGroup, grantee: IGrantable): Grant {
  return Grant.addToPrincipal({ grantee, actions: [...CLI_ROUTING_ACTIONS], resourceArns: groupInstances(group) });
}

/** The group's instance in both Regions of its pair (any instance of the account when it is not known). */
function groupInstances(group: ITrafficDistributionGroup): string[] {
  const stack = Stack.of(group);
  const arn = group.trafficDistributionGroupArn;
  // A group's Region is its stack's (the source Region) unless its ARN says otherwise.
  const region = regionOfArn(arn) ?? (Token.isUnresolved(stack.region) ? undefined : stack.region);
  const regions = region === undefined ? [stack.region] : [region, ...(REPLICATION_PAIRS[region!] ?? [])];
  const instance = group.instanceArn !== undefined && !Token.isUnresolved(group.instanceArn)
    ? Arn.split(group.instanceArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName : undefined;
  return regions.map(r => stack.formatArn({
    service: 'connect', region: r, resource: 'instance', resourceName: instance ?? '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  }));
}

/**
 * Properties of a {@link TrafficDistributionGroup}.
 */
export interface TrafficDistributionGroupProps {
  /**
   * The ARN of the replicated Amazon Connect instance, in this stack's Region (the source Region,
   * where ReplicateInstance was called). Give `replica.instanceArn` of an `InstanceReplica` in
   * this stack to make the dependency explicit: the group is then created only once replication
   * is complete.
   *
   * @example 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555'
   */
  readonly instanceArn: string;

  /**
   * The name of the group: 1-128 characters, unique among the instance's groups. Changing it
   * replaces the group.
   *
   * @default - a name generated from the construct path, stable across synths
   */
  readonly trafficDistributionGroupName?: string;

  /**
   * A description of the group: 1-250 characters. Changing it replaces the group.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The split of incoming calls between the two Regions: a map of Region to percentage, naming
   * the instance's Region and its replica's, integers in steps of 10 that sum to 100. Changed in
   * place.
   *
   * @default - the split is left as Amazon Connect has it (100 % to the instance's Region for a new group)
   * @example
   * new TrafficDistributionGroup(this, 'Support', { instanceArn, telephonyDistribution: { 'us-east-1': 70, 'us-west-2': 30 } });
   */
  readonly telephonyDistribution?: { [region: string]: number };

  /**
   * The split of agents between the two Regions, with the same rules as `telephonyDistribution`.
   * Only agents associated with the group are distributed. Changed in place.
   *
   * @default - the split is left as Amazon Connect has it (100 % to the instance's Region for a new group)
   * @example
   * new TrafficDistributionGroup(this, 'Support', { instanceArn, agentDistribution: { 'us-east-1': 100, 'us-west-2': 0 } });
   */
  readonly agentDistribution?: { [region: string]: number };
}

abstract class TrafficDistributionGroupBase extends Resource implements ITrafficDistributionGroup {
  public abstract readonly trafficDistributionGroupArn: string;
  public abstract readonly trafficDistributionGroupId: string;
  public abstract readonly instanceArn?: string;
  public abstract readonly isDefault?: boolean;

  public grantTrafficDistribution(grantee: IGrantable): Grant {
    return grantTrafficDistributionOn(this, grantee);
  }

  public grantCrossRegionRouting(grantee: IGrantable): Grant {
    return grantCrossRegionRoutingOn(this, grantee);
  }

  public applyRemovalPolicy(policy: RemovalPolicy): void {
    throw noRemovalPolicy(this, 'An imported traffic distribution group', 'this stack does not manage it, so deleting the stack never deletes it', policy);
  }
}

/**
 * The default group of a replicated instance, as the replica resource reports it
 * (`InstanceReplica.defaultTrafficDistributionGroup`): a group of the base above whose removal
 * policy is the replica's.
 */
export function defaultTrafficDistributionGroup(
  scope: Construct, id: string, attrs: { trafficDistributionGroupArn: string; trafficDistributionGroupId: string; instanceArn: string },
): ITrafficDistributionGroup {
  class Default extends TrafficDistributionGroupBase {
    public readonly trafficDistributionGroupArn = attrs.trafficDistributionGroupArn;
    public readonly trafficDistributionGroupId = attrs.trafficDistributionGroupId;
    public readonly instanceArn = attrs.instanceArn;
    public readonly isDefault = true;

    public applyRemovalPolicy(policy: RemovalPolicy): void {
      throw noRemovalPolicy(this, 'The default traffic distribution group', 'it belongs to the replica and goes with it (set the InstanceReplica\'s removal policy)', policy);
    }
  }
  return new Default(scope, id);
}

/**
 * An Amazon Connect traffic distribution group, created and waited for until it is ACTIVE, with
 * its telephony and agent split applied and kept in place.
 *
 * @resource Custom::ConnectTrafficDistributionGroup
 */
export class TrafficDistributionGroup extends TrafficDistributionGroupBase implements ITaggable {
  /**
   * Imports an existing group by its ARN.
   */
  public static fromTrafficDistributionGroupArn(scope: Construct, id: string, trafficDistributionGroupArn: string): ITrafficDistributionGroup {
    if (!Token.isUnresolved(trafficDistributionGroupArn)) {
      checkLiteral(scope, id, () => parseGroupArn('trafficDistributionGroupArn', trafficDistributionGroupArn));
    }
    class Import extends TrafficDistributionGroupBase {
      public readonly trafficDistributionGroupArn = trafficDistributionGroupArn;
      public readonly trafficDistributionGroupId = Arn.split(trafficDistributionGroupArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      public readonly instanceArn = undefined;
      public readonly isDefault = undefined;
    }
    return new Import(scope, id, { environmentFromArn: trafficDistributionGroupArn });
  }

  public readonly trafficDistributionGroupArn: string;
  public readonly trafficDistributionGroupId: string;
  public readonly instanceArn?: string;
  /** A group created by this construct is never a default group. */
  public readonly isDefault?: boolean = false;
  /** The name of the group (given or generated). */
  public readonly trafficDistributionGroupName: string;
  /** Tags of the group: `Tags.of(scope).add()` reaches them, and changes apply in place. */
  public readonly tags: TagManager;

  /** RETAIN keeps the group (and the retained numbers on it) on deletion; see `applyRemovalPolicy`. */
  private retain = false;

  constructor(scope: Construct, id: string, props: TrafficDistributionGroupProps) {
    super(scope, id);
    checkPropShapes(this, 'TrafficDistributionGroup', props, {
      instanceArn: { kind: 'string', required: true, expected: 'a string, the ARN of the replicated instance' },
      trafficDistributionGroupName: { kind: 'string' },
      description: { kind: 'string' },
      telephonyDistribution: { kind: 'map of numbers', expected: "a map of Region to percentage, such as { 'us-east-1': 70, 'us-west-2': 30 }" },
      agentDistribution: { kind: 'map of numbers', expected: "a map of Region to percentage, such as { 'us-east-1': 100, 'us-west-2': 0 }" },
    });
    const stack = Stack.of(this);

    // Synth-time validation of literal values; the handler checks the resolved values again.
    let instanceRegion: string | undefined;
    checkLiteral(this, undefined, () => {
      if (!Token.isUnresolved(props.instanceArn)) {
        instanceRegion = parseInstanceArn('instanceArn', props.instanceArn).region;
        if (!Token.isUnresolved(stack.region) && instanceRegion !== stack.region) {
          throw new Error(`instanceArn must be in this stack's Region ${stack.region} (the source Region of the replicated instance); got an instance in ${instanceRegion}`);
        }
      }
      if (props.trafficDistributionGroupName !== undefined && !Token.isUnresolved(props.trafficDistributionGroupName)) {
        validateGroupName('trafficDistributionGroupName', props.trafficDistributionGroupName);
      }
      if (props.description !== undefined && !Token.isUnresolved(props.description)) {
        validateGroupDescription('description', props.description);
      }
      for (const [prop, value] of [['telephonyDistribution', props.telephonyDistribution], ['agentDistribution', props.agentDistribution]] as const) {
        rejectTokenKeys(prop, value);
        if (value !== undefined && !unresolvedIn(value)) {
          parseDistribution(prop, value, instanceRegion ?? (Token.isUnresolved(stack.region) ? undefined : stack.region), REPLICATION_PAIRS);
        }
      }
    });

    this.tags = validatedTags(this, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE);

    this.trafficDistributionGroupName = props.trafficDistributionGroupName ?? generatedName(this, props);
    this.instanceArn = props.instanceArn;

    const provider = ConnectProvider.getOrCreate(this);
    const groups = provider.connectArn('traffic-distribution-group/*');
    provider.grant(TDG_GROUP_ACTIONS, [groups]);
    provider.grant(TDG_INSTANCE_ACTIONS, [provider.instanceResource(props.instanceArn)]);
    provider.grant(TDG_LOOKUP_ACTIONS, [provider.instanceResource(props.instanceArn), groups]);

    const resource = connectResource(this, provider.serviceToken, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, {
      [TdgProps.INSTANCE_ARN]: props.instanceArn,
      [TdgProps.NAME]: this.trafficDistributionGroupName,
      [TdgProps.DESCRIPTION]: props.description,
      [TdgProps.TELEPHONY_DISTRIBUTION]: props.telephonyDistribution,
      [TdgProps.AGENT_DISTRIBUTION]: props.agentDistribution,
      [TdgProps.TAGS]: Lazy.any({ produce: () => this.tags.renderTags() }),
      [TdgProps.REMOVAL_POLICY]: Lazy.string({ produce: () => (this.retain ? 'retain' : undefined) }),
    });

    this.trafficDistributionGroupArn = resource.getAttString(TdgAttrs.ARN);
    this.trafficDistributionGroupId = resource.getAttString(TdgAttrs.ID);
  }

  /**
   * What happens to the group when the resource is deleted (stack deletion, or replacement).
   * DESTROY (what happens without a call) deletes it, after the numbers of this stack left it.
   * RETAIN keeps the group, its split, and the numbers on it whose own removal policy is RETAIN
   * (they stay on the group instead of being parked on its instance).
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    if (policy !== RemovalPolicy.RETAIN && policy !== RemovalPolicy.DESTROY) {
      throw new Error(`${this.node.path}: applyRemovalPolicy() takes RemovalPolicy.RETAIN (the group and its numbers are kept) or RemovalPolicy.DESTROY (it is deleted); got ${policy}`);
    }
    this.retain = policy === RemovalPolicy.RETAIN;
  }

  /**
   * Whether the group is retained on deletion (read by the numbers on it).
   * @internal
   */
  public _retained(): boolean {
    return this.retain;
  }
}

/**
 * A name from the construct path (stable across synths), with a short hash of the properties whose
 * change replaces the group: CloudFormation creates the new group before it deletes the old one,
 * so a replacement must not reuse the old name.
 */
function generatedName(scope: Construct, props: TrafficDistributionGroupProps): string {
  const stack = Stack.of(scope);
  const hash = crypto.createHash('sha256')
    .update(JSON.stringify(stack.resolve([props.instanceArn, props.description ?? null])))
    .digest('hex')
    .slice(0, 8);
  const base = Names.uniqueResourceName(scope, { maxLength: 128 - 9, separator: '-' });
  return `${base}-${hash}`;
}
