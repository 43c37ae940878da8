/** The typed dispatch table: each resource type's handler module and deadline. */
import * as phone from './claimed-phone-number/handler';
import * as replica from './instance-replica/handler';
import { UserError } from './lib/errors';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from './lib/events';
import * as distribution from './traffic-distribution/handler';
import * as tdg from './traffic-distribution-group/handler';
import * as groupUsers from './traffic-distribution-group-users/handler';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE,
  Deadlines,
  INSTANCE_REPLICA_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_RESOURCE_TYPE,
} from '../src/shared/names';

/** What one resource type's handler module provides. */
export interface ResourceHandler {
  onEvent(event: CfnEvent): Promise<OnEventResult>;
  isComplete(event: WaitEvent): Promise<IsCompleteResult>;
}

/** Every resource type this provider serves, keyed by its CloudFormation type name. */
export const ROUTES: Readonly<Record<string, ResourceHandler>> = {
  [TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE]: tdg,
  [CLAIMED_PHONE_NUMBER_RESOURCE_TYPE]: phone,
  [INSTANCE_REPLICA_RESOURCE_TYPE]: replica,
  [TRAFFIC_DISTRIBUTION_RESOURCE_TYPE]: distribution,
  [TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE]: groupUsers,
};

/** Each resource type's deadline (seconds), for a delete that isComplete starts (see on-event.lambda.ts). */
export const DEADLINE_SECONDS: Readonly<Record<string, number>> = {
  [TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS,
  [CLAIMED_PHONE_NUMBER_RESOURCE_TYPE]: Deadlines.CLAIMED_PHONE_NUMBER_SECONDS,
  [INSTANCE_REPLICA_RESOURCE_TYPE]: Deadlines.INSTANCE_REPLICA_SECONDS,
  [TRAFFIC_DISTRIBUTION_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_SECONDS,
  [TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE]: Deadlines.TRAFFIC_DISTRIBUTION_SECONDS,
};

/** The handler of the event's resource type, or a UserError naming the resource and the known types. */
export function route(event: Pick<CfnEvent, 'ResourceType' | 'LogicalResourceId'>): ResourceHandler {
  const handler = Object.prototype.hasOwnProperty.call(ROUTES, event.ResourceType) ? ROUTES[event.ResourceType] : undefined;
  if (!handler) {
    throw new UserError(`Resource ${event.LogicalResourceId}: unknown resource type ${event.ResourceType}; this provider handles `
      + `${Object.keys(ROUTES).join(', ')}. Use the constructs of cdk-connect-global-resiliency, not a hand-written ServiceToken.`);
  }
  return handler;
}
