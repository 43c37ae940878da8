/** Deleting a phone number: its release, or its retention (parked on its group's instance), and the wait until done. */
import { AssociatePhoneNumberContactFlowCommand, ReleasePhoneNumberCommand, UpdatePhoneNumberCommand } from '@aws-sdk/client-connect';
import { actByOwner } from './adopt';
import { describe, describeGroup } from './calls';
import { label, regionOf, removalOf } from './spec';
import { KEPT_TAG, PhoneProps } from '../../src/shared/names';
import { GROUP_ARN_PATTERN, ParsedFlowArn, PHONE_NUMBER_ARN_PATTERN, validateFlows } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { errorName, isNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';
import { ownedByStack } from '../lib/ownership';
import { pollUntilSettled } from '../lib/poll';
import { stackRollingBack } from '../lib/stack-status';

/** A number found by search (not chosen by phoneNumber, not imported): any matching number will do. */
function isSearched(props: Record<string, unknown> | undefined): boolean {
  const given = (k: string) => typeof props?.[k] === 'string' && props[k] !== '';
  return !given(PhoneProps.PHONE_NUMBER) && !given(PhoneProps.SOURCE_PHONE_NUMBER_ARN);
}

/** What a Delete started: a release, a retention, a parking move, or putting an adopted number back. */
export type DeleteMode = 'release' | 'retain' | 'park' | 'put-back';

/** Starts the release, parking or put-back of the number; false when there is nothing to wait for. */
export async function startDelete(event: CfnEvent & { PhysicalResourceId: string }): Promise<DeleteMode | false> {
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
  // The owner record decides first: a Delete acts only on what its own logical resource owns now.
  const byOwner = await actByOwner(event, region, number);
  if (byOwner !== 'mine') {
    return byOwner;
  }
  // A number chosen by phoneNumber and kept by a failed request is never released (the next
  // deployment takes it back): it is retained, parked on its group's instance like any retained number.
  const kept = number.Tags?.[KEPT_TAG] !== undefined;
  if (kept) {
    log('INFO', 'keeping a chosen number that a failed request claimed', { arn, number: number.PhoneNumber });
  }
  let removal = kept ? 'retain' : removalOf(event.ResourceProperties);
  if (removal === 'retain' && !kept && isSearched(event.ResourceProperties) && await stackRollingBack(event) === true) {
    // RETAIN protects numbers in service: a searched number that a deployment claimed and that
    // deployment's rollback deletes was never in service (any number matches the declaration again).
    log('INFO', 'releasing a searched number claimed by a deployment that never completed (its rollback)', { arn, number: number.PhoneNumber });
    removal = 'destroy';
  }
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
    return 'release';
  }
  // RETAIN: the number stays claimed. On a group this stack created (and deletes), park it on the
  // group's instance, so that the group can be deleted in the same stack deletion; never off a
  // default group, an imported group or another stack's group (nothing to make room for).
  const target = number.TargetArn ?? '';
  if (!GROUP_ARN_PATTERN.test(target) || event.ResourceProperties?.[PhoneProps.KEEP_ON_RETAINED_GROUP] === 'true') {
    log('INFO', 'retaining phone number', { arn, number: number.PhoneNumber, target });
    return 'retain';
  }
  const group = await describeGroup(target, what);
  if (group?.InstanceArn === undefined || group.IsDefault === true || !ownedByStack(group.Tags, event)) {
    log('INFO', 'retaining phone number on its group (gone, a default group, or not this stack\'s)', { arn, group: target });
    return 'retain';
  }
  if (number.PhoneNumberStatus?.Status === 'IN_PROGRESS') {
    return 'park'; // already moving (an earlier delivery of this event parked it)
  }
  await step(`${label(event, number.PhoneNumber)}: UpdatePhoneNumber (park on ${group.InstanceArn})`, () => connect(region).send(new UpdatePhoneNumberCommand({
    PhoneNumberId: arn, TargetArn: group.InstanceArn, ClientToken: clientToken(event, 'park'),
  })));
  log('INFO', 'retaining phone number: parked on the group\'s instance', {
    arn, number: number.PhoneNumber, instance: group.InstanceArn,
  });
  return 'park';
}

/** Field onEvent adds to a Delete's result: the DeleteMode it started, read by isDeleted. */
export const DELETE_MODE_FIELD = 'ConnectDeleteMode';

export async function isDeleted(event: WaitEvent, arn: string): Promise<IsCompleteResult> {
  if (!PHONE_NUMBER_ARN_PATTERN.test(arn)) {
    return { IsComplete: true };
  }
  const region = regionOf(arn);
  const what = `${label(event)} (${arn})`;
  const mode = event[DELETE_MODE_FIELD];
  const done = await pollUntilSettled(event, async seen => {
    const n = await describe(region, arn, what);
    const removal = mode === 'release' ? 'destroy'
      : mode === 'put-back' || n?.Tags?.[KEPT_TAG] !== undefined ? 'retain' : removalOf(event.ResourceProperties);
    const status = n?.PhoneNumberStatus?.Status;
    if (n === undefined || status === 'FAILED' && removal === 'destroy') {
      return true;
    }
    seen(`${removal === 'destroy' ? 'Release' : mode === 'put-back' ? 'Putting back' : 'Parking'} of ${what}`, status ?? '?');
    if (removal === 'destroy') {
      return undefined; // released numbers stay IN_PROGRESS until they are gone
    }
    if (status === 'FAILED') {
      throw new UserError(`${what}: moving the retained number to ${mode === 'put-back' ? 'the target it was on before' : 'its group\'s instance'} failed: `
        + `${n.PhoneNumberStatus?.Message ?? 'no message'}. The number is still claimed; move it by hand (UpdatePhoneNumber), then delete again.`);
    }
    if (status !== 'CLAIMED') {
      return undefined;
    }
    if (mode === 'put-back' || !GROUP_ARN_PATTERN.test(n.TargetArn ?? '')) {
      return true;
    }
    if (mode !== 'park' || event.ResourceProperties?.[PhoneProps.KEEP_ON_RETAINED_GROUP] === 'true') {
      return true;
    }
    // Still on a group: parked soon, unless the group is gone (onEvent then leaves the number as it is).
    return (await describeGroup(n.TargetArn!, what))?.InstanceArn === undefined ? true : undefined;
  });
  if (done === true && mode === 'park') {
    await keepAnswering(event, region, arn, what);
  }
  return { IsComplete: done === true };
}

/**
 * A parked number keeps answering calls: the move dropped its flows, so the declared flow of the
 * instance's Region (the number's) is associated again, on the instance. Idempotent (a re-delivery
 * associates the same flow); a number declared without a flow there is left without one.
 */
async function keepAnswering(event: WaitEvent, region: string, arn: string, what: string): Promise<void> {
  let flows: ParsedFlowArn[] = [];
  try {
    const raw = event.ResourceProperties?.[PhoneProps.CONTACT_FLOW_ARNS];
    flows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, raw === '' ? undefined : raw);
  } catch {
    return;
  }
  const n = await describe(region, arn, what);
  const f = flows.find(x => x.region === region);
  if (f === undefined || n?.PhoneNumberStatus?.Status !== 'CLAIMED' || GROUP_ARN_PATTERN.test(n.TargetArn ?? '')) {
    return;
  }
  await step(`${what}: AssociatePhoneNumberContactFlow (parked, ${region})`, () => connect(region).send(new AssociatePhoneNumberContactFlowCommand({
    PhoneNumberId: arn, InstanceId: f.id, ContactFlowId: f.flowId,
  })));
  log('INFO', 'the parked number keeps its flow in the instance\'s Region', { arn, flow: f.flowId });
}
