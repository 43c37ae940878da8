/** Deleting a phone number: its release, or its retention (parked on its group's instance), and the wait until done. */
import { ReleasePhoneNumberCommand, UpdatePhoneNumberCommand } from '@aws-sdk/client-connect';
import { describe, describeGroup } from './calls';
import { label, regionOf, removalOf } from './spec';
import { KEPT_TAG, PhoneProps } from '../../src/shared/names';
import { GROUP_ARN_PATTERN, PHONE_NUMBER_ARN_PATTERN } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { errorName, isNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';
import { pollUntilSettled } from '../lib/poll';

/** Starts the release or the parking of the number; false when there is nothing to delete. */
export async function startDelete(event: CfnEvent & { PhysicalResourceId: string }): Promise<boolean> {
  const arn = event.PhysicalResourceId;
  if (!PHONE_NUMBER_ARN_PATTERN.test(arn)) {
    log('WARN', 'nothing to delete: the physical id is not a phone number ARN', { physicalId: arn });
    return false;
  }
  const region = regionOf(arn);
  const what = label(event);
  const number = await describe(region, arn, what);
  if (number === undefined || number.PhoneNumberStatus?.Status === 'FAILED') {
    log('INFO', 'phone number already gone or never claimed', { arn });
    return false;
  }
  // A number chosen by phoneNumber and kept by a failed request is never released (the next
  // deployment takes it back): it is retained, parked on its group's instance like any retained number.
  const kept = number.Tags?.[KEPT_TAG] !== undefined;
  if (kept) {
    log('INFO', 'keeping a chosen number that a failed request claimed', { arn, number: number.PhoneNumber });
  }
  const removal = kept ? 'retain' : removalOf(event.ResourceProperties);
  if (removal === 'destroy') {
    await step(`${label(event, number.PhoneNumber)}: ReleasePhoneNumber`, async () => {
      try {
        await connect(region).send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn, ClientToken: clientToken(event, 'release') }));
        log('INFO', 'releasing phone number', { arn, number: number.PhoneNumber });
      } catch (e) {
        if (isNotFound(e)) {
          return;
        }
        // A release already under way (an earlier delivery of this delete started it) is what we
        // want, and so is one that has finished meanwhile (a failed request's own cleanup released it
        // moments ago): isComplete waits until the number is gone. Anything else in use is an error.
        if (errorName(e) === 'ResourceInUseException') {
          const now = await describe(region, arn, label(event));
          if (now === undefined || now.PhoneNumberStatus?.Status === 'IN_PROGRESS') {
            log('INFO', 'the release is already under way, or done', { arn });
            return;
          }
        }
        throw e;
      }
    });
    return true;
  }
  // RETAIN: the number stays claimed. On a group, park it on the group's instance, so that the
  // group can be deleted in the same stack deletion.
  const target = number.TargetArn ?? '';
  if (!GROUP_ARN_PATTERN.test(target) || event.ResourceProperties?.[PhoneProps.KEEP_ON_RETAINED_GROUP] === 'true') {
    log('INFO', 'retaining phone number', { arn, number: number.PhoneNumber, target });
    return true;
  }
  const group = await describeGroup(target, what);
  if (group?.InstanceArn === undefined) {
    log('WARN', 'the group of a retained number is gone; leaving the number as it is', { arn, group: target });
    return true;
  }
  if (number.PhoneNumberStatus?.Status === 'IN_PROGRESS') {
    return true; // already moving (an earlier delivery of this event parked it)
  }
  await step(`${label(event, number.PhoneNumber)}: UpdatePhoneNumber (park on ${group.InstanceArn})`, () => connect(region).send(new UpdatePhoneNumberCommand({
    PhoneNumberId: arn, TargetArn: group.InstanceArn, ClientToken: clientToken(event, 'park'),
  })));
  log('INFO', 'retaining phone number: parked on the group\'s instance', {
    arn, number: number.PhoneNumber, instance: group.InstanceArn,
  });
  return true;
}

export async function isDeleted(event: WaitEvent, arn: string): Promise<IsCompleteResult> {
  if (!PHONE_NUMBER_ARN_PATTERN.test(arn)) {
    return { IsComplete: true };
  }
  const region = regionOf(arn);
  const what = `${label(event)} (${arn})`;
  const done = await pollUntilSettled(event, async seen => {
    const n = await describe(region, arn, what);
    const removal = n?.Tags?.[KEPT_TAG] !== undefined ? 'retain' : removalOf(event.ResourceProperties);
    const status = n?.PhoneNumberStatus?.Status;
    if (n === undefined || status === 'FAILED' && removal === 'destroy') {
      return true;
    }
    seen(`${removal === 'destroy' ? 'Release' : 'Parking'} of ${what}`, status ?? '?');
    if (removal === 'destroy') {
      return undefined; // released numbers stay IN_PROGRESS until they are gone
    }
    if (status === 'FAILED') {
      throw new UserError(`${what}: moving the retained number to its group's instance failed: ${n.PhoneNumberStatus?.Message ?? 'no message'}. `
        + 'The number is still claimed; move it by hand (UpdatePhoneNumber), then delete again.');
    }
    if (status !== 'CLAIMED') {
      return undefined;
    }
    if (!GROUP_ARN_PATTERN.test(n.TargetArn ?? '') || event.ResourceProperties?.[PhoneProps.KEEP_ON_RETAINED_GROUP] === 'true') {
      return true;
    }
    // Still on a group: parked soon, unless the group is gone (onEvent then leaves the number as it is).
    return (await describeGroup(n.TargetArn!, what))?.InstanceArn === undefined ? true : undefined;
  });
  return { IsComplete: done === true };
}
