import { Fn, Lazy, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import { REPLICA_ACTIONS, REPLICA_DEFAULT_GROUP_ACTIONS } from './shared/actions';
import {
  defaultReplicaAlias, INSTANCE_REPLICA_RESOURCE_TYPE, REPLICATION_PAIRS, ReplicaAttrs, ReplicaProps,
} from './shared/names';
import { parseInstanceArn, validateReplicaAlias, validateReplicaRegion } from './shared/validate';
import { defaultTrafficDistributionGroup, ITrafficDistributionGroup } from './traffic-distribution-group';
import { checkLiteral, checkPropShapes, connectResource, regionOfArn } from './util';

/**
 * Properties of an {@link InstanceReplica}.
 */
export interface InstanceReplicaProps {
  /**
   * The ARN of the Amazon Connect instance to replicate, in this stack's Region (the source
   * Region). The instance must be ACTIVE, have an alias and SAML identity management, and the
   * account must have Global Resiliency enabled.
   */
  readonly instanceArn: string;

  /**
   * The Region of the replica: one the source Region replicates to (us-east-1 and us-west-2,
   * eu-west-2 and eu-central-1, ap-northeast-1 to ap-northeast-3).
   *
   * @example 'us-west-2'
   */
  readonly replicaRegion: string;

  /**
   * The alias of the replica: 1-45 letters, digits and hyphens, unique. ReplicateInstance is
   * always sent one (the admin guide calls ReplicaAlias "currently still a required field"). It is
   * only used when the replica is created: changing it later is refused, except setting it where
   * an earlier release sent none (then the replica keeps the alias it has).
   *
   * @default - derived at synth from the source instance's id and the replica Region: the
   * instance id without hyphens, a hyphen, the Region without hyphens (such as
   * `11111111222233334444555555555555-uswest2`; 45 characters at most, unique per instance and
   * Region, stable across synths)
   */
  readonly replicaAlias?: string;

  /**
   * What happens to the replica when the resource is deleted. RETAIN keeps it running (and its
   * default traffic distribution group); DESTROY deletes the replica instance and waits until it
   * is gone. Only RETAIN and DESTROY are supported.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A replica of an Amazon Connect instance in a second Region (ReplicateInstance), waited for
 * until replication is complete. Replication creates the instance's default traffic distribution
 * group, the only one whose sign-in distribution can be set.
 *
 * @resource Custom::ConnectInstanceReplica
 */
export class InstanceReplica extends Resource {
  /**
   * The ARN of the source instance, available once replication is complete: give it to a
   * `TrafficDistributionGroup` so that the group is created after the replica.
   * @attribute
   */
  public readonly instanceArn: string;

  /**
   * The ARN of the replica instance (same id, in the replica Region).
   * @attribute
   */
  public readonly replicaInstanceArn: string;

  /** The Region of the replica. */
  public readonly replicaRegion: string;

  /**
   * The default traffic distribution group that replication created.
   */
  public readonly defaultTrafficDistributionGroup: ITrafficDistributionGroup;

  /** What happens to the replica on deletion; see `removalPolicy` and `applyRemovalPolicy`. */
  private removal: RemovalPolicy;

  constructor(scope: Construct, id: string, props: InstanceReplicaProps) {
    super(scope, id);
    checkPropShapes(this, 'InstanceReplica', props, {
      instanceArn: { kind: 'string', required: true, expected: 'a string, the ARN of the instance to replicate' },
      replicaRegion: { kind: 'string', required: true, expected: 'a string, the Region of the replica such as us-west-2' },
      replicaAlias: { kind: 'string' },
      removalPolicy: { kind: 'RemovalPolicy', expected: 'RemovalPolicy.RETAIN or RemovalPolicy.DESTROY' },
    });
    const stack = Stack.of(this);
    const removal = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.removal = removal;

    checkLiteral(this, undefined, () => {
      let sourceRegion: string | undefined;
      if (!Token.isUnresolved(props.instanceArn)) {
        sourceRegion = parseInstanceArn('instanceArn', props.instanceArn).region;
        if (!Token.isUnresolved(stack.region) && sourceRegion !== stack.region) {
          throw new Error(`instanceArn must be in this stack's Region ${stack.region} (ReplicateInstance is called in the source Region); got an instance in ${sourceRegion}`);
        }
      } else if (!Token.isUnresolved(stack.region)) {
        sourceRegion = stack.region;
      }
      if (!Token.isUnresolved(props.replicaRegion)) {
        validateReplicaRegion('replicaRegion', props.replicaRegion, sourceRegion, REPLICATION_PAIRS);
      }
      if (props.replicaAlias !== undefined && !Token.isUnresolved(props.replicaAlias)) {
        validateReplicaAlias('replicaAlias', props.replicaAlias);
      }
      if (removal !== RemovalPolicy.RETAIN && removal !== RemovalPolicy.DESTROY) {
        throw new Error(`removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY; got ${removal}`);
      }
    });

    const provider = ConnectProvider.getOrCreate(this);
    const source = provider.instanceResource(props.instanceArn);
    const replicaInstances = Token.isUnresolved(props.replicaRegion)
      ? provider.connectArn('instance/*', provider.pairOf(regionOfArn(props.instanceArn))[0] ?? '*')
      : provider.connectArn('instance/*', props.replicaRegion);
    provider.grant(REPLICA_ACTIONS, [source, replicaInstances]);
    provider.grant(REPLICA_DEFAULT_GROUP_ACTIONS, [source, provider.connectArn('traffic-distribution-group/*')]);

    const resource = connectResource(this, provider.serviceToken, INSTANCE_REPLICA_RESOURCE_TYPE, {
      [ReplicaProps.INSTANCE_ARN]: props.instanceArn,
      [ReplicaProps.REPLICA_REGION]: props.replicaRegion,
      [ReplicaProps.REPLICA_ALIAS]: props.replicaAlias ?? replicaAliasFor(props.instanceArn, props.replicaRegion),
      [ReplicaProps.REMOVAL_POLICY]: Lazy.string({ produce: () => (this.removal === RemovalPolicy.DESTROY ? 'destroy' : 'retain') }),
    });

    this.replicaRegion = props.replicaRegion;
    this.instanceArn = resource.getAttString(ReplicaAttrs.SOURCE_INSTANCE_ARN);
    this.replicaInstanceArn = resource.getAttString(ReplicaAttrs.REPLICA_INSTANCE_ARN);
    this.defaultTrafficDistributionGroup = defaultTrafficDistributionGroup(this, 'DefaultTrafficDistributionGroup', {
      trafficDistributionGroupArn: resource.getAttString(ReplicaAttrs.DEFAULT_GROUP_ARN),
      trafficDistributionGroupId: resource.getAttString(ReplicaAttrs.DEFAULT_GROUP_ID),
      instanceArn: this.instanceArn,
    });
  }

  /**
   * Sets what happens to the replica when the resource is deleted, like the `removalPolicy` prop:
   * RETAIN keeps it running, DESTROY deletes the replica instance.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    if (policy !== RemovalPolicy.RETAIN && policy !== RemovalPolicy.DESTROY) {
      throw new Error(`${this.node.path}: applyRemovalPolicy() takes RemovalPolicy.RETAIN (the replica keeps running) or RemovalPolicy.DESTROY (it is deleted); got ${policy}`);
    }
    this.removal = policy;
  }
}

/**
 * The default alias (defaultReplicaAlias): computed at synth from literals, or the same value as
 * a CloudFormation expression when the instance ARN or the Region is a token.
 */
function replicaAliasFor(instanceArn: string, replicaRegion: string): string {
  if (!Token.isUnresolved(instanceArn) && !Token.isUnresolved(replicaRegion)) {
    return defaultReplicaAlias(parseInstanceArn('instanceArn', instanceArn).id, replicaRegion);
  }
  const compact = (s: string) => Fn.join('', Fn.split('-', s));
  const instanceId = Fn.select(1, Fn.split('/', instanceArn));
  return Fn.join('-', [compact(instanceId), compact(replicaRegion)]);
}
