/** The TrafficDistributionGroup handler: onEvent and isComplete of a group (create, tags, split, delete). */
import {
  CreateTrafficDistributionGroupCommand, DeleteTrafficDistributionGroupCommand, DescribeTrafficDistributionGroupCommand,
  ListPhoneNumbersV2Command, ListTrafficDistributionGroupsCommand, TrafficDistributionGroup,
} from '@aws-sdk/client-connect';
import { checkNoForeignNumbers } from './foreign-numbers';
import { updateInPlace } from './in-place';
import { CREATED_FIELD, DEADLINE_FIELD, Deadlines, REPLICATION_PAIRS, TdgAttrs, TdgProps } from '../../src/shared/names';
import {
  GROUP_ARN_PATTERN, parseDistribution, parseInstanceArn, validateGroupDescription, validateGroupName, validateTags,
} from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { MARKED_FIELD } from '../lib/current-request';
import { deadlineFrom } from '../lib/deadlines';
import { clip, errorName, isNotFound, step, unlessNotFound, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { GONE_FIELD, goneOutside, groupGoneMessage } from '../lib/gone';
import { log } from '../lib/log';
import { ownerTags } from '../lib/ownership';
import { pollInline, pollUntilSettled, settleOrCleanUp } from '../lib/poll';
import { DeclaredSplit, declaredSplit, deploySplit } from '../lib/split';
import { applyTagChanges } from '../lib/tags';

/** A group as declared in the template, checked again (the construct skipped tokens). */
export interface GroupSpec {
  readonly instanceArn: string;
  readonly region: string;
  readonly name: string;
  readonly description?: string;
  readonly telephony?: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly tags: Record<string, string>;
}

export function parseGroupSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): GroupSpec {
  try {
    const instance = parseInstanceArn(TdgProps.INSTANCE_ARN, props[TdgProps.INSTANCE_ARN]);
    const present = (k: string) => props[k] !== undefined && props[k] !== '';
    return {
      instanceArn: props[TdgProps.INSTANCE_ARN] as string,
      region: instance.region,
      name: validateGroupName(TdgProps.NAME, props[TdgProps.NAME]),
      description: present(TdgProps.DESCRIPTION) ? validateGroupDescription(TdgProps.DESCRIPTION, props[TdgProps.DESCRIPTION]) : undefined,
      telephony: present(TdgProps.TELEPHONY_DISTRIBUTION)
        ? parseDistribution(TdgProps.TELEPHONY_DISTRIBUTION, props[TdgProps.TELEPHONY_DISTRIBUTION], instance.region, REPLICATION_PAIRS) : undefined,
      agent: present(TdgProps.AGENT_DISTRIBUTION)
        ? parseDistribution(TdgProps.AGENT_DISTRIBUTION, props[TdgProps.AGENT_DISTRIBUTION], instance.region, REPLICATION_PAIRS) : undefined,
      tags: validateTags(TdgProps.TAGS, props[TdgProps.TAGS]),
    };
  } catch (e) {
    throw new UserError(`Traffic distribution group ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

const SPLIT_KEYS = { telephony: TdgProps.TELEPHONY_DISTRIBUTION, agent: TdgProps.AGENT_DISTRIBUTION };

function label(event: Pick<CfnEvent, 'LogicalResourceId'>, name?: string): string {
  return `Traffic distribution group ${event.LogicalResourceId}${name ? ` ('${name}')` : ''}`;
}

function idOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export async function onEvent(event: CfnEvent): Promise<OnEventResult> {
  const deadline = deadlineFrom(Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS);
  switch (event.RequestType) {
    case 'Create': {
      const spec = parseGroupSpec(event, event.ResourceProperties);
      return { PhysicalResourceId: await create(event, spec), [DEADLINE_FIELD]: deadline, [CREATED_FIELD]: true };
    }
    case 'Update': {
      const spec = parseGroupSpec(event, event.ResourceProperties);
      const old = event.OldResourceProperties;
      const replace = old[TdgProps.NAME] !== spec.name
        || (old[TdgProps.DESCRIPTION] ?? '') !== (spec.description ?? '')
        || old[TdgProps.INSTANCE_ARN] !== spec.instanceArn;
      // A rollback sends the old properties back to the group that still has them (the failed
      // update never replaced it): then there is nothing to replace.
      if (replace && !(await alreadyIs(event, spec))) {
        if (old[TdgProps.NAME] === spec.name && old[TdgProps.INSTANCE_ARN] === spec.instanceArn) {
          throw new UserError(`${label(event, spec.name)}: its description changed, which replaces the group, but its name did not: `
            + 'CloudFormation creates the new group before it deletes the old one, and two groups of an instance cannot share a name. '
            + 'Change trafficDistributionGroupName too, or leave it unset so that a name is generated.');
        }
        // A rollback sent to the group of the failed replacement (the id its FAILED response named):
        // the group that has the requested properties still exists; answer with it.
        const previous = GROUP_ARN_PATTERN.test(event.PhysicalResourceId) ? await findByName(event, spec) : undefined;
        if (previous !== undefined) {
          log('INFO', 'the group with the requested properties exists (a rollback): answering with it', { arn: previous, sentTo: event.PhysicalResourceId });
          await updateTags(event, spec, previous, old[TdgProps.TAGS]);
          return { PhysicalResourceId: previous, [DEADLINE_FIELD]: deadline };
        }
        if (GROUP_ARN_PATTERN.test(event.PhysicalResourceId)) {
          await checkNoForeignNumbers(event, event.PhysicalResourceId.split(':')[3], event.PhysicalResourceId, label(event, spec.name));
        }
        log('INFO', 'replacing traffic distribution group', { logicalId: event.LogicalResourceId, old: event.PhysicalResourceId });
        return { PhysicalResourceId: await create(event, spec), [DEADLINE_FIELD]: deadline, [CREATED_FIELD]: true };
      }
      const what = label(event, spec.name);
      return updateInPlace(event as CfnEvent & { PhysicalResourceId: string; OldResourceProperties: Record<string, unknown> }, deadline, what, {
        telephony: spec.telephony,
        agent: spec.agent,
        region: spec.region,
        tags: () => updateTags(event, spec, event.PhysicalResourceId, old[TdgProps.TAGS]),
        exists: async () => await describe(spec.region, event.PhysicalResourceId, what) !== undefined,
      });
    }
    case 'Delete':
      if (retained(event.ResourceProperties)) {
        log('INFO', 'retaining traffic distribution group (removal policy RETAIN)', { arn: event.PhysicalResourceId });
        return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
      }
      await startDelete(event);
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
  }
}

async function create(event: CfnEvent, spec: GroupSpec): Promise<string> {
  const out = await step(`${label(event, spec.name)}: CreateTrafficDistributionGroup`, async () => {
    try {
      return await connect(spec.region).send(new CreateTrafficDistributionGroupCommand({
        Name: spec.name,
        InstanceId: spec.instanceArn,
        Description: spec.description,
        Tags: { ...spec.tags, ...ownerTags(event) }, // the owner record (lambda/lib/ownership.ts)
        ClientToken: clientToken(event, 'create-group'),
      }));
    } catch (e) {
      if (errorName(e) === 'ResourceConflictException') {
        throw new UserError(`${label(event, spec.name)}: the instance already has a traffic distribution group named '${spec.name}'. `
          + 'Choose another trafficDistributionGroupName, or delete the other group.');
      }
      if (errorName(e) === 'InvalidRequestException' || errorName(e) === 'ResourceNotReadyException') {
        throw new UserError(`${label(event, spec.name)}: Amazon Connect refused to create it (${errorName(e)}: ${(e as Error).message}). `
          + 'A group can only be created in the source Region of an instance that has been replicated (ReplicateInstance) '
          + `and whose replica is ready: check ${spec.instanceArn}.`);
      }
      throw e;
    }
  });
  log('INFO', 'created traffic distribution group', { logicalId: event.LogicalResourceId, arn: out.Arn });
  return out.Arn!;
}

async function updateTags(event: CfnEvent, spec: GroupSpec, arn: string, oldTagsRaw: unknown): Promise<void> {
  let oldTags: Record<string, string> = {};
  try {
    oldTags = validateTags(TdgProps.TAGS, oldTagsRaw);
  } catch {
    oldTags = {};
  }
  await applyTagChanges(spec.region, arn, oldTags, spec.tags, label(event, spec.name));
}

/** True when the group of the physical id exists with exactly the requested name, description and instance. */
async function alreadyIs(event: CfnEvent & { PhysicalResourceId: string }, spec: GroupSpec): Promise<boolean> {
  if (!GROUP_ARN_PATTERN.test(event.PhysicalResourceId)) {
    return false;
  }
  const group = await describe(spec.region, event.PhysicalResourceId, label(event, spec.name));
  return group !== undefined
    && group.Name === spec.name
    && (group.Description ?? '') === (spec.description ?? '')
    && group.InstanceArn === spec.instanceArn;
}

/**
 * The group of the instance that has the requested name and description and is not being deleted
 * (ListTrafficDistributionGroups, then DescribeTrafficDistributionGroup of the one named so).
 */
async function findByName(event: CfnEvent & { PhysicalResourceId: string }, spec: GroupSpec): Promise<string | undefined> {
  const what = label(event, spec.name);
  let next: string | undefined;
  for (let page = 0; page < 20; page++) {
    const out = await step(`${what}: ListTrafficDistributionGroups`, () => connect(spec.region).send(new ListTrafficDistributionGroupsCommand({
      InstanceId: spec.instanceArn, MaxResults: 10, NextToken: next,
    })));
    const hit = (out.TrafficDistributionGroupSummaryList ?? []).find(g => g.Name === spec.name && !g.IsDefault && g.Arn !== event.PhysicalResourceId);
    if (hit?.Arn !== undefined) {
      const group = await describe(spec.region, hit.Arn, what);
      const usable = group?.Status === 'ACTIVE' || group?.Status === 'UPDATE_IN_PROGRESS';
      return usable && (group.Description ?? '') === (spec.description ?? '') && group.InstanceArn === spec.instanceArn ? hit.Arn : undefined;
    }
    next = out.NextToken;
    if (!next) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The group of a failed replacement: CloudFormation only learns the old group, so it never deletes
 * this one, which would keep its name taken. Deletes it, waits inline until it is gone, and returns
 * the error to fail with, saying what became of it.
 */
async function deleteFailedReplacement(event: WaitEvent, spec: GroupSpec, arn: string, failure: unknown): Promise<Error> {
  const reason = clip((failure as Error)?.message ?? String(failure), 520);
  const byHand = `delete it (DeleteTrafficDistributionGroup ${arn}) once it has settled, then deploy again.`;
  const what = `${label(event, spec.name)} (${arn})`;
  let asked = false;
  try {
    const gone = await pollInline(async () => {
      const group = await describe(spec.region, arn, what);
      if (group === undefined) {
        return true;
      }
      if (group.Status === 'DELETION_FAILED') {
        return false;
      }
      if (!asked && group.Status !== 'PENDING_DELETION' && group.Status !== 'CREATION_IN_PROGRESS' && group.Status !== 'UPDATE_IN_PROGRESS') {
        asked = true;
        await connect(spec.region).send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
        log('INFO', 'deleting the group of a failed replacement', { arn });
      }
      return undefined;
    });
    if (gone === true) {
      return new UserError(`${reason} The new group '${spec.name}' that this replacement created was deleted, so that nothing is left behind: `
        + 'fix the cause and deploy again.');
    }
    if (gone === undefined && asked) {
      return new UserError(`${reason} The new group '${spec.name}' that this replacement created is being deleted, so that nothing is left behind: `
        + 'fix the cause and deploy again once it is gone.');
    }
    return new UserError(`${reason} The new group '${spec.name}' that this replacement created is ${gone === false ? 'DELETION_FAILED' : 'not deleted yet'}: ${byHand}`);
  } catch (e) {
    return new UserError(`${reason} The new group '${spec.name}' that this replacement created could not be deleted (${errorName(e)}): ${byHand}`);
  }
}

async function describe(region: string, arn: string, what: string): Promise<TrafficDistributionGroup | undefined> {
  return step(`${what}: DescribeTrafficDistributionGroup`, async () => {
    const out = await unlessNotFound(connect(region).send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn })));
    return out?.TrafficDistributionGroup;
  });
}

/** A group whose removal policy is RETAIN is left as it is on deletion (with its numbers and split). */
function retained(props: Record<string, unknown> | undefined): boolean {
  return props?.[TdgProps.REMOVAL_POLICY] === 'retain';
}

async function startDelete(event: CfnEvent & { PhysicalResourceId: string }): Promise<void> {
  const arn = event.PhysicalResourceId;
  if (!GROUP_ARN_PATTERN.test(arn)) {
    log('WARN', 'nothing to delete: the physical id is not a traffic distribution group ARN', { physicalId: arn });
    return;
  }
  const region = arn.split(':')[3];
  const what = label(event);
  const group = await describe(region, arn, what);
  if (group === undefined) {
    log('INFO', 'traffic distribution group already gone', { arn });
    return;
  }
  if (group.IsDefault) {
    // The default group belongs to the replica: it goes when the replica is deleted.
    log('WARN', 'not deleting a default traffic distribution group', { arn });
    return;
  }
  if (group.Status === 'PENDING_DELETION') {
    return;
  }
  await step(`${what}: DeleteTrafficDistributionGroup`, async () => {
    try {
      await connect(region).send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
    } catch (e) {
      if (isNotFound(e)) {
        return;
      }
      if (errorName(e) === 'ResourceInUseException') {
        throw new UserError(await inUseMessage(region, arn, `${what} ('${group.Name}')`));
      }
      throw e;
    }
  });
}

/** Says which numbers still sit on the group, and what to do about them. */
async function inUseMessage(region: string, arn: string, what: string): Promise<string> {
  let numbers: string[] = [];
  try {
    const out = await connect(region).send(new ListPhoneNumbersV2Command({ TargetArn: arn, MaxResults: 10 }));
    numbers = (out.ListPhoneNumbersSummaryList ?? []).map(n => n.PhoneNumber ?? n.PhoneNumberId ?? '?');
    if (out.NextToken) {
      numbers.push('...');
    }
  } catch (e) {
    log('WARN', 'could not list the numbers of the group', { error: errorName(e) });
  }
  const which = numbers.length > 0 ? `: ${numbers.join(', ')}` : '';
  return `${what} cannot be deleted: phone numbers are still claimed to it${which}. `
    + 'Move them to an instance (ClaimedPhoneNumber with target PhoneNumberTarget.instance(...)) or release them '
    + '(removalPolicy DESTROY, or ReleasePhoneNumber), then delete again. Numbers declared with ClaimedPhoneNumber in the same stack are moved to the instance automatically before the group is deleted.';
}

export async function isComplete(event: WaitEvent): Promise<IsCompleteResult> {
  const arn = event.PhysicalResourceId;
  if (event.RequestType === 'Delete') {
    return retained(event.ResourceProperties) ? { IsComplete: true } : isDeleted(event, arn);
  }
  if (event[GONE_FIELD] === true) {
    return { IsComplete: true, Data: { [TdgAttrs.ARN]: arn, [TdgAttrs.ID]: idOf(arn) } }; // a rollback: nothing to roll back
  }
  const spec = parseGroupSpec(event, event.ResourceProperties);
  return settleOrCleanUp(event, () => settle(event, spec, arn), event.RequestType === 'Update' && event[CREATED_FIELD] === true,
    e => deleteFailedReplacement(event, spec, arn, e));
}

/** Waits until the group is ACTIVE and its declared split has settled. */
async function settle(event: WaitEvent, spec: GroupSpec, arn: string): Promise<IsCompleteResult> {
  const what = `${label(event, spec.name)} (${arn})`;
  // onEvent set the deadline when it started: the group's creation (or update) started then (lambda/lib/poll.ts).
  const deadline = event[DEADLINE_FIELD];
  const transition = {
    kind: event.RequestType === 'Create' || event[CREATED_FIELD] === true ? 'group-create' : 'group-update',
    startedAt: typeof deadline === 'number' ? deadline - Deadlines.TRAFFIC_DISTRIBUTION_GROUP_SECONDS * 1000 : undefined,
  };
  const done = await pollUntilSettled(event, async (seen, next) => {
    const group = await describe(spec.region, arn, what);
    const status = group?.Status ?? 'not found';
    seen(what, status);
    switch (group?.Status) {
      case undefined:
        if (event[CREATED_FIELD] !== true) {
          await goneOutside(event, arn, groupGoneMessage(what));
          return true; // a rollback: nothing to roll back
        }
        return undefined; // just created: Describe may lag behind
      case 'CREATION_FAILED':
        // The group of a failed replacement is deleted by isComplete's caller.
        throw new UserError(`${what} ended in status CREATION_FAILED. Check that the instance is replicated and its replica is active, then deploy again.`);
      case 'PENDING_DELETION':
      case 'DELETION_FAILED':
        throw new UserError(`${what} is being deleted (status ${status}), outside this deployment. Deploy again once it is gone.`);
      case 'ACTIVE':
        if (await deploySplit(spec.region, arn, { telephony: spec.telephony, agent: spec.agent }, what, {
          // A new group (Create, or the replacement of an Update) gets the declared split; an
          // in-place Update moves only what its declaration changed.
          previous: previousSplit(event, spec),
          tags: group.Tags,
          stackId: event.StackId,
          logicalId: event.LogicalResourceId,
          requestId: event[MARKED_FIELD] === true ? event.RequestId : undefined,
        })) {
          return true;
        }
        next('split'); // the split is being applied: looks at its own pace from now
        return undefined;
      case 'UPDATE_IN_PROGRESS':
        next('split', false); // a split being applied, since an earlier invocation
        return undefined;
      default: // CREATION_IN_PROGRESS
        return undefined;
    }
  }, transition);
  if (done === undefined) {
    return { IsComplete: false };
  }
  return { IsComplete: true, Data: { [TdgAttrs.ARN]: arn, [TdgAttrs.ID]: idOf(arn) } };
}

/**
 * The declaration this deploy changes the group's split from: undefined for a new group (Create,
 * or the group of a replacement), which gets the declared split. The rollback of a replacement
 * comes back to the old group (same physical id, not created) with properties naming another
 * group: the failed update never touched this group's split, so nothing of it changed.
 */
function previousSplit(event: WaitEvent, spec: GroupSpec): DeclaredSplit | undefined {
  if (event.RequestType !== 'Update' || event[CREATED_FIELD] === true) {
    return undefined;
  }
  const old = event.OldResourceProperties;
  const sameGroup = old[TdgProps.NAME] === spec.name && old[TdgProps.INSTANCE_ARN] === spec.instanceArn
    && (old[TdgProps.DESCRIPTION] ?? '') === (spec.description ?? '');
  return sameGroup ? declaredSplit(old, SPLIT_KEYS) : { telephony: spec.telephony, agent: spec.agent };
}

async function isDeleted(event: WaitEvent, arn: string): Promise<IsCompleteResult> {
  if (!GROUP_ARN_PATTERN.test(arn)) {
    return { IsComplete: true };
  }
  const region = arn.split(':')[3];
  const what = `${label(event)} (${arn})`;
  const done = await pollUntilSettled(event, async seen => {
    const group = await describe(region, arn, what);
    if (group === undefined || group.IsDefault) {
      return true;
    }
    seen(`Deletion of ${what}`, group.Status ?? '?');
    if (group.Status === 'DELETION_FAILED') {
      throw new UserError(`${what}: deletion ended in status DELETION_FAILED. Check the group in the Amazon Connect console, then delete again.`);
    }
    return undefined;
  });
  return { IsComplete: done === true };
}
