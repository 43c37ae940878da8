import { CfnEvent, log, OnEventResult, UserError } from './common';
import * as phone from './phone-number';
import * as tdg from './tdg';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../src/shared/names';

/** The provider's onEvent handler: dispatches on the custom resource type. */
export async function handler(event: CfnEvent): Promise<OnEventResult> {
  log('INFO', 'onEvent', {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalId: event.LogicalResourceId,
    physicalId: event.PhysicalResourceId,
    requestId: event.RequestId,
  });
  try {
    switch (event.ResourceType) {
      case TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE:
        return await tdg.onEvent(event);
      case CLAIMED_PHONE_NUMBER_RESOURCE_TYPE:
        return await phone.onEvent(event);
      default:
        throw new UserError(`Resource ${event.LogicalResourceId}: unknown resource type ${event.ResourceType}; this provider handles `
          + `${TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE} and ${CLAIMED_PHONE_NUMBER_RESOURCE_TYPE}.`);
    }
  } catch (e) {
    log('ERROR', 'onEvent failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
