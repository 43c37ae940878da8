/** The TrafficDistribution handler: onEvent and isComplete of a group's split of traffic between its two Regions. */
import { DescribeTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { DEADLINE_FIELD, Deadlines, DistributionProps, REPLICATION_PAIRS } from '../../src/shared/names';
import { parseDistribution, parseGroupArn, parseSignIn } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { MARKED_FIELD, markCurrent } from '../lib/current-request';
import { deadlineFrom } from '../lib/deadlines';
import { unlessNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { GONE_FIELD, goneOutside, mayBeGone } from '../lib/gone';
import { pollUntilSettled } from '../lib/poll';
import { DeclaredSplit, declaredSplit, deploySplit, splitDeclarationChanged } from '../lib/split';

interface DistributionSpec extends DeclaredSplit {
  readonly groupArn: string;
  readonly region: string;
}

const SPLIT_KEYS = {
  telephony: DistributionProps.TELEPHONY_DISTRIBUTION,
  agent: DistributionProps.AGENT_DISTRIBUTION,
  signIn: DistributionProps.SIGN_IN_DISTRIBUTION,
};

export function parseDistributionSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): DistributionSpec {
  try {
    const group = parseGroupArn(DistributionProps.GROUP_ARN, props[DistributionProps.GROUP_ARN]);
    const present = (k: string) => props[k] !== undefined && props[k] !== '';
    const spec = {
      groupArn: props[DistributionProps.GROUP_ARN] as string,
      region: group.region,
      telephony: present(DistributionProps.TELEPHONY_DISTRIBUTION)
        ? parseDistribution(DistributionProps.TELEPHONY_DISTRIBUTION, props[DistributionProps.TELEPHONY_DISTRIBUTION],
          group.region, REPLICATION_PAIRS) : undefined,
      agent: present(DistributionProps.AGENT_DISTRIBUTION)
        ? parseDistribution(DistributionProps.AGENT_DISTRIBUTION, props[DistributionProps.AGENT_DISTRIBUTION],
          group.region, REPLICATION_PAIRS) : undefined,
      signIn: present(DistributionProps.SIGN_IN_DISTRIBUTION)
        ? parseSignIn(DistributionProps.SIGN_IN_DISTRIBUTION, props[DistributionProps.SIGN_IN_DISTRIBUTION]) : undefined,
    };
    if (spec.telephony === undefined && spec.agent === undefined && spec.signIn === undefined) {
      throw new Error(`${DistributionProps.TELEPHONY_DISTRIBUTION}, ${DistributionProps.AGENT_DISTRIBUTION} or ${DistributionProps.SIGN_IN_DISTRIBUTION} must be given`);
    }
    return spec;
  } catch (e) {
    throw new UserError(`Traffic distribution ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

export async function onEvent(event: CfnEvent): Promise<OnEventResult> {
  const deadline = deadlineFrom(Deadlines.TRAFFIC_DISTRIBUTION_SECONDS);
  if (event.RequestType === 'Delete') {
    // A stack deletion never moves live traffic: the split stays as it is.
    return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
  }
  const spec = parseDistributionSpec(event, event.ResourceProperties);
  if (event.RequestType === 'Update' && event.OldResourceProperties[DistributionProps.GROUP_ARN] === spec.groupArn
    && splitDeclarationChanged(declaredSplit(event.OldResourceProperties, SPLIT_KEYS), spec)) {
    // This request's waiter will move the split: record that it is the current one (current-request.ts).
    const what = `Traffic distribution ${event.LogicalResourceId} of ${spec.groupArn}`;
    try {
      await markCurrent(spec.region, spec.groupArn, event, what);
    } catch (e) {
      if (!mayBeGone(e)) {
        throw e;
      }
      const gone = await step(`${what}: DescribeTrafficDistributionGroup`, () => unlessNotFound(connect(spec.region).send(
        new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: spec.groupArn }))));
      if (gone !== undefined) {
        throw e;
      }
      await goneOutside(event, spec.groupArn, goneMessage(what));
      return { PhysicalResourceId: spec.groupArn, [DEADLINE_FIELD]: deadline, [GONE_FIELD]: true };
    }
    return { PhysicalResourceId: spec.groupArn, [DEADLINE_FIELD]: deadline, [MARKED_FIELD]: true };
  }
  // The group's ARN: managing another group's split is another resource.
  return { PhysicalResourceId: spec.groupArn, [DEADLINE_FIELD]: deadline };
}

/** What a forward Update says of a split whose group was deleted outside CloudFormation. */
function goneMessage(what: string): string {
  return `${what}: the group no longer exists: it was deleted outside CloudFormation. Remove the TrafficDistribution from the stack `
    + '(a split is never moved by a deletion), or point it at a group that exists.';
}

export async function isComplete(event: WaitEvent): Promise<IsCompleteResult> {
  if (event.RequestType === 'Delete' || event[GONE_FIELD] === true) {
    return { IsComplete: true };
  }
  const spec = parseDistributionSpec(event, event.ResourceProperties);
  const what = `Traffic distribution ${event.LogicalResourceId} of ${spec.groupArn}`;
  const done = await pollUntilSettled(event, async seen => {
    const group = await step(`${what}: DescribeTrafficDistributionGroup`, async () => {
      const out = await unlessNotFound(connect(spec.region).send(
        new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: spec.groupArn })));
      return out?.TrafficDistributionGroup;
    });
    seen(what, group?.Status ?? 'not found');
    if (group === undefined) {
      if (event.RequestType === 'Update' && event.OldResourceProperties[DistributionProps.GROUP_ARN] === spec.groupArn) {
        await goneOutside(event, spec.groupArn, goneMessage(what));
        return true; // a rollback: nothing to roll back
      }
      throw new UserError(`${what}: the group does not exist. Check the group ARN.`);
    }
    if (spec.signIn !== undefined && !group.IsDefault) {
      throw new UserError(`${what}: signInDistribution can only be set on the default traffic distribution group of an instance; `
        + `'${group.Name}' is not a default group. Remove signInDistribution, or manage the default group's split instead.`);
    }
    switch (group.Status) {
      case 'ACTIVE':
        return (await deploySplit(spec.region, spec.groupArn, spec, what, {
          // Create, or the split moved to another group: the declared split is applied. An
          // Update of the same group moves only what its declaration changed.
          previous: event.RequestType === 'Update' && event.OldResourceProperties[DistributionProps.GROUP_ARN] === spec.groupArn
            ? declaredSplit(event.OldResourceProperties, SPLIT_KEYS) : undefined,
          tags: group.Tags,
          stackId: event.StackId,
          logicalId: event.LogicalResourceId,
          requestId: event[MARKED_FIELD] === true ? event.RequestId : undefined,
        })) ? true : undefined;
      case 'CREATION_IN_PROGRESS':
      case 'UPDATE_IN_PROGRESS':
        return undefined;
      default:
        throw new UserError(`${what}: the group is ${group.Status}, so its split cannot be changed.`);
    }
  });
  return { IsComplete: done === true };
}
