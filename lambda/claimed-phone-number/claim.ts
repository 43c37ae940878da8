/** Claiming a phone number: the flow check first, search and claim, and taking back a number this resource already holds. */
import {
  ClaimedPhoneNumberSummary, ClaimPhoneNumberCommand, DescribeContactFlowCommand, ListPhoneNumbersSummary, ListPhoneNumbersV2Command,
  PhoneNumberCountryCode, PhoneNumberType, SearchAvailablePhoneNumbersCommand, UpdatePhoneNumberCommand,
} from '@aws-sdk/client-connect';
import { recordAdoption } from './adopt';
import { describe, isUnavailable, onActiveTarget } from './calls';
import { untagKept } from './cleanup';
import { importNumber, isImportedSpec } from './import';
import { findNumber } from './number-lookup';
import { label, meets, regionOf } from './spec';
import type { NumberSpec } from './types';
import { CLAIM_TOKEN_TAG, KEPT_TAG, OWNER_TAG, PhoneProps } from '../../src/shared/names';
import { PHONE_NUMBER_ARN_PATTERN } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { errorName, isNotFound, step, userError, UserError } from '../lib/errors';
import { CfnEvent, clientToken, ownerOf } from '../lib/events';
import { log } from '../lib/log';
import { ownerTags } from '../lib/ownership';
import { pollSettings } from '../lib/poll';

/**
 * How many candidates a searched claim tries when the ones before were taken meanwhile (each
 * after a fresh search). Numbers deployed side by side all search the same first page: two stacks
 * of 100 numbers deploying at once meet a taken candidate on about one claim in four (bench/scale.ts),
 * so 5 tries in a row all taken happened (a failed deploy over contention); 10 make it negligible,
 * and cost nothing when a candidate is free.
 */
export const MAX_CLAIM_ATTEMPTS = 10;

/**
 * True when this Update is CloudFormation rolling back a failed replacement: the number the
 * physical id holds meets the requested properties but not the ones being left (the failed
 * update's). Then it is kept and updated in place; replacing it again would claim one more number.
 */
export async function rollingBackTo(
  event: CfnEvent & { PhysicalResourceId: string }, requested: Record<string, unknown>, leaving: Record<string, unknown>,
): Promise<boolean> {
  const arn = event.PhysicalResourceId;
  if (!PHONE_NUMBER_ARN_PATTERN.test(arn)) {
    return false;
  }
  const held = await describe(regionOf(arn), arn, label(event));
  const back = held !== undefined && held.PhoneNumberStatus?.Status === 'CLAIMED' && meets(held, requested) && !meets(held, leaving);
  if (back) {
    log('INFO', 'the number already meets the requested properties (a rollback): kept', { arn });
  }
  return back;
}

/** Claims the number (exact or searched) and returns its ARN. Never claims twice for one request. */
export async function claim(event: CfnEvent, spec: NumberSpec): Promise<string> {
  if (isImportedSpec(spec)) {
    return importNumber(event, spec); // ImportPhoneNumber instead of a claim
  }
  const token = clientToken(event, 'claim');
  const region = spec.target.region;
  // The tag always carries the request's token, so that a re-delivered event finds what it claimed.
  const send: ClaimSend = (phoneNumber, claimToken = token) => onActiveTarget(spec, attempt => connect(region).send(new ClaimPhoneNumberCommand({
    PhoneNumber: phoneNumber,
    TargetArn: spec.targetArn,
    PhoneNumberDescription: spec.description,
    Tags: { ...spec.tags, [CLAIM_TOKEN_TAG]: token, ...ownerTags(event) },
    ClientToken: attempt === 0 ? claimToken : clientToken(event, `claim-when-active:${phoneNumber}`),
  })));
  return spec.phoneNumber !== undefined ? claimChosen(event, spec, spec.phoneNumber, send) : claimSearched(event, spec, token, send);
}

/** ClaimPhoneNumber of one number, with the request's token unless another is given. */
type ClaimSend = (phoneNumber: string, claimToken?: string) => Promise<{ PhoneNumberArn?: string }>;

/** The number chosen by `phoneNumber`: taken over when the account holds it, claimed otherwise. */
async function claimChosen(event: CfnEvent, spec: NumberSpec, phoneNumber: string, send: ClaimSend): Promise<string> {
  const region = spec.target.region;
  const what = `${label(event, phoneNumber)}: ClaimPhoneNumber`;
  // A number this account already holds (claimed in the console, `adopt`ed, kept by a failed request)
  // is taken over, not claimed: look first, so that adopting calls no ClaimPhoneNumber at all.
  const held = await step(`${label(event, phoneNumber)}: ListPhoneNumbersV2`, () => findOwned(region, phoneNumber));
  if (held !== undefined) {
    return adoptHeld(event, spec, held);
  }
  return step(what, async () => {
    try {
      const out = await send(phoneNumber);
      log('INFO', 'claimed phone number', { logicalId: event.LogicalResourceId, arn: out.PhoneNumberArn });
      return out.PhoneNumberArn!;
    } catch (e) {
      if (!isUnavailable(e) && errorName(e) !== 'IdempotencyException') {
        throw e;
      }
      // Perhaps this account claimed it meanwhile: adopt it (move it to the target) rather than fail.
      const owned = await step(`${label(event, phoneNumber)}: ListPhoneNumbersV2`, () => findOwned(region, phoneNumber));
      if (owned === undefined) {
        throw new UserError(`${label(event, phoneNumber)} is not available to claim: it is not offered for this target, `
          + 'another account holds it, or it was released in the last 180 days. Check the number, or search for one with countryCode and phoneNumberType.');
      }
      return adoptHeld(event, spec, owned);
    }
  });
}

/** A searched number: search, then claim a candidate, the next one when it was taken meanwhile (bounded). */
async function claimSearched(event: CfnEvent, spec: NumberSpec, token: string, send: ClaimSend): Promise<string> {
  const region = spec.target.region;
  const criteria = `country ${spec.countryCode}, type ${spec.type}${spec.prefix ? `, prefix ${spec.prefix}` : ''}`;
  const searchNow = async () => {
    const out = await step(`${label(event)}: SearchAvailablePhoneNumbers`, () => connect(region).send(new SearchAvailablePhoneNumbersCommand({
      TargetArn: spec.targetArn,
      PhoneNumberCountryCode: spec.countryCode as PhoneNumberCountryCode,
      PhoneNumberType: spec.type as PhoneNumberType,
      PhoneNumberPrefix: spec.prefix,
      MaxResults: 10,
    })));
    return (out.AvailableNumbersList ?? []).map(n => n.PhoneNumber!).filter(Boolean);
  };
  let candidates = await searchNow();
  if (candidates.length === 0) {
    throw new UserError(`${label(event)}: no available phone number matches ${criteria} for ${spec.targetArn}. `
      + 'Widen or drop the prefix, choose another type or country, or ask AWS Support for numbers.');
  }
  // Numbers claimed side by side in one stack start at different candidates, so they race less.
  const start = startIndex(event);
  const tried: string[] = [];
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      // Numbers deployed side by side got the same page from their searches, and the candidates
      // next to a taken one are as stale: search again, which leaves out what was claimed since.
      candidates = (await searchNow()).filter(c => !tried.includes(c));
      if (candidates.length === 0) {
        break;
      }
    }
    const candidate = candidates[(start + attempt) % candidates.length];
    tried.push(candidate);
    let claimToken = token;
    for (;;) {
      try {
        const out = await send(candidate, claimToken);
        log('INFO', 'claimed phone number', { logicalId: event.LogicalResourceId, arn: out.PhoneNumberArn, number: candidate });
        return out.PhoneNumberArn!;
      } catch (e) {
        if (errorName(e) === 'IdempotencyException' && claimToken === token) {
          // This request already claimed a number (the event was delivered again): find it by its tag.
          const mine = await findByToken(event, spec, token);
          if (mine !== undefined) {
            return mine;
          }
          // Nothing carries the tag: the token was spent on a claim the service refused (a candidate
          // taken meanwhile). Claim this candidate with a token of its own.
          claimToken = clientToken(event, `claim:${candidate}`);
          continue;
        }
        if (isUnavailable(e)) {
          log('WARN', 'candidate taken meanwhile, trying another', { number: candidate });
          break;
        }
        throw userError(`${label(event, candidate)}: ClaimPhoneNumber`, e);
      }
    }
  }
  throw new UserError(`${label(event)}: every candidate tried (${tried.join(', ')}) was taken between the search and the claim. Deploy again.`);
}

function startIndex(event: CfnEvent): number {
  let h = 0;
  for (const c of `${event.StackId}|${event.LogicalResourceId}`) {
    h = (h * 31 + c.charCodeAt(0)) % 2_147_483_647;
  }
  return h;
}

/**
 * Flows this sandbox found to exist (ARN to epoch ms). The numbers of a stack name the same few
 * flows: one DescribeContactFlow per flow, sandbox and FLOW_SEEN_FACTOR first poll intervals (five
 * minutes by default) spares the shared 2 requests/s a call per number (measured: bench/scale.ts).
 * A flow deleted within those minutes fails the association after the claim instead, which cleans
 * up as any failed association does (a searched number is released, a chosen one kept and named).
 */
const flowsSeen = new Map<string, number>();
const FLOW_SEEN_FACTOR = 300;

/** Forgets the flows seen, as a new sandbox would (the handler tests start each test in one). */
export function forgetSeenFlows(): void {
  flowsSeen.clear();
}

/**
 * Fails before claiming (or importing) when a flow in contactFlowArns does not exist in its Region
 * (one DescribeContactFlow per flow): the association would fail after the claim otherwise.
 */
export async function checkFlows(event: CfnEvent, spec: NumberSpec): Promise<void> {
  for (const f of spec.flows) {
    const seenAt = flowsSeen.get(f.arn);
    if (seenAt !== undefined && Date.now() - seenAt < FLOW_SEEN_FACTOR * pollSettings().firstMs) {
      continue;
    }
    await step(`${label(event, spec.phoneNumber)}: DescribeContactFlow (${f.arn})`, async () => {
      try {
        await connect(f.region).send(new DescribeContactFlowCommand({ InstanceId: f.id, ContactFlowId: f.flowId }));
      } catch (e) {
        if (isNotFound(e)) {
          throw new UserError(`${label(event, spec.phoneNumber)}: the contact flow ${f.arn} does not exist in ${f.region} `
            + `(DescribeContactFlow: ${errorName(e)}), so no number was ${isImportedSpec(spec) ? 'imported' : 'claimed'}. Fix ${PhoneProps.CONTACT_FLOW_ARNS} `
            + '(each a flow of the target\'s instance, or of its replica, in that Region), then deploy again.');
        }
        throw e;
      }
      flowsSeen.set(f.arn, Date.now());
    });
  }
}

/**
 * The number this resource holds on the target that meets the properties, other than `exclude`
 * (the physical id the request was sent to), tagged with this resource's owner tag: for a chosen
 * number, that number; for a searched one, one on the target that meets the properties. Its kept-after-failure tag is removed. Undefined when
 * there is none.
 */
export async function takeBack(event: CfnEvent, spec: NumberSpec, exclude: string): Promise<string | undefined> {
  const region = spec.target.region;
  const what = label(event, spec.phoneNumber);
  let found: ClaimedPhoneNumberSummary | undefined;
  if (spec.phoneNumber !== undefined) {
    const owned = await step(`${what}: ListPhoneNumbersV2`, () => findOwned(region, spec.phoneNumber!));
    if (owned?.PhoneNumberArn !== undefined && owned.PhoneNumberArn !== exclude && owned.TargetArn === spec.targetArn) {
      found = await describe(region, owned.PhoneNumberArn, what);
    }
  } else {
    // A searched number is taken back only by a rollback: sent to the number of a failed request
    // (released, being released, or kept). A forward replacement claims a new number, as declared.
    const sentTo = PHONE_NUMBER_ARN_PATTERN.test(exclude) ? await describe(regionOf(exclude), exclude, what) : undefined;
    if (sentTo?.PhoneNumberStatus?.Status === 'CLAIMED' && sentTo.Tags?.[KEPT_TAG] === undefined) {
      return undefined;
    }
    const out = await step(`${what}: ListPhoneNumbersV2`, () => connect(region).send(new ListPhoneNumbersV2Command({
      TargetArn: spec.targetArn,
      PhoneNumberCountryCodes: [spec.countryCode as PhoneNumberCountryCode],
      PhoneNumberTypes: [spec.type as PhoneNumberType],
      PhoneNumberPrefix: spec.prefix,
      MaxResults: 100,
    })));
    const owner = ownerOf(event);
    for (const n of (out.ListPhoneNumbersSummaryList ?? []).filter(x => x.PhoneNumberArn !== exclude).slice(0, 10)) {
      const d = await describe(region, n.PhoneNumberArn!, what);
      if (d?.Tags?.[OWNER_TAG] === owner) {
        found = d;
        break;
      }
    }
  }
  const wanted = {
    [PhoneProps.PHONE_NUMBER]: spec.phoneNumber,
    [PhoneProps.COUNTRY_CODE]: spec.countryCode,
    [PhoneProps.PHONE_NUMBER_TYPE]: spec.type,
    [PhoneProps.PREFIX]: spec.prefix,
  };
  // Only a number this resource's owner tag names is taken back as it is: one the account held otherwise
  // (claimed outside the stack, or another resource's) is adopted by claim(), with its owner record
  // written first, so that the rollback of this deployment puts it back rather than releasing it.
  if (found?.PhoneNumberArn === undefined || found.PhoneNumberStatus?.Status !== 'CLAIMED' || !meets(found, wanted)
    || found.Tags?.[OWNER_TAG] !== ownerOf(event)) {
    return undefined;
  }
  await untagKept(event, region, found.PhoneNumberArn, found);
  log('INFO', 'taking back a number this resource already holds: nothing claimed', { arn: found.PhoneNumberArn, number: found.PhoneNumber });
  return found.PhoneNumberArn;
}

/** Takes over a number this account holds: moved to the target when it is elsewhere, its kept-after-failure tag removed. */
async function adoptHeld(event: CfnEvent, spec: NumberSpec, owned: ListPhoneNumbersSummary): Promise<string> {
  const region = spec.target.region;
  // The owner record first (the target and owner it had), so that a Delete can put it back.
  await recordAdoption(event, region, owned.PhoneNumberArn!);
  if (owned.TargetArn !== spec.targetArn) {
    await step(`${label(event, spec.phoneNumber)}: UpdatePhoneNumber (adopt from ${owned.TargetArn})`, () => onActiveTarget(spec, attempt => connect(region).send(
      new UpdatePhoneNumberCommand({ PhoneNumberId: owned.PhoneNumberArn, TargetArn: spec.targetArn, ClientToken: clientToken(event, attempt === 0 ? 'adopt' : 'adopt-when-active') }),
    )));
  }
  await untagKept(event, region, owned.PhoneNumberArn!);
  log('INFO', 'adopted a phone number this account already holds', { arn: owned.PhoneNumberArn, from: owned.TargetArn });
  return owned.PhoneNumberArn!;
}

/** A number this account holds in the Region, by its E.164 address. */
async function findOwned(region: string, phoneNumber: string) {
  return findNumber(region, { PhoneNumberPrefix: phoneNumber, MaxResults: 100 }, n => n.PhoneNumber === phoneNumber);
}

/** The number claimed on the target with this request's token (tagged at claim time). */
async function findByToken(event: CfnEvent, spec: NumberSpec, token: string): Promise<string | undefined> {
  const region = spec.target.region;
  const out = await connect(region).send(new ListPhoneNumbersV2Command({
    TargetArn: spec.targetArn,
    PhoneNumberCountryCodes: spec.countryCode ? [spec.countryCode as PhoneNumberCountryCode] : undefined,
    PhoneNumberTypes: spec.type ? [spec.type as PhoneNumberType] : undefined,
    PhoneNumberPrefix: spec.prefix,
    MaxResults: 100,
  }));
  for (const n of (out.ListPhoneNumbersSummaryList ?? []).slice(0, 50)) {
    const d = await describe(region, n.PhoneNumberArn!, label(event));
    if (d?.Tags?.[CLAIM_TOKEN_TAG] === token) {
      log('INFO', 'found the number this request already claimed', { arn: d.PhoneNumberArn });
      return d.PhoneNumberArn;
    }
  }
  return undefined;
}
