import { IsCompleteResult, log, UserError, WaitEvent } from './common';
import * as phone from './phone-number';
import * as tdg from './tdg';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../src/shared/names';

/** The provider's isComplete handler: dispatches on the custom resource type. */
export async function handler(event: WaitEvent): Promise<IsCompleteResult> {
  try {
    let result: IsCompleteResult;
    switch (event.ResourceType) {
      case TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE:
        result = await tdg.isComplete(event);
        break;
      case CLAIMED_PHONE_NUMBER_RESOURCE_TYPE:
        result = await phone.isComplete(event);
        break;
      default:
        throw new UserError(`Resource ${event.LogicalResourceId}: unknown resource type ${event.ResourceType}.`);
    }
    log('INFO', 'isComplete', { requestType: event.RequestType, logicalId: event.LogicalResourceId, physicalId: event.PhysicalResourceId, complete: result.IsComplete });
    return result;
  } catch (e) {
    log('ERROR', 'isComplete failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
