/** The onEvent entry of the provider: routes each event to its resource type's handler (routes.ts). */
import { deadlineFrom, invocationEnd, InvocationContext } from './lib/deadlines';
import { isTransient } from './lib/errors';
import { CfnEvent, DEFERRED_DELETE_FIELD, OnEventResult } from './lib/events';
import { log } from './lib/log';
import { retryUntil } from './lib/retry';
import { DEADLINE_SECONDS, route } from './routes';
import { DEADLINE_FIELD } from '../src/shared/names';

/**
 * The provider's onEvent handler: dispatches on the custom resource type. Throttled and failed
 * calls are retried until the invocation's time is nearly up; a Delete still throttled then is
 * handed to isComplete (which starts it again until the resource's deadline) rather than failed.
 */
export async function handler(event: CfnEvent, context?: InvocationContext): Promise<OnEventResult> {
  log('INFO', 'onEvent', {
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalId: event.LogicalResourceId,
    physicalId: event.PhysicalResourceId,
    requestId: event.RequestId,
  });
  try {
    return await retryUntil(invocationEnd(context), () => route(event).onEvent(event));
  } catch (e) {
    if (event.RequestType === 'Delete' && isTransient(e) && DEADLINE_SECONDS[event.ResourceType] !== undefined) {
      log('WARN', 'the delete was throttled until this invocation\'s time was up: isComplete starts it again', {
        logicalId: event.LogicalResourceId, error: (e as Error).message,
      });
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        [DEADLINE_FIELD]: deadlineFrom(DEADLINE_SECONDS[event.ResourceType]),
        [DEFERRED_DELETE_FIELD]: true,
      };
    }
    log('ERROR', 'onEvent failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
