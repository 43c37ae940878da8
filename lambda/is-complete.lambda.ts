/** The isComplete entry of the provider: routes each event to its resource type's handler (routes.ts). */
import { invocationEnd, InvocationContext, pastDeadline } from './lib/deadlines';
import { isTransient } from './lib/errors';
import { CfnEvent, DEFERRED_DELETE_FIELD, IsCompleteResult, WaitEvent } from './lib/events';
import { log } from './lib/log';
import { retryUntil } from './lib/retry';
import { route } from './routes';
import { DEADLINE_FIELD } from '../src/shared/names';

/**
 * The provider's isComplete handler: dispatches on the custom resource type. Calls are retried
 * until the resource's deadline or the invocation's end, whichever comes first; one still
 * throttled (or failed on the service's side) then means "not yet": the waiter calls again, and
 * only after the deadline does it fail the resource.
 */
export async function handler(event: WaitEvent, context?: InvocationContext): Promise<IsCompleteResult> {
  const deadline = event[DEADLINE_FIELD];
  try {
    const result = await retryUntil(Math.min(invocationEnd(context) ?? Infinity, deadline ?? Infinity), async () => {
      let e = event;
      if (event[DEFERRED_DELETE_FIELD] === true) {
        // onEvent could not start the delete: start it again (each step is idempotent), then wait.
        const { [DEFERRED_DELETE_FIELD]: _deferred, ...request } = event;
        const started = await route(event).onEvent(request as CfnEvent);
        e = { ...request, ...started, [DEADLINE_FIELD]: deadline } as WaitEvent;
      }
      return route(e).isComplete(e);
    });
    log('INFO', 'isComplete', { requestType: event.RequestType, logicalId: event.LogicalResourceId, physicalId: event.PhysicalResourceId, complete: result.IsComplete });
    return result;
  } catch (e) {
    if (isTransient(e) && !pastDeadline(event)) {
      log('WARN', 'isComplete was throttled (or the service failed): not complete yet, the waiter calls again', {
        logicalId: event.LogicalResourceId, error: (e as Error).message,
      });
      return { IsComplete: false };
    }
    log('ERROR', 'isComplete failed', { logicalId: event.LogicalResourceId, error: (e as Error).message });
    throw e;
  }
}
