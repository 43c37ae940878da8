import { CfnEvent, log, OnEventResult } from './common';
import { route } from './routes';

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
    return await route(event).onEvent(event);
  } catch (e) {
    log('ERROR', 'onEvent failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
