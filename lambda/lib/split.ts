/** A traffic distribution's split (telephony, agents, sign-in): as declared, read back and converged, and a refused change recorded on the group. */
import * as crypto from 'crypto';
import {
  DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand, TagResourceCommand, UntagResourceCommand,
  UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { connect } from './clients';
import { checkCurrent } from './current-request';
import { errorName, step, UserError } from './errors';
import { log } from './log';
import { retryUntil } from './retry';
import { isRollback } from './stack-status';
import { CLI_NAME, SPLIT_REFUSED_TAG_PREFIX } from '../../src/shared/names';
import {
  formatPart, SPLIT_PART_NAME as PART_NAME, SPLIT_PART_OPTION as CLI_OPTION, SPLIT_PARTS as PARTS, SplitMaps, SplitPart as Part, splitMaps,
  updateTrafficDistributionRequest,
} from '../../src/shared/split';
import { parseDistribution, parseSignIn } from '../../src/shared/validate';

/** A split as declared: each part optional (an absent part is left as it is). */
export interface DeclaredSplit {
  readonly telephony?: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly signIn?: Record<string, boolean>;
}

/** A split as read back: every part present (empty when the service reports none). */
export type LiveSplit = SplitMaps;

function same<T>(want: Record<string, T>, have: Record<string, T>, absent: T): boolean {
  const regions = new Set([...Object.keys(want), ...Object.keys(have)]);
  return [...regions].every(r => (want[r] ?? absent) === (have[r] ?? absent));
}

/** A part of a declaration equals a part of the live split (an absent Region counts as 0 % / disabled). */
function samePart(part: Part, want: Record<string, number | boolean>, have: Record<string, number | boolean>): boolean {
  return same(want, have, part === 'signIn' ? false : 0);
}

/**
 * The declared split of a resource's properties as CloudFormation delivers them (scalars as
 * strings), normalized; a part that is absent, empty or no longer parses is undefined.
 */
export function declaredSplit(
  props: Record<string, unknown> | undefined, keys: { telephony: string; agent: string; signIn?: string },
): DeclaredSplit {
  const part = <T>(key: string | undefined, parse: (k: string, v: unknown) => T): T | undefined => {
    const v = key === undefined ? undefined : props?.[key];
    if (v === undefined || v === '') {
      return undefined;
    }
    try {
      return parse(key!, v);
    } catch {
      return undefined;
    }
  };
  return {
    telephony: part(keys.telephony, parseDistribution),
    agent: part(keys.agent, parseDistribution),
    signIn: part(keys.signIn, parseSignIn),
  };
}

/** Reads the live split; undefined while another update of it is settling (poll again). */
async function readLive(region: string, arn: string, what: string): Promise<LiveSplit | undefined> {
  const current = await step(`${what}: GetTrafficDistribution`, async () => {
    try {
      return await connect(region).send(new GetTrafficDistributionCommand({ Id: arn }));
    } catch (e) {
      // Get is refused unless the group is ACTIVE, and another update of its split (a duplicated
      // delivery, or another resource on the same group) may have started since the caller saw it
      // ACTIVE: then the split has not settled yet, so poll again. That update may also have
      // ended by the time Describe answers (ACTIVE again): poll again then too.
      if (errorName(e) === 'InvalidRequestException' && await isSettling(region, arn)) {
        return undefined;
      }
      throw e;
    }
  });
  return current === undefined ? undefined : splitMaps(current);
}

/**
 * Brings a group's split to what is declared. True when it already is; otherwise starts the
 * update (the group goes UPDATE_IN_PROGRESS) and returns false, to be called again once the
 * group is ACTIVE. The caller checks that the group is ACTIVE.
 */
export async function convergeSplit(
  region: string, arn: string, want: DeclaredSplit, what: string, live?: LiveSplit, beforeChange?: () => void,
): Promise<boolean> {
  if (want.telephony === undefined && want.agent === undefined && want.signIn === undefined) {
    return true;
  }
  const now = live ?? await readLive(region, arn, what);
  if (now === undefined) {
    return false;
  }
  const ok = PARTS.every(p => want[p] === undefined || samePart(p, want[p]!, now[p]));
  if (ok) {
    return true;
  }
  beforeChange?.();
  // UpdateTrafficDistribution needs the telephony split even when only the agents or sign-in change.
  const telephony = want.telephony ?? now.telephony;
  await step(`${what}: UpdateTrafficDistribution`, async () => {
    try {
      // One attempt: a throttled one is "not yet", and the next poll checks again that this request is
      // still the current one (beforeChange) before it tries again; a retry inside the SDK would not.
      await retryUntil(beforeChange === undefined ? undefined : Date.now(), () => connect(region).send(
        new UpdateTrafficDistributionCommand(updateTrafficDistributionRequest(arn, telephony, want.agent, want.signIn)),
      ));
      log('INFO', 'updating traffic distribution', { arn, telephony, agent: want.agent, signIn: want.signIn });
    } catch (e) {
      if (errorName(e) === 'ResourceConflictException') {
        return; // an update is still in progress: try again on the next poll
      }
      if (errorName(e) === 'InvalidRequestException') {
        throw new UserError(`${what}: Amazon Connect refused the split (${(e as Error).message}). `
          + 'Name exactly the two Regions of the instance and its replica, with percentages in steps of 10 that sum to 100; '
          + 'sign-in distribution only on the default group.');
      }
      throw e;
    }
  });
  return false;
}

/** What a deploy knows about the resource whose split it converges. */
export interface DeployContext {
  /**
   * The previous declaration (OldResourceProperties) of an in-place Update. Undefined on Create
   * and for a new group (a replacement, or a split moved to another group): the declared split is applied.
   */
  readonly previous?: DeclaredSplit;
  /** The group's live tags (from DescribeTrafficDistributionGroup). */
  readonly tags?: Record<string, string>;
  readonly stackId: string;
  readonly logicalId: string;
  /** The request this waiter serves: it changes the split only while that request is current (current-request.ts). */
  readonly requestId?: string;
}

function hash(s: string, length: number): string {
  return crypto.createHash('sha256').update(s).digest('hex').slice(0, length);
}

/** The key of the tag that records, on the group, an update of this resource's split that was refused. */
export function refusalTagKey(stackId: string, logicalId: string): string {
  return `${SPLIT_REFUSED_TAG_PREFIX}${hash(`${stackId}|${logicalId}`, 16)}`;
}

function refusalTagValue(from: DeclaredSplit, to: DeclaredSplit): string {
  return hash(PARTS.map(p => `${formatPart(from[p])}>${formatPart(to[p])}`).join('|'), 32);
}

/**
 * A deploy's part in the split (DESIGN.md, "The bad days": a deploy never undoes a failover).
 * On Create (or a new group) the declared split is applied. On an in-place Update a part is
 * applied only when its declaration changed; an unchanged part is left as it is, even when the
 * live split differs (an out-of-band failover: logged as WARN). A changed part whose live split
 * is neither the previous nor the new declaration (someone else moved it) fails the resource
 * with no UpdateTrafficDistribution call. The refusal is recorded in a tag on the group, so that
 * the rollback CloudFormation then sends (the same Update with the properties swapped) is
 * recognized and succeeds, moving nothing.
 *
 * True when done; false to be called again (an update was started, or the split is settling).
 */
export async function deploySplit(region: string, arn: string, declared: DeclaredSplit, what: string, ctx: DeployContext): Promise<boolean> {
  const previous = ctx.previous;
  const request = { StackId: ctx.stackId, LogicalResourceId: ctx.logicalId, RequestId: ctx.requestId ?? '' };
  const guard = () => ctx.requestId === undefined ? undefined : checkCurrent(ctx.tags, request, what);
  if (previous === undefined) {
    return convergeSplit(region, arn, declared, what, undefined, guard);
  }
  const markerKey = refusalTagKey(ctx.stackId, ctx.logicalId);
  const marker = ctx.tags?.[markerKey];
  const declaredParts = PARTS.filter(p => declared[p] !== undefined);
  if (declaredParts.length === 0) {
    await clearMarker(region, arn, what, markerKey, marker);
    return true;
  }
  const live = await readLive(region, arn, what);
  if (live === undefined) {
    return false;
  }
  const changed = declaredParts.filter(p => formatPart(declared[p]) !== formatPart(previous[p]));
  const drifted = declaredParts.filter(p => !samePart(p, declared[p]!, live[p]));
  const describe = (parts: Part[]) => Object.fromEntries(parts.map(p => [PART_NAME[p],
    { live: formatPart(live[p]), previous: formatPart(previous[p]), declared: formatPart(declared[p]) }]));
  const leftAlone = drifted.filter(p => !changed.includes(p));
  if (leftAlone.length > 0) {
    log('WARN', 'the live split differs from the declared one; its declaration did not change, so this deploy leaves it as it is',
      { arn, parts: describe(leftAlone) });
  }
  // A changed part whose live split is neither declaration: someone else moved it.
  const moved = changed.filter(p => drifted.includes(p) && previous[p] !== undefined && !samePart(p, previous[p]!, live[p]));
  if (moved.length > 0) {
    if (marker !== undefined && marker === refusalTagValue(declared, previous)) {
      log('WARN', 'the rollback of a refused split change: the live split is left as it is', { arn, parts: describe(moved) });
      await clearMarker(region, arn, what, markerKey, marker);
      return true;
    }
    log('WARN', 'refusing to move a split that was moved outside CloudFormation', { arn, parts: describe(moved) });
    await step(`${what}: TagResource`, () => connect(region).send(new TagResourceCommand({
      resourceArn: arn, tags: { [markerKey]: refusalTagValue(previous, declared) },
    })));
    throw new UserError(refusalMessage(arn, what, moved, live, previous, declared));
  }
  let apply = changed.filter(p => drifted.includes(p));
  // A part declared where the previous declaration had none: a new declaration is applied, but a
  // rollback restoring one that the failed update removed puts back nothing that update moved (it
  // moved nothing), so it leaves the live split, perhaps a failover, alone. Asked only then.
  const restored = apply.filter(p => previous[p] === undefined);
  if (restored.length > 0 && await isRollback({ StackId: ctx.stackId, LogicalResourceId: ctx.logicalId })) {
    log('WARN', 'a rollback restores a split declaration the failed update removed: the live split is left as it is', { arn, parts: describe(restored) });
    apply = apply.filter(p => !restored.includes(p));
  }
  if (apply.length === 0) {
    await clearMarker(region, arn, what, markerKey, marker);
    return true;
  }
  // Only the changed parts: convergeSplit keeps the live telephony split when only agents or sign-in change.
  return convergeSplit(region, arn, Object.fromEntries(apply.map(p => [p, declared[p]])), what, live, guard);
}

function refusalMessage(arn: string, what: string, moved: Part[], live: LiveSplit, previous: DeclaredSplit, declared: DeclaredSplit): string {
  const parts = moved.map(p => `${PART_NAME[p]} is ${formatPart(live[p])} live, declared ${formatPart(previous[p])} before and ${formatPart(declared[p])} now`);
  const failBack = moved.map(p => `${CLI_OPTION[p]} ${formatPart(previous[p])}`).join(' ');
  const keep = moved.map(p => `${PART_NAME[p]} ${formatPart(live[p])}`).join(', ');
  return `${what}: the live split was moved outside CloudFormation (a failover?) and this deploy would move it again: ${parts.join('; ')}. `
    + 'Nothing was changed. Either fail back first '
    + `(npx ${CLI_NAME} split --group ${arn} ${failBack}) and deploy again, or declare the live split (${keep}).`;
}

async function clearMarker(region: string, arn: string, what: string, key: string, marker: string | undefined): Promise<void> {
  if (marker === undefined) {
    return;
  }
  await step(`${what}: UntagResource`, () => connect(region).send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [key] })));
}

/** The group is updating its split, or is ACTIVE again after an update. */
async function isSettling(region: string, arn: string): Promise<boolean> {
  const out = await connect(region).send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
  const status = out.TrafficDistributionGroup?.Status;
  return status === 'UPDATE_IN_PROGRESS' || status === 'ACTIVE';
}

/** True when two declarations of a split differ in any part (an Update whose waiter will move the split). */
export function splitDeclarationChanged(a: DeclaredSplit, b: DeclaredSplit): boolean {
  return PARTS.some(p => formatPart(a[p]) !== formatPart(b[p]));
}
