/**
 * Phone numbers: search the numbers on offer, claim (and import, through import.ts), describe, list,
 * move (UpdatePhoneNumber), update the description, release.
 */
import { randomInt } from 'crypto';
import { ImportHost } from './import';
import { idempotent, instanceIn, liveReplica, numberIn, targetIn, validateTags } from './lookups';
import { Body, ClaimedNumber, GROUP_ARN_RE, INSTANCE_ARN_RE, PHONE_NUMBER_RE, PHONE_NUMBER_TYPES, Request, UUID_RE } from './model';
import { InventoryNumber } from './seed';
import { EmulatorState } from './state';
import { fail, offsetOf, pageToken } from './wire';
import { seededRandom, uuidFor, VirtualClock } from '../clock/virtual-clock';

/** Fisher-Yates, in place. */
function shuffle<T>(xs: T[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}

/** A number this account may claim now: offered, not held, not cooling down after a release. */
function offered(s: EmulatorState, phoneNumber: string): InventoryNumber | undefined {
  const n = s.inventory.get(phoneNumber);
  if (n === undefined || s.coolingDown.has(phoneNumber) || [...s.numbersById.values()].some(x => x.phoneNumber === phoneNumber)) {
    return undefined;
  }
  return n;
}

/** connect-api.md: SearchAvailablePhoneNumbers. */
export function search(s: EmulatorState, r: Request): Body {
  const { PhoneNumberCountryCode: country, PhoneNumberType: type, PhoneNumberPrefix: prefix, MaxResults: maxRaw, NextToken: next } = r.body;
  // A target that does not exist → ResourceNotFound (not in this operation's documented errors) [inferred].
  targetIn(s, r.region, r.body, { requireActive: false, anyGroupRegion: true });
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    return fail('InvalidParameterException', 'PhoneNumberCountryCode is required (ISO 3166 alpha-2).');
  }
  if (!PHONE_NUMBER_TYPES.includes(type)) {
    return fail('InvalidParameterException', `PhoneNumberType must be one of ${PHONE_NUMBER_TYPES.join(', ')}.`);
  }
  // connect-api.md: PhoneNumberPrefix `\+?[0-9]{1,11}`; MaxResults 1-10.
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^\+?[0-9]{1,11}$/.test(prefix))) {
    return fail('InvalidParameterException', 'PhoneNumberPrefix must match \\+?[0-9]{1,11}.');
  }
  const max = maxRaw ?? 10;
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    return fail('InvalidParameterException', 'MaxResults must be 1-10.');
  }
  const wanted = prefix === undefined ? '+' : prefix.startsWith('+') ? prefix : `+${prefix}`;
  const held = new Set([...s.numbersById.values()].map(n => n.phoneNumber));
  const matches = s.world.inventory
    .filter(n => n.countryCode === country && n.type === type && n.phoneNumber.startsWith(wanted))
    .filter(n => !held.has(n.phoneNumber) && s.inventory.has(n.phoneNumber) && !s.coolingDown.has(n.phoneNumber));
  if (s.searchOrder === 'shuffled') {
    // The kinder reading [inferred]: each call its own order (README: "Two undocumented readings").
    shuffle(matches, seededRandom(VirtualClock.current()?.seedFor('emulator search') ?? randomInt(2 ** 31)));
  }
  const start = offsetOf(next, 'InvalidParameterException');
  const page = matches.slice(start, start + max);
  if (s.faults.takeOnSearch === true && page.length > 0) {
    s.faults.takeOnSearch = undefined;
    s.inventory.delete(page[0].phoneNumber);
  }
  return {
    AvailableNumbersList: page.map(n => ({ PhoneNumber: n.phoneNumber, PhoneNumberCountryCode: n.countryCode, PhoneNumberType: n.type })),
    NextToken: start + max < matches.length ? pageToken(start + max) : undefined,
  };
}

/** connect-api.md: ClaimPhoneNumber. */
export function claim(s: EmulatorState, r: Request): Body {
  const { PhoneNumber: phoneNumber, PhoneNumberDescription: description, ClientToken: token } = r.body;
  if (typeof phoneNumber !== 'string' || !PHONE_NUMBER_RE.test(phoneNumber)) {
    return fail('InvalidParameterException', 'PhoneNumber must be E.164 (\\+[1-9]\\d{1,14}).');
  }
  // connect-api.md: ClientToken "pattern ^[a-f0-9]{8}-…-[a-f0-9]{12}$ i.e. UUID, ≤500".
  if (token !== undefined && (typeof token !== 'string' || !UUID_RE.test(token))) {
    return fail('InvalidParameterException', 'ClientToken must be a lowercase UUID.');
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
    return fail('InvalidParameterException', 'PhoneNumberDescription must be at most 500 characters.');
  }
  const tags = validateTags(r.body.Tags, 'InvalidParameterException');
  const target = targetIn(s, r.region, r.body, { requireActive: true, anyGroupRegion: false });
  return idempotent(s, 'ClaimPhoneNumber', token, { phoneNumber, target: target.arn, description, tags }, () => {
    // A FAILED claim of this account holds the number for a day and may be retried (connect-api.md: ClaimPhoneNumber).
    const retry = [...s.numbersById.values()].find(n => n.phoneNumber === phoneNumber && n.status === 'FAILED');
    if (retry !== undefined) {
      s.numbersById.delete(retry.id);
    }
    const offer = offered(s, phoneNumber);
    if (offer === undefined) {
      // connect-api.md: "InvalidParameter 400 (incl. 'Phone number not available: …' when taken ...)".
      return fail('InvalidParameterException', `Phone number not available: ${phoneNumber}`);
    }
    const id = uuidFor(`emulator phone-number ${phoneNumber}`);
    const arn = `arn:aws:connect:${r.region}:${s.world.account}:phone-number/${id}`;
    const message = s.faults.claim;
    s.faults.claim = undefined;
    s.numbersById.set(id, {
      id,
      arn,
      region: r.region,
      phoneNumber,
      countryCode: offer.countryCode,
      type: offer.type,
      description,
      targetArn: target.arn,
      tags,
      flows: {},
      status: 'IN_PROGRESS',
      // connect-api.md: "Async: IN_PROGRESS → CLAIMED | FAILED (+Message, max 255 chars)".
      pending: { at: Date.now() + s.scaled('claim'), to: message === undefined ? 'CLAIMED' : 'FAILED', message: message?.slice(0, 255) },
    });
    return { PhoneNumberId: id, PhoneNumberArn: arn };
  });
}

/** What import.ts needs of this emulator. */
export function importHost(s: EmulatorState): ImportHost {
  const live = () => [...s.numbersById.values()].filter(n => n.status !== 'FAILED');
  return {
    world: s.world,
    instanceIn: (region, idOrArn) => instanceIn(s, region, idOrArn),
    validateTags: tags => validateTags(tags, 'InvalidParameterException'),
    idempotent: (token, params, run) => idempotent(s, 'ImportPhoneNumber', token, params, run),
    importedSources: () => live().map(n => n.sourcePhoneNumberArn).filter((x): x is string => x !== undefined),
    releasedSources: () => s.releasedSources,
    heldNumbers: () => live().map(n => n.phoneNumber),
    addImported: n => {
      const message = s.faults.importing;
      s.faults.importing = undefined;
      s.numbersById.set(n.id, {
        ...n,
        flows: {},
        status: 'IN_PROGRESS',
        // connect-api.md: ImportPhoneNumber — IN_PROGRESS → CLAIMED | FAILED (+Message); it takes as long as a claim [inferred].
        pending: { at: Date.now() + s.scaled('claim'), to: message === undefined ? 'CLAIMED' : 'FAILED', message: message?.slice(0, 255) },
      });
    },
  };
}

function summary(n: ClaimedNumber): Body {
  const instance = INSTANCE_ARN_RE.exec(n.targetArn);
  return {
    PhoneNumberId: n.id,
    PhoneNumberArn: n.arn,
    PhoneNumber: n.phoneNumber,
    PhoneNumberCountryCode: n.countryCode,
    PhoneNumberType: n.type,
    PhoneNumberDescription: n.description,
    TargetArn: n.targetArn,
    // InstanceId only for numbers claimed to an instance [inferred].
    InstanceId: instance === null ? undefined : instance[3],
    // connect-api.md: Wire format — DescribePhoneNumber and ListPhoneNumbersV2 carry SourcePhoneNumberArn.
    SourcePhoneNumberArn: n.sourcePhoneNumberArn,
  };
}

/** connect-api.md: DescribePhoneNumber. */
export function describeNumber(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId);
  return {
    ClaimedPhoneNumberSummary: {
      ...summary(n),
      Tags: n.tags,
      PhoneNumberStatus: { Status: n.status, Message: n.message },
    },
  };
}

/**
 * connect-api.md: ListPhoneNumbersV2 — TargetArn / InstanceId, country codes, types, prefix,
 * MaxResults 1-1000 (default 100 [inferred]). Lists the numbers visible from the Region, FAILED
 * claims excluded [inferred].
 */
export function listNumbers(s: EmulatorState, r: Request): Body {
  const { PhoneNumberCountryCodes: countries, PhoneNumberTypes: types, PhoneNumberPrefix: prefix } = r.body;
  const max = r.body.MaxResults ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    return fail('InvalidParameterException', 'MaxResults must be 1-1000.');
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || !/^\+?[0-9]{1,15}$/.test(prefix))) {
    return fail('InvalidParameterException', 'PhoneNumberPrefix must be digits, optionally after +.');
  }
  const target = r.body.TargetArn !== undefined || r.body.InstanceId !== undefined
    ? targetIn(s, r.region, r.body, { requireActive: false, anyGroupRegion: true }).arn : undefined;
  const wanted = prefix === undefined ? '+' : prefix.startsWith('+') ? prefix : `+${prefix}`;
  const all = [...s.numbersById.values()]
    .filter(n => n.status !== 'FAILED')
    .filter(n => n.region === r.region || GROUP_ARN_RE.test(n.targetArn) && liveReplica(s, r.region) !== undefined)
    .filter(n => target === undefined || n.targetArn === target)
    .filter(n => !Array.isArray(countries) || countries.includes(n.countryCode))
    .filter(n => !Array.isArray(types) || types.includes(n.type))
    .filter(n => n.phoneNumber.startsWith(wanted))
    .sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber) || a.id.localeCompare(b.id));
  const start = offsetOf(r.body.NextToken, 'InvalidParameterException');
  return {
    ListPhoneNumbersSummaryList: all.slice(start, start + max).map(n => summary(n)),
    NextToken: start + max < all.length ? pageToken(start + max) : undefined,
  };
}

/** Follow-up operations only after CLAIMED (connect-api.md: ClaimPhoneNumber); busy → ResourceInUse [inferred]. */
function requireClaimed(n: ClaimedNumber): void {
  if (n.status !== 'CLAIMED' || n.pending !== undefined) {
    fail('ResourceInUseException', `Phone number ${n.phoneNumber} is ${n.releaseToken !== undefined ? 'being released' : n.status}; try again once it is CLAIMED.`,
      { ResourceType: 'PHONE_NUMBER', ResourceId: n.id });
  }
}

/** connect-api.md: UpdatePhoneNumber — moves in the same Region, async, ResourceNotFound for a TDG not ACTIVE. */
export function move(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId, true);
  const target = targetIn(s, r.region, r.body, { requireActive: true, anyGroupRegion: false });
  return idempotent(s, 'UpdatePhoneNumber', r.body.ClientToken, { id: n.id, target: target.arn }, () => {
    requireClaimed(n);
    // A move to where the number already is changes nothing [inferred].
    if (target.arn !== n.targetArn) {
      n.status = 'IN_PROGRESS';
      n.pending = { at: Date.now() + s.scaled('move'), to: 'CLAIMED', targetArn: target.arn };
    }
    return { PhoneNumberId: n.id, PhoneNumberArn: n.arn };
  });
}

/** connect-api.md: UpdatePhoneNumberMetadata — description 0-500, IN_PROGRESS while applying. */
export function updateMetadata(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId, true);
  const description = r.body.PhoneNumberDescription;
  if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
    return fail('InvalidParameterException', 'PhoneNumberDescription must be at most 500 characters.');
  }
  return idempotent(s, 'UpdatePhoneNumberMetadata', r.body.ClientToken, { id: n.id, description }, () => {
    requireClaimed(n);
    n.status = 'IN_PROGRESS';
    n.pending = { at: Date.now() + s.scaled('metadata'), to: 'CLAIMED', description: description ?? '' };
    return {};
  });
}

/**
 * connect-api.md: ReleasePhoneNumber — only in the Region where it was claimed; the number is
 * IN_PROGRESS until gone [inferred async, as Terraform waits]; then it cools down for 180 days.
 * Releasing again with the same clientToken is accepted; a FAILED claim is simply dropped.
 */
export function release(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId, true);
  const token = r.query.get('clientToken') ?? '';
  if (n.releaseToken !== undefined) {
    if (n.releaseToken === token && token !== '') {
      return {};
    }
    return fail('ResourceInUseException', `Phone number ${n.phoneNumber} is already being released.`, { ResourceType: 'PHONE_NUMBER', ResourceId: n.id });
  }
  if (n.status === 'FAILED') {
    s.numbersById.delete(n.id);
    return {};
  }
  requireClaimed(n);
  n.status = 'IN_PROGRESS';
  n.releaseToken = token;
  n.pending = { at: Date.now() + s.scaled('release'), to: 'GONE' };
  return {};
}
