import { IsCompleteResult, log, WaitEvent } from './common';
import { route } from './routes';

/** The provider's isComplete handler: dispatches on the custom resource type. */
export async function handler(event: WaitEvent): Promise<IsCompleteResult> {
  try {
    const result = await route(event).isComplete(event);
    log('INFO', 'isComplete', { requestType: event.RequestType, logicalId: event.LogicalResourceId, physicalId: event.PhysicalResourceId, complete: result.IsComplete });
    return result;
  } catch (e) {
    log('ERROR', 'isComplete failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
