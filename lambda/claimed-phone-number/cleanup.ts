/** What a failed phone number request leaves behind: a chosen number kept and tagged, a searched one released. */
import { ClaimedPhoneNumberSummary, ReleasePhoneNumberCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-connect';
import { describe } from './calls';
import { label, regionOf } from './spec';
import type { NumberSpec } from './types';
import { CREATED_FIELD, KEPT_TAG } from '../../src/shared/names';
import { connect } from '../lib/clients';
import { clip, errorName, isNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, clientToken, WaitEvent } from '../lib/events';
import { log } from '../lib/log';

/** Removes the kept-after-failure tag from a number this resource takes back (it is managed again). */
export async function untagKept(event: CfnEvent, region: string, arn: string, known?: ClaimedPhoneNumberSummary): Promise<void> {
  const n = known ?? await describe(region, arn, label(event));
  if (n?.Tags?.[KEPT_TAG] === undefined) {
    return;
  }
  await step(`${label(event, n.PhoneNumber)}: UntagResource`, () => connect(region).send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [KEPT_TAG] })));
}

/**
 * After this request's isComplete failed on a number it claimed or took back: leaves nothing
 * behind. A number chosen by phoneNumber is kept (a released number cannot be claimed again for up
 * to 180 days), tagged so that no Delete releases it, and named; the next deployment takes it
 * back. A searched number this request claimed is released. Returns the error to fail with.
 */
export async function leaveNothingBehind(event: WaitEvent, spec: NumberSpec, arn: string, failure: unknown): Promise<Error> {
  const reason = clip((failure as Error)?.message ?? String(failure), 520);
  const region = regionOf(arn);
  let n: ClaimedPhoneNumberSummary | undefined;
  try {
    n = await describe(region, arn, label(event));
  } catch (e) {
    return new UserError(`${reason} The number ${arn} that this request claimed could not be described (${errorName(e)}): `
      + 'look it up (DescribePhoneNumber), and release it if no stack manages it.');
  }
  const status = n?.PhoneNumberStatus?.Status;
  if (n === undefined || status === 'FAILED') {
    return failure as Error; // nothing is held
  }
  const number = n.PhoneNumber ?? arn;
  if (spec.phoneNumber !== undefined) {
    try {
      await connect(region).send(new TagResourceCommand({ resourceArn: arn, tags: { [KEPT_TAG]: event.RequestId } }));
    } catch (e) {
      log('WARN', 'could not tag the kept number', { arn, error: errorName(e) });
    }
    return new UserError(`${reason} The number ${number} (${arn}) stays claimed to this account: it was chosen by phoneNumber, and a released `
      + 'number cannot be claimed again for up to 180 days. Fix the cause and deploy again: the next deployment takes it back (no new claim). '
      + 'If you no longer want it, release it (ReleasePhoneNumber).');
  }
  if (event[CREATED_FIELD] !== true) {
    return failure as Error;
  }
  try {
    await connect(region).send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn, ClientToken: clientToken(event, 'release-after-failure') }));
  } catch (e) {
    if (!isNotFound(e)) {
      return new UserError(`${reason} The number ${number} (${arn}) that this request claimed could not be released (${errorName(e)}): `
        + 'release it (ReleasePhoneNumber) once it is CLAIMED, then deploy again.');
    }
  }
  log('INFO', 'released the searched number of a failed request', { arn, number });
  return new UserError(`${reason} The number ${number} that this request claimed was released, so that nothing is left behind; `
    + 'the next deployment searches and claims again.');
}
