/** The ClaimedPhoneNumber handler: onEvent and isComplete, each step in a module of its own in this folder. */
import { checkFlows, claim, rollingBackTo, takeBack } from './claim';
import { leaveNothingBehind } from './cleanup';
import {
  CLAIMED_AT_FIELD, DELETE_STARTED_AT_FIELD, NOTHING_TO_DELETE_FIELD, sleepUntilFirstPoll, TAKEN_BACK_FIELD,
} from './fields';
import { isDeleted, startDelete } from './release';
import { parseNumberSpec } from './spec';
import { settle, updateInPlace } from './update';
import { CREATED_FIELD, DEADLINE_FIELD, Deadlines, PhoneProps } from '../../src/shared/names';
import { deadlineFrom, pastDeadline } from '../lib/deadlines';
import { isTransient } from '../lib/errors';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';

// Importable from here as before the split into phone-number-*.ts.
export { forgetSeenFlows, MAX_CLAIM_ATTEMPTS } from './claim';
export { parseNumberSpec } from './spec';
export type { NumberSpec } from './types';

export async function onEvent(event: CfnEvent): Promise<OnEventResult> {
  const deadline = deadlineFrom(Deadlines.CLAIMED_PHONE_NUMBER_SECONDS);
  switch (event.RequestType) {
    case 'Create': {
      const spec = parseNumberSpec(event, event.ResourceProperties);
      await checkFlows(event, spec);
      return { PhysicalResourceId: await claim(event, spec), [DEADLINE_FIELD]: deadline, [CREATED_FIELD]: true, [CLAIMED_AT_FIELD]: Date.now() };
    }
    case 'Update': {
      const spec = parseNumberSpec(event, event.ResourceProperties);
      const old = event.OldResourceProperties;
      const replaceKeys = [
        PhoneProps.PHONE_NUMBER, PhoneProps.COUNTRY_CODE, PhoneProps.PHONE_NUMBER_TYPE, PhoneProps.PREFIX, PhoneProps.SOURCE_PHONE_NUMBER_ARN,
      ];
      const newProps = event.ResourceProperties as Record<string, unknown>;
      if (replaceKeys.some(k => (old[k] ?? '') !== (newProps[k] ?? '')) && !(await rollingBackTo(event, newProps, old))) {
        // The number this resource held before (a rollback sent to the number of the failed
        // replacement), or one a failed request kept: answer with it, claim nothing.
        const back = await takeBack(event, spec, event.PhysicalResourceId);
        if (back !== undefined) {
          return { PhysicalResourceId: back, [DEADLINE_FIELD]: deadline, [TAKEN_BACK_FIELD]: true };
        }
        await checkFlows(event, spec);
        log('INFO', 'replacing phone number', { logicalId: event.LogicalResourceId, old: event.PhysicalResourceId });
        return { PhysicalResourceId: await claim(event, spec), [DEADLINE_FIELD]: deadline, [CREATED_FIELD]: true, [CLAIMED_AT_FIELD]: Date.now() };
      }
      await updateInPlace(event, spec);
      // When the move (or description change) was sent: isComplete's first look waits for its likely duration.
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline, [CLAIMED_AT_FIELD]: Date.now() };
    }
    case 'Delete':
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        [DEADLINE_FIELD]: deadline,
        ...(await startDelete(event) ? { [DELETE_STARTED_AT_FIELD]: Date.now() } : { [NOTHING_TO_DELETE_FIELD]: true }),
      };
  }
}

export async function isComplete(event: WaitEvent): Promise<IsCompleteResult> {
  const arn = event.PhysicalResourceId;
  if (event.RequestType === 'Delete') {
    if (event[NOTHING_TO_DELETE_FIELD] === true) {
      return { IsComplete: true };
    }
    await sleepUntilFirstPoll(event[DELETE_STARTED_AT_FIELD]);
    return isDeleted(event, arn);
  }
  const spec = parseNumberSpec(event, event.ResourceProperties);
  try {
    return await settle(event, spec, arn);
  } catch (e) {
    // Throttled, or failed on the service's side: not yet (the waiter calls again) until the
    // deadline; only a failure that stands cleans up what this request made.
    if (isTransient(e) && !pastDeadline(event)) {
      throw e;
    }
    if (event[CREATED_FIELD] === true || event[TAKEN_BACK_FIELD] === true) {
      throw await leaveNothingBehind(event, spec, arn, e);
    }
    throw e;
  }
}
