/** A group's update in place: its tags, the record of the current request when its split will move, and a group found gone. */
import { DEADLINE_FIELD, TdgProps } from '../../src/shared/names';
import { GROUP_ARN_PATTERN } from '../../src/shared/validate';
import { MARKED_FIELD, markCurrent } from '../lib/current-request';
import { RegionOutageError } from '../lib/errors';
import { CfnEvent, OnEventResult } from '../lib/events';
import { GONE_FIELD, goneOutside, groupGoneMessage, mayBeGone } from '../lib/gone';
import { log } from '../lib/log';
import { declaredSplit, splitDeclarationChanged } from '../lib/split';
import { isRollback } from '../lib/stack-status';

/** What the update needs of the group handler: the declared split, the tag change, and a look at whether the group exists. */
export interface InPlace {
  readonly region: string;
  readonly telephony?: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly tags: () => Promise<void>;
  readonly exists: () => Promise<boolean>;
}

/**
 * Tags, and the record that this request is the one whose waiter may move the split (when its
 * declaration changed). A group deleted outside CloudFormation: nothing to roll back in a
 * rollback; the forward request fails at once, saying what to do.
 */
export async function updateInPlace(
  event: CfnEvent & { PhysicalResourceId: string; OldResourceProperties: Record<string, unknown> }, deadline: number, what: string, group: InPlace,
): Promise<OnEventResult> {
  const arn = event.PhysicalResourceId;
  const keys = { telephony: TdgProps.TELEPHONY_DISTRIBUTION, agent: TdgProps.AGENT_DISTRIBUTION };
  const marks = splitDeclarationChanged(declaredSplit(event.OldResourceProperties, keys), { telephony: group.telephony, agent: group.agent });
  try {
    await group.tags();
    if (marks) {
      await markCurrent(group.region, arn, event, what);
    }
  } catch (e) {
    if (e instanceof RegionOutageError && await isRollback(event)) {
      // The group's Region is down: the rollback leaves the group as it is there (the forward request
      // changed nothing it could not reach), and its waiter has nothing to do.
      log('WARN', 'the Region is down: the rollback leaves the group as it is there', { logicalId: event.LogicalResourceId, region: group.region });
      return { PhysicalResourceId: arn, [DEADLINE_FIELD]: deadline, [GONE_FIELD]: true };
    }
    if (!mayBeGone(e) || !GROUP_ARN_PATTERN.test(arn) || await group.exists()) {
      throw e;
    }
    await goneOutside(event, arn, groupGoneMessage(`${what} (${arn})`));
    return { PhysicalResourceId: arn, [DEADLINE_FIELD]: deadline, [GONE_FIELD]: true };
  }
  return { PhysicalResourceId: arn, [DEADLINE_FIELD]: deadline, ...(marks ? { [MARKED_FIELD]: true } : {}) };
}
