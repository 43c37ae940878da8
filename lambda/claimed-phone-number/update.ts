/** A phone number's update in place (move, description, tags), and its wait until CLAIMED on the target with its flows linked. */
import {
  AssociatePhoneNumberContactFlowCommand, DisassociatePhoneNumberContactFlowCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import { describe, onActiveTarget } from './calls';
import { CLAIM_FIRST_POLL_FACTOR, CLAIM_NOT_FOUND_GRACE_FACTOR, CLAIMED_AT_FIELD } from './fields';
import { idOf, label, regionOf } from './spec';
import type { NumberSpec } from './types';
import { CREATED_FIELD, PhoneAttrs, PhoneProps } from '../../src/shared/names';
import { ParsedFlowArn, validateFlows, validateTags } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { isNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';
import { pollUntilSettled, pollSettings } from '../lib/poll';
import { applyTagChanges } from '../lib/tags';

export async function updateInPlace(event: CfnEvent & { PhysicalResourceId: string }, spec: NumberSpec): Promise<void> {
  const arn = event.PhysicalResourceId;
  const region = regionOf(arn);
  const old = (event as { OldResourceProperties: Record<string, unknown> }).OldResourceProperties;
  const what = label(event);
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
        throw new UserError(`${what} no longer exists: it was released outside CloudFormation. Remove it from the stack, or give another number.`);
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

/**
 * Associates each declared flow with the number in the flow's Region (by the number's ARN, which
 * the replica Region requires), and disassociates the instances that no longer have a flow. A
 * move drops associations, so they are made again after every change; the calls are idempotent.
 */
async function linkFlows(event: WaitEvent, spec: NumberSpec, arn: string, what: string): Promise<void> {
  for (const f of spec.flows) {
    await step(`${what}: AssociatePhoneNumberContactFlow (${f.arn})`, () => connect(f.region).send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: arn, InstanceId: f.id, ContactFlowId: f.flowId,
    })));
  }
  if (event.RequestType !== 'Update') {
    return;
  }
  let oldFlows: ParsedFlowArn[] = [];
  try {
    const raw = event.OldResourceProperties[PhoneProps.CONTACT_FLOW_ARNS];
    oldFlows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, raw === '' ? undefined : raw);
  } catch {
    oldFlows = [];
  }
  const keep = new Set(spec.flows.map(f => `${f.region}/${f.id}`));
  const moved = event.OldResourceProperties[PhoneProps.TARGET_ARN] !== spec.targetArn;
  for (const f of oldFlows) {
    if (keep.has(`${f.region}/${f.id}`) || moved) {
      continue; // replaced by the new flow of that instance, or dropped by the move already
    }
    await step(`${what}: DisassociatePhoneNumberContactFlow (${f.region}, instance ${f.id})`, async () => {
      try {
        await connect(f.region).send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: arn, InstanceId: f.id }));
      } catch (e) {
        if (!isNotFound(e)) {
          throw e;
        }
      }
    });
  }
}
