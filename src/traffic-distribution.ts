import { RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import { DISTRIBUTION_ACTIONS } from './shared/actions';
import { DistributionProps, REPLICATION_PAIRS, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE } from './shared/names';
import { parseDistribution, parseInstanceArn, parseSignIn } from './shared/validate';
import { ITrafficDistributionGroup } from './traffic-distribution-group';
import { checkLiteral, checkPropShapes, connectResource, groupShape, noRemovalPolicy, rejectTokenKeys, unresolvedIn } from './util';

/**
 * Properties of a {@link TrafficDistribution}.
 */
export interface TrafficDistributionProps {
  /** The group whose split this manages: any group, including a default or an imported one. */
  readonly trafficDistributionGroup: ITrafficDistributionGroup;

  /**
   * The split of incoming calls: a map of the two Regions to integer percentages in steps of 10
   * that sum to 100.
   *
   * @default - the calls' split is left as it is
   * @example
   * new TrafficDistribution(this, 'Split', { trafficDistributionGroup: group, telephonyDistribution: { 'us-east-1': 70, 'us-west-2': 30 } });
   */
  readonly telephonyDistribution?: { [region: string]: number };

  /**
   * The split of agents, with the same rules.
   *
   * @default - the agents' split is left as it is
   * @example
   * new TrafficDistribution(this, 'Split', { trafficDistributionGroup: group, agentDistribution: { 'us-east-1': 100, 'us-west-2': 0 } });
   */
  readonly agentDistribution?: { [region: string]: number };

  /**
   * Where agents may sign in: a map of the two Regions to true or false (at least one true).
   * Only the default group of an instance (created by replication) takes it.
   *
   * @default - the sign-in distribution is left as it is
   * @example
   * const replica = new InstanceReplica(this, 'Replica', { instanceArn, replicaRegion: 'us-west-2' });
   * new TrafficDistribution(this, 'SignIn', {
   *   trafficDistributionGroup: replica.defaultTrafficDistributionGroup,
   *   signInDistribution: { 'us-east-1': true, 'us-west-2': true },
   * });
   */
  readonly signInDistribution?: { [region: string]: boolean };
}

/**
 * The split of calls, agents and (on a default group) agent sign-in between the two Regions of
 * any traffic distribution group, including the default group that replication creates and
 * groups created elsewhere. Changed in place. Deleting it leaves the split as it is: a stack
 * deletion never moves live traffic.
 *
 * @resource Custom::ConnectTrafficDistribution
 */
export class TrafficDistribution extends Resource {
  constructor(scope: Construct, id: string, props: TrafficDistributionProps) {
    super(scope, id);
    checkPropShapes(this, 'TrafficDistribution', props, {
      trafficDistributionGroup: groupShape(
        'a TrafficDistributionGroup, InstanceReplica.defaultTrafficDistributionGroup, or TrafficDistributionGroup.fromTrafficDistributionGroupArn()'),
      telephonyDistribution: { kind: 'map of numbers', expected: "a map of Region to percentage, such as { 'us-east-1': 70, 'us-west-2': 30 }" },
      agentDistribution: { kind: 'map of numbers', expected: "a map of Region to percentage, such as { 'us-east-1': 100, 'us-west-2': 0 }" },
      signInDistribution: { kind: 'map of booleans', expected: "a map of Region to true or false, such as { 'us-east-1': true, 'us-west-2': true }" },
    });
    const group = props.trafficDistributionGroup;

    checkLiteral(this, undefined, () => {
      if (props.telephonyDistribution === undefined && props.agentDistribution === undefined && props.signInDistribution === undefined) {
        throw new Error('telephonyDistribution, agentDistribution or signInDistribution must be given: there is nothing to manage');
      }
      const instanceRegion = group.instanceArn !== undefined && !Token.isUnresolved(group.instanceArn)
        ? parseInstanceArn('trafficDistributionGroup instanceArn', group.instanceArn).region
        : undefined;
      for (const [prop, value] of [['telephonyDistribution', props.telephonyDistribution], ['agentDistribution', props.agentDistribution]] as const) {
        rejectTokenKeys(prop, value);
        if (value !== undefined && !unresolvedIn(value)) {
          parseDistribution(prop, value, instanceRegion, REPLICATION_PAIRS);
        }
      }
      rejectTokenKeys('signInDistribution', props.signInDistribution);
      if (props.signInDistribution !== undefined) {
        if (group.isDefault === false) {
          throw new Error('signInDistribution can only be set on the default traffic distribution group of an instance '
            + '(InstanceReplica.defaultTrafficDistributionGroup); this group is not a default group');
        }
        if (!unresolvedIn(props.signInDistribution)) {
          parseSignIn('signInDistribution', props.signInDistribution);
        }
      }
    });

    const provider = ConnectProvider.getOrCreate(this);
    provider.grant(DISTRIBUTION_ACTIONS, [provider.connectArn('traffic-distribution-group/*')]);

    connectResource(this, provider.serviceToken, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, {
      [DistributionProps.GROUP_ARN]: group.trafficDistributionGroupArn,
      [DistributionProps.TELEPHONY_DISTRIBUTION]: props.telephonyDistribution,
      [DistributionProps.AGENT_DISTRIBUTION]: props.agentDistribution,
      [DistributionProps.SIGN_IN_DISTRIBUTION]: props.signInDistribution,
    });
  }

  /** Refused: deleting a TrafficDistribution leaves the split as it is, so there is nothing to retain or destroy. */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    throw noRemovalPolicy(this, 'TrafficDistribution', 'deleting it already leaves the split as it is (nothing to retain or destroy)', policy);
  }
}
