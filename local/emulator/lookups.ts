/**
 * The lookups and checks every operation shares: the instance, group, number or target an
 * identifier names from the calling Region (connect-api.md: Identifiers), ClientToken idempotency,
 * and tag validation.
 */
import { Body, ClaimedNumber, Group, GROUP_ARN_RE, INSTANCE_ARN_RE, NUMBER_ARN_RE, Replica, TAG_KEY_RE, UUID_RE } from './model';
import { EmulatorState } from './state';
import { fail } from './wire';

/** A replica that is a working instance (its flows and groups reachable from its Region). */
export function liveReplica(s: EmulatorState, region: string): Replica | undefined {
  const r = s.replicas.get(region);
  return r !== undefined && (r.status === 'INSTANCE_REPLICATION_COMPLETE' || r.status === 'INSTANCE_REPLICATION_DELETION_FAILED') ? r : undefined;
}

/** The two Regions a group distributes between: the source and its complete replica. */
export function groupRegions(s: EmulatorState): string[] {
  const replica = [...s.replicas.values()].find(r => liveReplica(s, r.region) !== undefined);
  return replica === undefined ? [s.world.sourceRegion] : [s.world.sourceRegion, replica.region];
}

export function instanceArnIn(s: EmulatorState, region: string): string {
  return `arn:aws:connect:${region}:${s.world.account}:instance/${s.world.instanceId}`;
}

/**
 * The instance an InstanceId (id or ARN) names in the calling Region: the source in its Region,
 * the replica (same id: connect-api.md Identifiers) in the replica Region.
 */
export function instanceIn(s: EmulatorState, region: string, idOrArn: unknown): { region: string; arn: string; isReplica: boolean } {
  if (typeof idOrArn !== 'string' || idOrArn === '') {
    return fail('InvalidParameterException', 'InstanceId is required.');
  }
  const m = INSTANCE_ARN_RE.exec(idOrArn);
  const id = m === null ? idOrArn : m[3];
  const arnRegion = m === null ? region : m[1];
  // The replica is an instance from the end of its replication until it is gone.
  const replica = s.replicas.get(region)?.status;
  const exists = region === s.world.sourceRegion
    || replica !== undefined && replica !== 'INSTANCE_REPLICATION_IN_PROGRESS' && replica !== 'INSTANCE_REPLICATION_FAILED';
  if (id !== s.world.instanceId || arnRegion !== region || !exists) {
    return fail('ResourceNotFoundException', `Instance not found in ${region}: ${idOrArn}`);
  }
  return { region, arn: instanceArnIn(s, region), isReplica: region !== s.world.sourceRegion };
}

export function groupByArn(s: EmulatorState, arn: string): Group {
  s.advance();
  const g = [...s.groupsById.values()].find(x => x.arn === arn);
  if (g === undefined) {
    throw new Error(`no group ${arn}`);
  }
  return g;
}

/**
 * A group named by UUID or ARN from the calling Region.
 * connect-api.md: Identifiers — from the replica Region the ARN is required (UUID → ResourceNotFoundException).
 * `sourceOnly`: the operation is callable only in the group's Region (connect-api.md: DeleteTrafficDistributionGroup;
 * SDK doc of AssociateTrafficDistributionGroupUser); the error type is not documented [inferred: InvalidRequestException].
 */
export function groupIn(s: EmulatorState, region: string, idOrArn: string, sourceOnly = false): Group {
  const m = GROUP_ARN_RE.exec(idOrArn);
  if (m === null && !UUID_RE.test(idOrArn)) {
    return fail('InvalidRequestException', `Not a traffic distribution group id or ARN: ${idOrArn}`);
  }
  const g = s.groupsById.get(m === null ? idOrArn : m[3]);
  const notFound = () => fail('ResourceNotFoundException', `Traffic distribution group not found: ${idOrArn}`);
  if (g === undefined || m !== null && m[0] !== g.arn) {
    return notFound();
  }
  if (region === g.region) {
    return g;
  }
  if (m === null || liveReplica(s, region) === undefined) {
    return notFound();
  }
  if (sourceOnly) {
    return fail('InvalidRequestException', `This operation can be called only in ${g.region}, where the traffic distribution group was created.`);
  }
  return g;
}

/**
 * A claimed number by UUID or ARN from the calling Region: its own Region by either; the replica
 * Region by ARN only, and only when it is on a group (connect-api.md: Identifiers, "Same rule for
 * DescribePhoneNumber and AssociatePhoneNumberContactFlow on TDG-claimed numbers"). `homeOnly`:
 * the operation must run where the number was claimed (connect-api.md: ReleasePhoneNumber,
 * UpdatePhoneNumber — "InvalidParameter if called outside the TDG's region").
 */
export function numberIn(s: EmulatorState, region: string, idOrArn: string, homeOnly = false): ClaimedNumber {
  const m = NUMBER_ARN_RE.exec(idOrArn);
  if (m === null && !UUID_RE.test(idOrArn)) {
    return fail('InvalidParameterException', `Not a phone number id or ARN: ${idOrArn}`);
  }
  const n = s.numbersById.get(m === null ? idOrArn : m[3]);
  const notFound = () => fail('ResourceNotFoundException', `Phone number not found: ${idOrArn}`);
  if (n === undefined || m !== null && m[0] !== n.arn) {
    return notFound();
  }
  if (region === n.region) {
    return n;
  }
  if (m === null || !GROUP_ARN_RE.test(n.targetArn) || liveReplica(s, region) === undefined) {
    return notFound();
  }
  if (homeOnly) {
    return fail('InvalidParameterException', `This operation can be called only in ${n.region}, where the phone number was claimed.`);
  }
  return n;
}

/**
 * The target of a claim, search, move or list: TargetArn (instance or group) or InstanceId.
 * connect-api.md: ClaimPhoneNumber — "You must enter InstanceId or TargetArn"; must be called in the
 * Region where the instance/TDG was created (InvalidParameter from the wrong Region); a TDG that does
 * not exist / is not ACTIVE → ResourceNotFound. SearchAvailablePhoneNumbers — a TDG target can be
 * searched from both Regions (`anyGroupRegion`).
 */
export function targetIn(s: EmulatorState, region: string, body: Body, opts: { requireActive: boolean; anyGroupRegion: boolean }): { arn: string } {
  const { TargetArn: targetArn, InstanceId: instanceId } = body;
  if ((targetArn === undefined) === (instanceId === undefined)) {
    return fail('InvalidParameterException', 'You must enter InstanceId or TargetArn (one of them).');
  }
  if (instanceId !== undefined) {
    return { arn: instanceIn(s, region, instanceId).arn };
  }
  if (typeof targetArn !== 'string') {
    return fail('InvalidParameterException', 'TargetArn must be a string.');
  }
  const im = INSTANCE_ARN_RE.exec(targetArn);
  if (im !== null) {
    if (im[1] !== region) {
      return fail('InvalidParameterException', `The target instance is in ${im[1]}: call from that Region.`);
    }
    return { arn: instanceIn(s, region, targetArn).arn };
  }
  const gm = GROUP_ARN_RE.exec(targetArn);
  if (gm === null) {
    return fail('InvalidParameterException', `TargetArn is neither an instance nor a traffic distribution group ARN: ${targetArn}`);
  }
  const g = s.groupsById.get(gm[3]);
  if (g === undefined || g.arn !== targetArn) {
    return fail('ResourceNotFoundException', `Traffic distribution group not found: ${targetArn}`);
  }
  if (region !== g.region && !(opts.anyGroupRegion && liveReplica(s, region) !== undefined)) {
    return fail('InvalidParameterException', `The traffic distribution group was created in ${g.region}: call from that Region.`);
  }
  if (opts.requireActive && g.status !== 'ACTIVE') {
    return fail('ResourceNotFoundException', `Traffic distribution group ${targetArn} is not ACTIVE (${g.status}).`);
  }
  return { arn: g.arn };
}

/**
 * ClientToken idempotency: the same token with the same parameters answers as the first call did;
 * with other parameters → IdempotencyException (connect-api.md: ClaimPhoneNumber "same ClientToken,
 * different params"; Connect's name for it, used for every operation here [inferred]).
 */
export function idempotent(s: EmulatorState, operation: string, token: unknown, params: unknown, run: () => Body): Body {
  if (typeof token !== 'string' || token === '') {
    return run();
  }
  const key = `${operation}|${token}`;
  const seen = s.tokens.get(key);
  const p = JSON.stringify(params);
  if (seen !== undefined) {
    if (seen.params !== p) {
      return fail('IdempotencyException', 'An entity with the same name already exists (this ClientToken was used with other parameters).');
    }
    return seen.result;
  }
  const result = run();
  s.tokens.set(key, { params: p, result });
  return result;
}

export function validateTags(tags: unknown, type: 'InvalidRequestException' | 'InvalidParameterException'): Record<string, string> {
  if (tags === undefined) {
    return {};
  }
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    return fail(type, 'Tags must be a map.');
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  // connect-api.md: Key constraints — Tags map 1-50 entries, key `^(?!aws:)...` 1-128, value ≤256.
  if (entries.length > 50) {
    return fail(type, 'At most 50 tags.');
  }
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || !TAG_KEY_RE.test(k) || typeof v !== 'string' || v.length > 256) {
      return fail(type, `Invalid tag ${k}.`);
    }
  }
  return { ...(tags as Record<string, string>) };
}
