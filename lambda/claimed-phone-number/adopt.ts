/** Adopting a number that existed before (the owner record written before the move), and putting it back as it was. */
import { ClaimedPhoneNumberSummary, TagResourceCommand, UntagResourceCommand, UpdatePhoneNumberCommand } from '@aws-sdk/client-connect';
import { describe } from './calls';
import { label, removalOf } from './spec';
import { ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, OWNER_NONE, OWNER_TAG, STACK_TAG } from '../../src/shared/names';
import { connect } from '../lib/clients';
import { step } from '../lib/errors';
import { CfnEvent, clientToken, ownerOf } from '../lib/events';
import { log } from '../lib/log';
import { ownershipOf, ownerTags } from '../lib/ownership';
import { stackRollingBack } from '../lib/stack-status';

/**
 * Writes the owner record of a number this resource adopts, before it is moved: the target and owner
 * it had. Written once: a re-delivered request finds itself the owner and leaves the record as the
 * first delivery wrote it (so the record always holds the state from before the adoption).
 */
export async function recordAdoption(event: CfnEvent, region: string, arn: string): Promise<void> {
  const n = await describe(region, arn, label(event));
  const owner = n?.Tags?.[OWNER_TAG];
  if (n === undefined || owner === ownerOf(event)) {
    return; // already this resource's (a re-delivery, or a number it kept after a failed request)
  }
  await step(`${label(event, n.PhoneNumber)}: TagResource (owner record)`, () => connect(region).send(new TagResourceCommand({
    resourceArn: arn,
    tags: { ...ownerTags(event), [ADOPTED_FROM_TAG]: n.TargetArn ?? '', [ADOPTED_OWNER_TAG]: owner ?? OWNER_NONE },
  })));
  log('INFO', 'adopting a number that existed before: owner record written', { arn, from: n.TargetArn, previousOwner: owner ?? OWNER_NONE });
}

/**
 * A Delete of the resource that adopted the number: the number goes back to the target it was on,
 * and to its previous owner (OWNER_NONE when it had none, so that a re-delivered Delete finds nothing
 * of its own); never released. Returns true when a move was started (isComplete waits for it).
 */
export async function putBack(event: CfnEvent, region: string, n: ClaimedPhoneNumberSummary): Promise<boolean> {
  const arn = n.PhoneNumberArn!;
  const from = n.Tags?.[ADOPTED_FROM_TAG] ?? '';
  const previousOwner = n.Tags?.[ADOPTED_OWNER_TAG] ?? OWNER_NONE;
  const move = from !== '' && from !== n.TargetArn;
  if (move && n.PhoneNumberStatus?.Status === 'CLAIMED') {
    await step(`${label(event, n.PhoneNumber)}: UpdatePhoneNumber (put back on ${from})`, () => connect(region).send(new UpdatePhoneNumberCommand({
      PhoneNumberId: arn, TargetArn: from, ClientToken: clientToken(event, 'put-back'),
    })));
  }
  // The owner goes back last: until then a re-delivered Delete still finds the number adopted, and moves it back.
  await step(`${label(event, n.PhoneNumber)}: TagResource (previous owner)`, () => connect(region).send(new TagResourceCommand({
    resourceArn: arn, tags: { [OWNER_TAG]: previousOwner },
  })));
  await step(`${label(event, n.PhoneNumber)}: UntagResource (owner record)`, () => connect(region).send(new UntagResourceCommand({
    resourceArn: arn, tagKeys: [ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, ...(previousOwner === OWNER_NONE ? [STACK_TAG] : [])],
  })));
  log('INFO', 'put back a number that existed before this resource adopted it: never released', { arn, number: n.PhoneNumber, target: from, owner: previousOwner });
  return move;
}

/**
 * A Delete of the resource another logical resource took the number over from (a refactor): the
 * takeover is final, the new resource owns the number as if it had claimed it (its record goes).
 */
export async function letGo(event: CfnEvent, region: string, n: ClaimedPhoneNumberSummary): Promise<void> {
  await step(`${label(event, n.PhoneNumber)}: UntagResource (takeover final)`, () => connect(region).send(new UntagResourceCommand({
    resourceArn: n.PhoneNumberArn!, tagKeys: [ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG],
  })));
  log('INFO', 'another logical resource of the stack took this number over: left exactly as it is', { arn: n.PhoneNumberArn, owner: n.Tags?.[OWNER_TAG] });
}

/**
 * What the owner record makes a Delete do before anything else: `false` when the number is not this
 * resource's to act on (another's: left as it is; taken over from this one: let go), `put-back` or
 * `false` once an adopted number was put back, `mine` when the removal policy decides (a number this
 * resource claimed, or an adopted one the user removes with DESTROY).
 */
export async function actByOwner(event: CfnEvent, region: string, n: ClaimedPhoneNumberSummary): Promise<'mine' | 'put-back' | false> {
  switch (ownershipOf(n.Tags, event)) {
    case 'another':
      log('INFO', 'the number is another resource\'s (or no stack\'s): left exactly as it is', { arn: n.PhoneNumberArn, owner: n.Tags?.[OWNER_TAG] });
      return false;
    case 'taken-over':
      await letGo(event, region, n);
      return false;
    case 'adopted':
      // DESTROY of an adopted number applies only when the user removes it from the stack that owned it:
      // never in the rollback of the deployment that adopted it (nor when the stack status is unknown).
      if (removalOf(event.ResourceProperties) !== 'destroy' || await stackRollingBack(event) !== false) {
        return await putBack(event, region, n) ? 'put-back' : false;
      }
      return 'mine';
    case 'mine':
      return 'mine';
  }
}
