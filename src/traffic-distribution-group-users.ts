import { RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import { GROUP_USERS_ACTIONS } from './shared/actions';
import { GroupUsersProps, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE } from './shared/names';
import { parseInstanceArn, parseUserId } from './shared/validate';
import { ITrafficDistributionGroup } from './traffic-distribution-group';
import { checkLiteral, checkPropShapes, connectResource, groupShape, noRemovalPolicy } from './util';

/**
 * Properties of {@link TrafficDistributionGroupUsers}.
 */
export interface TrafficDistributionGroupUsersProps {
  /** The group the agents are distributed by. */
  readonly trafficDistributionGroup: ITrafficDistributionGroup;

  /**
   * The instance the users belong to (the group's instance, in the source Region).
   *
   * @default - the group's instance, when the group knows it
   */
  readonly instanceArn?: string;

  /**
   * The Connect users (ids or ARNs) to associate with the group.
   *
   * @example ['cccccccc-0000-4000-8000-000000000001']
   */
  readonly userIds: string[];
}

/**
 * Agents on a traffic distribution group: associates Connect users with the group, so that the
 * group's agent distribution applies to them. The list is changed in place (new users
 * associated, removed ones disassociated); deleting the resource disassociates them all.
 *
 * @resource Custom::ConnectTrafficDistributionGroupUsers
 */
export class TrafficDistributionGroupUsers extends Resource {
  constructor(scope: Construct, id: string, props: TrafficDistributionGroupUsersProps) {
    super(scope, id);
    checkPropShapes(this, 'TrafficDistributionGroupUsers', props, {
      trafficDistributionGroup: groupShape('a TrafficDistributionGroup or TrafficDistributionGroup.fromTrafficDistributionGroupArn()'),
      instanceArn: { kind: 'string' },
      userIds: { kind: 'string[]', required: true, expected: 'an array of user ids or ARNs' },
    });
    const instanceArn = props.instanceArn ?? props.trafficDistributionGroup.instanceArn;

    checkLiteral(this, undefined, () => {
      if (instanceArn === undefined) {
        throw new Error('instanceArn must be given: the group does not say which instance it belongs to (imported groups)');
      }
      if (!Token.isUnresolved(instanceArn)) {
        parseInstanceArn('instanceArn', instanceArn);
      }
      if (!Token.isUnresolved(props.userIds)) {
        if (props.userIds.length === 0) {
          throw new Error('userIds must name at least one user');
        }
        const seen = new Set<string>();
        props.userIds.forEach((u, i) => {
          if (Token.isUnresolved(u)) {
            return;
          }
          const userId = parseUserId(`userIds[${i}]`, u);
          if (seen.has(userId)) {
            throw new Error(`userIds[${i}] names user ${userId} twice`);
          }
          seen.add(userId);
        });
      }
    });

    const provider = ConnectProvider.getOrCreate(this);
    provider.grant(GROUP_USERS_ACTIONS, [
      provider.connectArn('traffic-distribution-group/*'),
      provider.instanceResource(instanceArn),
      Token.isUnresolved(instanceArn ?? '') || instanceArn === undefined
        ? provider.connectArn('instance/*/agent/*')
        : `${instanceArn}/agent/*`,
    ]);

    connectResource(this, provider.serviceToken, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE, {
      [GroupUsersProps.GROUP_ARN]: props.trafficDistributionGroup.trafficDistributionGroupArn,
      [GroupUsersProps.INSTANCE_ARN]: instanceArn,
      [GroupUsersProps.USER_IDS]: props.userIds,
    });
  }

  /** Refused: deleting it disassociates the users, and nothing of theirs is deleted (nothing to retain or destroy). */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    throw noRemovalPolicy(this, 'TrafficDistributionGroupUsers', 'deleting it only disassociates the users from the group (nothing is retained or destroyed)', policy);
  }
}
