import {
  AssociatePhoneNumberContactFlowCommand, ClaimedPhoneNumberSummary, ClaimPhoneNumberCommand, DescribeContactFlowCommand, DescribePhoneNumberCommand,
  DescribeTrafficDistributionGroupCommand, DisassociatePhoneNumberContactFlowCommand, ListPhoneNumbersV2Command,
  PhoneNumberCountryCode, PhoneNumberType, ReleasePhoneNumberCommand, SearchAvailablePhoneNumbersCommand,
  TagResourceCommand, UntagResourceCommand, UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import {
  CfnEvent, pollUntilSettled, clientToken, clip, connect, deadlineFrom, errorName, isNotFound, IsCompleteResult, isTransient, log,
  OnEventResult, ownerOf, pastDeadline, pollInline, pollSettings, sleep, step, userError, UserError, WaitEvent,
} from './common';
import { findNumber } from './number-lookup';
import { importNumber, isImported, isImportedSpec, meetsImported, parseImportedSpec } from './phone-number-import';
import { applyTagChanges } from './tags';
import {
  CLAIM_TOKEN_TAG, CREATED_FIELD, DEADLINE_FIELD, Deadlines, KEPT_TAG, OWNER_TAG, PHONE_NUMBER_TYPES, PhoneAttrs, PhoneProps, PhoneRemoval,
} from '../src/shared/names';
import {
  GROUP_ARN_PATTERN, ParsedFlowArn, ParsedTarget, parseTargetArn, PHONE_NUMBER_ARN_PATTERN, validateCountryCode,
  parseRemovalPolicy, validateFlows, validatePhoneDescription, validatePhoneNumber, validatePhoneNumberType, validatePrefix, validateTags,
} from '../src/shared/validate';

/**
 * How many candidates a searched claim tries when the ones before were taken meanwhile (each
 * after a fresh search). 50 numbers deployed side by side all search the same first page.
 */
export const MAX_CLAIM_ATTEMPTS = 5;

/**
 * Field onEvent adds after a claim (epoch ms), carried by the framework to isComplete only. A
 * claim takes seconds (connect-api.md: Timing data has no published figure; the emulator assumes
 * 3 s, an AWS sample waits 6 s before using a new number): isComplete describes the number first
 * once CLAIM_FIRST_POLL_FACTOR first poll intervals (3 s by default) have passed since the claim,
 * not at once, so that a claim on the happy path costs one DescribePhoneNumber, and 50 numbers
 * deployed together leave the shared 2 requests/s to the claims.
 */
const CLAIMED_AT_FIELD = 'ConnectClaimedAtEpochMs';
/**
 * Set by onEvent when a delete found nothing to do (the number is gone, or its claim FAILED): a
 * FAILED status is then no failed parking move, and isComplete has nothing to wait for.
 */
const NOTHING_TO_DELETE_FIELD = 'ConnectNothingToDelete';
/**
 * Set by onEvent when it answered with a number this resource already held instead of claiming one
 * (a rollback finding the number it held before, or a number a failed request kept).
 */
const TAKEN_BACK_FIELD = 'ConnectTakenBack';
const CLAIM_FIRST_POLL_FACTOR = 3;
/**
 * Field onEvent adds when it started a release or a parking move (epoch ms): like a claim, the
 * move takes seconds (the emulator assumes 3 s; no figure is published), so isComplete first
 * describes the number CLAIM_FIRST_POLL_FACTOR first poll intervals after it, not at once.
 */
const DELETE_STARTED_AT_FIELD = 'ConnectDeleteStartedAtEpochMs';
/**
 * How long (in first poll intervals: 60 s by default) a number this request claimed may be not
 * found before isComplete fails: longer than DescribePhoneNumber lags a claim, far shorter than
 * the deadline. A FAILED claim's number can be claimed again by another claim of the account
 * (connect-api.md: ClaimPhoneNumber, "1 day to retry"), and the failed claim's record then goes.
 */
const CLAIM_NOT_FOUND_GRACE_FACTOR = 60;

/** A number as declared in the template, checked again (the construct skipped tokens). */
export interface NumberSpec {
  readonly targetArn: string;
  readonly target: ParsedTarget;
  readonly phoneNumber?: string;
  readonly countryCode?: string;
  readonly type?: string;
  readonly prefix?: string;
  readonly description?: string;
  readonly flows: (ParsedFlowArn & { arn: string })[];
  readonly removal: 'retain' | 'destroy';
  readonly tags: Record<string, string>;
}

export function parseNumberSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): NumberSpec {
  if (isImported(props)) {
    return parseImportedSpec(event, props); // a number imported from End User Messaging
  }
  try {
    const present = (k: string) => props[k] !== undefined && props[k] !== '';
    const target = parseTargetArn(PhoneProps.TARGET_ARN, props[PhoneProps.TARGET_ARN]);
    const phoneNumber = present(PhoneProps.PHONE_NUMBER) ? validatePhoneNumber(PhoneProps.PHONE_NUMBER, props[PhoneProps.PHONE_NUMBER]) : undefined;
    const countryCode = present(PhoneProps.COUNTRY_CODE) ? validateCountryCode(PhoneProps.COUNTRY_CODE, props[PhoneProps.COUNTRY_CODE]) : undefined;
    const type = present(PhoneProps.PHONE_NUMBER_TYPE)
      ? validatePhoneNumberType(PhoneProps.PHONE_NUMBER_TYPE, props[PhoneProps.PHONE_NUMBER_TYPE], PHONE_NUMBER_TYPES) : undefined;
    const prefix = present(PhoneProps.PREFIX) ? validatePrefix(PhoneProps.PREFIX, props[PhoneProps.PREFIX], countryCode) : undefined;
    if (phoneNumber !== undefined && (countryCode !== undefined || type !== undefined || prefix !== undefined)) {
      throw new Error(`${PhoneProps.PHONE_NUMBER} cannot be combined with ${PhoneProps.COUNTRY_CODE}, ${PhoneProps.PHONE_NUMBER_TYPE} or ${PhoneProps.PREFIX}`);
    }
    if (phoneNumber === undefined && (countryCode === undefined || type === undefined)) {
      throw new Error(`${PhoneProps.PHONE_NUMBER}, or ${PhoneProps.COUNTRY_CODE} and ${PhoneProps.PHONE_NUMBER_TYPE}, must be given`);
    }
    const rawFlows = props[PhoneProps.CONTACT_FLOW_ARNS];
    const flows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, rawFlows === '' ? undefined : rawFlows,
      target.kind === 'instance' ? { kind: 'instance', instanceId: target.id, region: target.region } : { kind: 'group' })
      .map((f, i) => ({ ...f, arn: (rawFlows as string[])[i] }));
    const removal = parseRemovalPolicy(PhoneProps.REMOVAL_POLICY, props[PhoneProps.REMOVAL_POLICY]);
    return {
      targetArn: props[PhoneProps.TARGET_ARN] as string,
      target,
      phoneNumber,
      countryCode,
      type,
      prefix,
      description: present(PhoneProps.DESCRIPTION) ? validatePhoneDescription(PhoneProps.DESCRIPTION, props[PhoneProps.DESCRIPTION]) : undefined,
      flows,
      removal,
      tags: validateTags(PhoneProps.TAGS, props[PhoneProps.TAGS]),
    };
  } catch (e) {
    throw new UserError(`Phone number ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

function label(event: Pick<CfnEvent, 'LogicalResourceId'>, number?: string): string {
  return `Phone number ${event.LogicalResourceId}${number ? ` (${number})` : ''}`;
}

const regionOf = (arn: string) => arn.split(':')[3];
const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** The claim could not be made because the number is not available (taken, or not in inventory). */
function isUnavailable(e: unknown): boolean {
  const name = errorName(e);
  return name === 'InvalidParameterException' && /not available/i.test((e as Error).message ?? '')
    || name === 'ResourceNotFoundException' && /not available/i.test((e as Error).message ?? '');
}

/**
 * Runs a call that claims a number to the target or moves one onto it. A group takes claims and
 * moves only while ACTIVE (connect-api.md: ClaimPhoneNumber, UpdatePhoneNumber: ResourceNotFound
 * when the group "doesn't exist / isn't ACTIVE"): a group whose split is being applied, e.g. by a
 * TrafficDistribution deployed beside the number, refuses for a few seconds. Then wait inline
 * until the group has settled and, if it is ACTIVE, call once more (`attempt` 1: a fresh token,
 * since the refused call may have spent the first).
 */
async function onActiveTarget<T>(spec: NumberSpec, call: (attempt: number) => Promise<T>): Promise<T> {
  try {
    return await call(0);
  } catch (e) {
    if (spec.target.kind !== 'group' || errorName(e) !== 'ResourceNotFoundException' || isUnavailable(e)) {
      throw e;
    }
    let status: string | undefined;
    try {
      status = await pollInline(async () => {
        const request = new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: spec.targetArn });
        const out = await connect(spec.target.region).send(request);
        const s = out.TrafficDistributionGroup?.Status;
        return s === 'CREATION_IN_PROGRESS' || s === 'UPDATE_IN_PROGRESS' ? undefined : s ?? 'UNKNOWN';
      });
    } catch {
      throw e; // the group is gone, or cannot be described: the original refusal says it best
    }
    if (status !== 'ACTIVE') {
      throw e;
    }
    log('INFO', 'the group was not ACTIVE; it is now: calling again', { group: spec.targetArn });
    return call(1);
  }
}

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
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
    }
    case 'Delete':
      return {
        PhysicalResourceId: event.PhysicalResourceId,
        [DEADLINE_FIELD]: deadline,
        ...(await startDelete(event) ? { [DELETE_STARTED_AT_FIELD]: Date.now() } : { [NOTHING_TO_DELETE_FIELD]: true }),
      };
  }
}

/** True when the number meets the properties: that exact number, or the country, type and prefix. */
function meets(n: ClaimedPhoneNumberSummary, props: Record<string, unknown>): boolean {
  if (isImported(props)) {
    return meetsImported(n, props);
  }
  const wanted = props[PhoneProps.PHONE_NUMBER];
  if (typeof wanted === 'string' && wanted !== '') {
    return n.PhoneNumber === wanted;
  }
  const prefix = props[PhoneProps.PREFIX];
  return n.PhoneNumberCountryCode === props[PhoneProps.COUNTRY_CODE]
    && n.PhoneNumberType === props[PhoneProps.PHONE_NUMBER_TYPE]
    && (typeof prefix !== 'string' || (n.PhoneNumber ?? '').startsWith(prefix));
}

/**
 * True when this Update is CloudFormation rolling back a failed replacement: the number the
 * physical id holds meets the requested properties but not the ones being left (the failed
 * update's). Then it is kept and updated in place; replacing it again would claim one more number.
 */
async function rollingBackTo(
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
async function claim(event: CfnEvent, spec: NumberSpec): Promise<string> {
  if (isImportedSpec(spec)) {
    return importNumber(event, spec); // ImportPhoneNumber instead of a claim
  }
  const token = clientToken(event, 'claim');
  const region = spec.target.region;
  // The tag always carries the request's token, so that a re-delivered event finds what it claimed.
  const send = (phoneNumber: string, claimToken = token) => onActiveTarget(spec, attempt => connect(region).send(new ClaimPhoneNumberCommand({
    PhoneNumber: phoneNumber,
    TargetArn: spec.targetArn,
    PhoneNumberDescription: spec.description,
    Tags: { ...spec.tags, [CLAIM_TOKEN_TAG]: token, [OWNER_TAG]: ownerOf(event) },
    ClientToken: attempt === 0 ? claimToken : clientToken(event, `claim-when-active:${phoneNumber}`),
  })));

  if (spec.phoneNumber !== undefined) {
    const what = `${label(event, spec.phoneNumber)}: ClaimPhoneNumber`;
    return step(what, async () => {
      try {
        const out = await send(spec.phoneNumber!);
        log('INFO', 'claimed phone number', { logicalId: event.LogicalResourceId, arn: out.PhoneNumberArn });
        return out.PhoneNumberArn!;
      } catch (e) {
        if (!isUnavailable(e) && errorName(e) !== 'IdempotencyException') {
          throw e;
        }
        // Perhaps this account holds it already: adopt it (move it to the target) rather than fail.
        const owned = await step(`${label(event, spec.phoneNumber)}: ListPhoneNumbersV2`, () => findOwned(region, spec.phoneNumber!));
        if (owned === undefined) {
          throw new UserError(`${label(event, spec.phoneNumber)} is not available to claim: it is not offered for this target, `
            + 'another account holds it, or it was released in the last 180 days. Check the number, or search for one with countryCode and phoneNumberType.');
        }
        if (owned.TargetArn !== spec.targetArn) {
          await step(`${label(event, spec.phoneNumber)}: UpdatePhoneNumber (adopt from ${owned.TargetArn})`, () => onActiveTarget(spec, attempt => connect(region).send(
            new UpdatePhoneNumberCommand({ PhoneNumberId: owned.PhoneNumberArn, TargetArn: spec.targetArn, ClientToken: clientToken(event, attempt === 0 ? 'adopt' : 'adopt-when-active') }),
          )));
        }
        await untagKept(event, region, owned.PhoneNumberArn!);
        log('INFO', 'adopted a phone number this account already holds', { arn: owned.PhoneNumberArn, from: owned.TargetArn });
        return owned.PhoneNumberArn!;
      }
    });
  }

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
async function checkFlows(event: CfnEvent, spec: NumberSpec): Promise<void> {
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
 * (the physical id the request was sent to): for a chosen number, that number; for a searched one,
 * one tagged with this resource's owner tag. Its kept-after-failure tag is removed. Undefined when
 * there is none.
 */
async function takeBack(event: CfnEvent, spec: NumberSpec, exclude: string): Promise<string | undefined> {
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
  if (found?.PhoneNumberArn === undefined || found.PhoneNumberStatus?.Status !== 'CLAIMED' || !meets(found, wanted)) {
    return undefined;
  }
  await untagKept(event, region, found.PhoneNumberArn, found);
  log('INFO', 'taking back a number this resource already holds: nothing claimed', { arn: found.PhoneNumberArn, number: found.PhoneNumber });
  return found.PhoneNumberArn;
}

/** Removes the kept-after-failure tag from a number this resource takes back (it is managed again). */
async function untagKept(event: CfnEvent, region: string, arn: string, known?: ClaimedPhoneNumberSummary): Promise<void> {
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
async function leaveNothingBehind(event: WaitEvent, spec: NumberSpec, arn: string, failure: unknown): Promise<Error> {
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

async function updateInPlace(event: CfnEvent & { PhysicalResourceId: string }, spec: NumberSpec): Promise<void> {
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

async function describe(region: string, arn: string, what: string): Promise<ClaimedPhoneNumberSummary | undefined> {
  return step(`${what}: DescribePhoneNumber`, async () => {
    try {
      const out = await connect(region).send(new DescribePhoneNumberCommand({ PhoneNumberId: arn }));
      return out.ClaimedPhoneNumberSummary;
    } catch (e) {
      if (isNotFound(e)) {
        return undefined;
      }
      throw e;
    }
  });
}

/** The group a number is on, or undefined when it is gone. */
async function describeGroup(groupArn: string, what: string) {
  return step(`${what}: DescribeTrafficDistributionGroup`, async () => {
    try {
      const out = await connect(regionOf(groupArn)).send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: groupArn }));
      return out.TrafficDistributionGroup;
    } catch (e) {
      if (isNotFound(e)) {
        return undefined;
      }
      throw e;
    }
  });
}

function removalOf(props: Record<string, unknown> | undefined): 'retain' | 'destroy' {
  // Anything but an explicit 'destroy' keeps the number: losing a number by accident is the worst outcome.
  return props?.[PhoneProps.REMOVAL_POLICY] === PhoneRemoval.DESTROY ? 'destroy' : 'retain';
}

/** Starts the release or the parking of the number; false when there is nothing to delete. */
async function startDelete(event: CfnEvent & { PhysicalResourceId: string }): Promise<boolean> {
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

/** Waits until the number is CLAIMED on the target, then links its flows. */
async function settle(event: WaitEvent, spec: NumberSpec, arn: string): Promise<IsCompleteResult> {
  const region = regionOf(arn);
  let what = `${label(event)} (${arn})`;
  const claimedAt = event[CLAIMED_AT_FIELD];
  await sleepUntilFirstPoll(claimedAt);
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
  });
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

/** Waits until CLAIM_FIRST_POLL_FACTOR first poll intervals have passed since `startedAt` (epoch ms), if given. */
async function sleepUntilFirstPoll(startedAt: unknown): Promise<void> {
  if (typeof startedAt === 'number') {
    await sleep(Math.max(0, Math.min(startedAt + CLAIM_FIRST_POLL_FACTOR * pollSettings().firstMs - Date.now(), pollSettings().budgetMs)));
  }
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

async function isDeleted(event: WaitEvent, arn: string): Promise<IsCompleteResult> {
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
