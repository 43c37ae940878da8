/** The ClaimedPhoneNumber handler: onEvent and isComplete, each step in a module of its own in this folder. */
import { checkFlows, claim, rollingBackTo, takeBack } from './claim';
import { leaveNothingBehind } from './cleanup';
import {
  CLAIMED_AT_FIELD, DELETE_STARTED_AT_FIELD, NOTHING_TO_DELETE_FIELD, sleepUntilFirstPoll, TAKEN_BACK_FIELD,
} from './fields';
import { DELETE_MODE_FIELD, isDeleted, startDelete } from './release';
import { parseNumberSpec } from './spec';
import { settle, updateInPlace } from './update';
import { CREATED_FIELD, DEADLINE_FIELD, Deadlines, PhoneAttrs, PhoneProps } from '../../src/shared/names';
import { MARKED_FIELD } from '../lib/current-request';
import { deadlineFrom } from '../lib/deadlines';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { GONE_FIELD } from '../lib/gone';
import { log } from '../lib/log';
import { settleOrCleanUp } from '../lib/poll';

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
      const { gone, marked } = await updateInPlace(event, spec);
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        [DEADLINE_FIELD]: deadline,
        ...(gone ? { [GONE_FIELD]: true } : {}),
        ...(marked ? { [MARKED_FIELD]: true } : {}),
        // When the move (or description change) was sent: isComplete's first look waits for its likely duration.
        [CLAIMED_AT_FIELD]: Date.now(),
      };
    }
    case 'Delete': {
      const mode = await startDelete(event);
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        [DEADLINE_FIELD]: deadline,
        ...(mode !== false ? { [DELETE_STARTED_AT_FIELD]: Date.now(), [DELETE_MODE_FIELD]: mode } : { [NOTHING_TO_DELETE_FIELD]: true }),
      };
    }
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
  if (event[GONE_FIELD] === true) {
    return { IsComplete: true, Data: { [PhoneAttrs.PHONE_NUMBER]: '', [PhoneAttrs.PHONE_NUMBER_ARN]: arn, [PhoneAttrs.PHONE_NUMBER_ID]: arn.slice(arn.lastIndexOf('/') + 1) } };
  }
  const spec = parseNumberSpec(event, event.ResourceProperties);
  return settleOrCleanUp(event, () => settle(event, spec, arn), event[CREATED_FIELD] === true || event[TAKEN_BACK_FIELD] === true,
    e => leaveNothingBehind(event, spec, arn, e));
}
