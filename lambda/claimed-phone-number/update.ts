/** A phone number's update in place (move, description, tags), and its wait until CLAIMED on the target with its flows linked. */
import {
  AssociatePhoneNumberContactFlowCommand, DisassociatePhoneNumberContactFlowCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import { describe, onActiveTarget } from './calls';
import { CLAIM_FIRST_POLL_FACTOR, CLAIM_NOT_FOUND_GRACE_FACTOR, CLAIMED_AT_FIELD, TAKEN_BACK_FIELD } from './fields';
import { idOf, label, regionOf } from './spec';
import type { NumberSpec } from './types';
import { CREATED_FIELD, PhoneAttrs, PhoneProps } from '../../src/shared/names';
import { ParsedFlowArn, PHONE_NUMBER_ARN_PATTERN, validateFlows, validateTags } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { checkCurrent, MARKED_FIELD, markCurrent } from '../lib/current-request';
import { isNotFound, RegionOutageError, step, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, WaitEvent } from '../lib/events';
import { goneOutside, mayBeGone } from '../lib/gone';
import { log } from '../lib/log';
import { pollUntilSettled, pollSettings } from '../lib/poll';
import { isRollback } from '../lib/stack-status';
import { applyTagChanges } from '../lib/tags';

/** What the wait returns for a number a rollback found gone. */
const GONE = Symbol('gone');

/** What a forward Update says of a number released outside CloudFormation: what is gone, and the ways forward. */
export function goneMessage(what: string): string {
  return `${what} no longer exists: it was released outside CloudFormation. Either remove the ClaimedPhoneNumber from the stack and deploy `
    + '(there is nothing left to release), or change what claims a new one (phoneNumber, or countryCode, phoneNumberType or prefix).';
}

/**
 * The in-place changes (move, description, tags), and the record that this request is the one whose
 * waiter may link flows. True when the number is gone and this is a rollback (nothing to roll back);
 * a forward request on a number gone fails at once, saying what to do.
 */
export async function updateInPlace(event: CfnEvent & { PhysicalResourceId: string }, spec: NumberSpec): Promise<{ gone?: true; marked?: true }> {
  try {
    return await changeInPlace(event, spec) ? { marked: true } : {};
  } catch (e) {
    const arn = event.PhysicalResourceId;
    if (!mayBeGone(e) || !PHONE_NUMBER_ARN_PATTERN.test(arn) || await describe(regionOf(arn), arn, label(event)) !== undefined) {
      throw e;
    }
    await goneOutside(event, arn, goneMessage(`${label(event)} (${arn})`));
    return { gone: true };
  }
}

/** The changes in place; true when this request was recorded as the current one (its waiter will link flows). */
async function changeInPlace(event: CfnEvent & { PhysicalResourceId: string }, spec: NumberSpec): Promise<boolean> {
  const arn = event.PhysicalResourceId;
  const region = regionOf(arn);
  const old = (event as { OldResourceProperties: Record<string, unknown> }).OldResourceProperties;
  const what = label(event);
  const linksFlows = flowsToAssociate(event as WaitEvent, spec).length > 0 || flowsToDisassociate(event as WaitEvent, spec).length > 0;
  const marks = old[PhoneProps.TARGET_ARN] !== spec.targetArn || linksFlows;
  if (marks) {
    await markCurrent(region, arn, event, what); // this request's waiter will link flows
  }
  if (old[PhoneProps.TARGET_ARN] !== spec.targetArn) {
    await step(`${what}: UpdatePhoneNumber (move to ${spec.targetArn})`, () => onActiveTarget(spec, attempt => connect(region).send(new UpdatePhoneNumberCommand({
      PhoneNumberId: arn, TargetArn: spec.targetArn, ClientToken: clientToken(event, attempt === 0 ? 'move' : 'move-when-active'),
    }))));
    log('INFO', 'moving phone number', { arn, to: spec.targetArn });
  }
  if ((old[PhoneProps.DESCRIPTION] ?? '') !== (spec.description ?? '')) {
    await step(`${what}: UpdatePhoneNumberMetadata`, () => connect(region).send(new UpdatePhoneNumberMetadataCommand({
      PhoneNumberId: arn, PhoneNumberDescription: spec.description ?? '', ClientToken: clientToken(event, 'metadata'),
    })));
  }
  let oldTags: Record<string, string> = {};
  try {
    oldTags = validateTags(PhoneProps.TAGS, old[PhoneProps.TAGS]);
  } catch {
    oldTags = {};
  }
  await applyTagChanges(region, arn, oldTags, spec.tags, what);
  return marks;
}

/** Waits until the number is CLAIMED on the target, then links its flows. */
export async function settle(event: WaitEvent, spec: NumberSpec, arn: string): Promise<IsCompleteResult> {
  const region = regionOf(arn);
  let what = `${label(event)} (${arn})`;
  const claimedAt = event[CLAIMED_AT_FIELD];
  // The first look once a claim (or move) of this sandbox's last duration has passed (lambda/lib/poll.ts).
  const moved = event.RequestType === 'Update' && event.OldResourceProperties[PhoneProps.TARGET_ARN] !== spec.targetArn;
  const transition = {
    kind: event[CREATED_FIELD] === true ? 'claim' : moved ? 'move' : 'metadata',
    startedAt: typeof claimedAt === 'number' ? claimedAt : undefined,
    firstLookMs: CLAIM_FIRST_POLL_FACTOR * pollSettings().firstMs,
  };
  const number = await pollUntilSettled(event, async seen => {
    const n = await describe(region, arn, what);
    if (n?.PhoneNumber) {
      what = `${label(event, n.PhoneNumber)} (${arn})`;
    }
    const status = n?.PhoneNumberStatus?.Status;
    seen(what, status ?? 'not found');
    if (n === undefined) {
      if (event[CREATED_FIELD] !== true) {
        await goneOutside(event, arn, goneMessage(what));
        return GONE; // a rollback: nothing to roll back
      }
      // Just claimed: DescribePhoneNumber may lag the claim, but not for long.
      const sinceClaim = typeof claimedAt === 'number' ? Date.now() - claimedAt : 0;
      if (sinceClaim > CLAIM_NOT_FOUND_GRACE_FACTOR * pollSettings().firstMs) {
        throw new UserError(`${what} is not found ${Math.round(sinceClaim / 1000)} s after this request claimed it: the claim failed and `
          + 'the number was claimed again since (by another resource of this account, which may hold it now), or it was released outside CloudFormation. Deploy again.');
      }
      return undefined;
    }
    if (status === 'FAILED') {
      throw new UserError(`${what}: the claim or move to ${spec.targetArn} failed: ${n.PhoneNumberStatus?.Message ?? 'no message'}. `
        + 'A common cause is a target that reached its limit of claimed numbers (raise the quota), then deploy again.');
    }
    if (status !== 'CLAIMED' || n.TargetArn !== spec.targetArn) {
      return undefined;
    }
    return n;
  }, transition);
  if (number === undefined) {
    return { IsComplete: false };
  }
  if (number === GONE) {
    return { IsComplete: true, Data: { [PhoneAttrs.PHONE_NUMBER]: '', [PhoneAttrs.PHONE_NUMBER_ARN]: arn, [PhoneAttrs.PHONE_NUMBER_ID]: idOf(arn) } };
  }
  if (event[MARKED_FIELD] === true) {
    checkCurrent(number.Tags, event, what); // a cancelled update's waiter changes nothing
  }
  await linkFlows(event, spec, arn, what);
  return {
    IsComplete: true,
    Data: {
      [PhoneAttrs.PHONE_NUMBER]: number.PhoneNumber ?? '',
      [PhoneAttrs.PHONE_NUMBER_ARN]: arn,
      [PhoneAttrs.PHONE_NUMBER_ID]: number.PhoneNumberId ?? idOf(arn),
    },
  };
}

/** The number's flows as the previous declaration had them (an Update in place), by `<region>/<instance id>`. */
function oldFlows(event: WaitEvent): Map<string, string> | undefined {
  if (event.RequestType !== 'Update' || event[CREATED_FIELD] === true || event[TAKEN_BACK_FIELD] === true
    || event.OldResourceProperties[PhoneProps.TARGET_ARN] !== event.ResourceProperties[PhoneProps.TARGET_ARN]) {
    return undefined; // a new number, or a move (which drops associations): every declared flow is linked
  }
  let flows: ParsedFlowArn[] = [];
  try {
    const raw = event.OldResourceProperties[PhoneProps.CONTACT_FLOW_ARNS];
    flows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, raw === '' ? undefined : raw);
  } catch {
    flows = [];
  }
  return new Map(flows.map(f => [`${f.region}/${f.id}`, `${f.region}/${f.id}/${f.flowId}`]));
}

/** The declared flows to associate: all of them for a new number or after a move; otherwise those whose declaration changed. */
function flowsToAssociate(event: WaitEvent, spec: NumberSpec): NumberSpec['flows'] {
  const old = oldFlows(event);
  return old === undefined ? spec.flows : spec.flows.filter(f => old.get(`${f.region}/${f.id}`) !== `${f.region}/${f.id}/${f.flowId}`);
}

/** The instances whose flow an in-place Update no longer declares (a move dropped them already). */
function flowsToDisassociate(event: WaitEvent, spec: NumberSpec): Array<{ region: string; id: string }> {
  const old = oldFlows(event);
  const keep = new Set(spec.flows.map(f => `${f.region}/${f.id}`));
  return old === undefined ? [] : [...old.keys()].filter(k => !keep.has(k)).map(k => ({ region: k.split('/')[0], id: k.split('/')[1] }));
}

/**
 * Links flows as an Update needs (DESIGN.md: an Update calls only what its property changes need):
 * associates each declared flow whose declaration changed (all of them for a new number or after
 * a move, which drops associations) in the flow's Region, by the number's ARN (which the replica
 * Region requires), and disassociates the instances that no longer have a flow. A deploy that
 * changes no flow of a Region makes no call there. In a rollback, a Region that is down is left as
 * it is (the failed forward request could not have changed it either).
 */
async function linkFlows(event: WaitEvent, spec: NumberSpec, arn: string, what: string): Promise<void> {
  for (const f of flowsToAssociate(event, spec)) {
    await unlessDownInRollback(event, f.region, () => step(`${what}: AssociatePhoneNumberContactFlow (${f.arn})`, () => connect(f.region).send(
      new AssociatePhoneNumberContactFlowCommand({ PhoneNumberId: arn, InstanceId: f.id, ContactFlowId: f.flowId }))));
  }
  for (const f of flowsToDisassociate(event, spec)) {
    await unlessDownInRollback(event, f.region, () => step(`${what}: DisassociatePhoneNumberContactFlow (${f.region}, instance ${f.id})`, async () => {
      try {
        await connect(f.region).send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: arn, InstanceId: f.id }));
      } catch (e) {
        if (!isNotFound(e)) {
          throw e;
        }
      }
    }));
  }
}

async function unlessDownInRollback(event: WaitEvent, region: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof RegionOutageError) || !(await isRollback(event))) {
      throw e;
    }
    log('WARN', 'the Region is down: the rollback leaves its flow associations as they are', { logicalId: event.LogicalResourceId, region });
  }
}
