/** The TrafficDistributionGroupUsers handler: onEvent and isComplete of the users associated with a traffic distribution group. */
import { AssociateTrafficDistributionGroupUserCommand, DisassociateTrafficDistributionGroupUserCommand } from '@aws-sdk/client-connect';
import { DEADLINE_FIELD, Deadlines, GroupUsersProps } from '../../src/shared/names';
import { parseGroupArn, parseInstanceArn, parseUserId } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { deadlineFrom } from '../lib/deadlines';
import { isNotFound, step, UserError } from '../lib/errors';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';

interface UsersSpec {
  readonly groupArn: string;
  readonly region: string;
  readonly instanceArn: string;
  readonly userIds: string[];
}

export function parseUsersSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): UsersSpec {
  try {
    const group = parseGroupArn(GroupUsersProps.GROUP_ARN, props[GroupUsersProps.GROUP_ARN]);
    parseInstanceArn(GroupUsersProps.INSTANCE_ARN, props[GroupUsersProps.INSTANCE_ARN]);
    const raw = props[GroupUsersProps.USER_IDS];
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new Error(`${GroupUsersProps.USER_IDS} must be a non-empty list of user ids`);
    }
    const userIds = [...new Set(raw.map((u, i) => parseUserId(`${GroupUsersProps.USER_IDS}[${i}]`, u)))];
    return {
      groupArn: props[GroupUsersProps.GROUP_ARN] as string,
      region: group.region,
      instanceArn: props[GroupUsersProps.INSTANCE_ARN] as string,
      userIds,
    };
  } catch (e) {
    throw new UserError(`Agents of a traffic distribution group ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

function physicalId(spec: UsersSpec): string {
  return `${spec.groupArn}/users`;
}

async function associate(spec: UsersSpec, userIds: string[], what: string): Promise<void> {
  for (const userId of userIds) {
    await step(`${what}: AssociateTrafficDistributionGroupUser (${userId})`, () => connect(spec.region).send(new AssociateTrafficDistributionGroupUserCommand({
      TrafficDistributionGroupId: spec.groupArn, UserId: userId, InstanceId: spec.instanceArn,
    })));
  }
}

async function disassociate(spec: UsersSpec, userIds: string[], what: string): Promise<void> {
  for (const userId of userIds) {
    await step(`${what}: DisassociateTrafficDistributionGroupUser (${userId})`, async () => {
      try {
        await connect(spec.region).send(new DisassociateTrafficDistributionGroupUserCommand({
          TrafficDistributionGroupId: spec.groupArn, UserId: userId, InstanceId: spec.instanceArn,
        }));
      } catch (e) {
        if (!isNotFound(e)) {
          throw e; // a user or group already gone is what we wanted
        }
      }
    });
  }
}

export async function onEvent(event: CfnEvent): Promise<OnEventResult> {
  const deadline = deadlineFrom(Deadlines.TRAFFIC_DISTRIBUTION_SECONDS);
  const what = `Agents of a traffic distribution group ${event.LogicalResourceId}`;
  switch (event.RequestType) {
    case 'Create': {
      const spec = parseUsersSpec(event, event.ResourceProperties);
      await associate(spec, spec.userIds, what);
      return { PhysicalResourceId: physicalId(spec), [DEADLINE_FIELD]: deadline };
    }
    case 'Update': {
      const spec = parseUsersSpec(event, event.ResourceProperties);
      let old: UsersSpec | undefined;
      try {
        old = parseUsersSpec(event, event.OldResourceProperties);
      } catch {
        old = undefined;
      }
      if (old === undefined || old.groupArn !== spec.groupArn || old.instanceArn !== spec.instanceArn) {
        // Another group: a new resource; CloudFormation's cleanup Delete disassociates the old one.
        await associate(spec, spec.userIds, what);
        return { PhysicalResourceId: physicalId(spec), [DEADLINE_FIELD]: deadline };
      }
      await associate(spec, spec.userIds.filter(u => !old!.userIds.includes(u)), what);
      await disassociate(spec, old.userIds.filter(u => !spec.userIds.includes(u)), what);
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
    }
    case 'Delete': {
      let spec: UsersSpec;
      try {
        spec = parseUsersSpec(event, event.ResourceProperties);
      } catch (e) {
        log('WARN', 'nothing to disassociate: properties unreadable', { error: (e as Error).message });
        return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
      }
      await disassociate(spec, spec.userIds, what);
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
    }
  }
}

/** Associations take effect at once: nothing to wait for. */
export async function isComplete(_event: WaitEvent): Promise<IsCompleteResult> {
  return { IsComplete: true };
}
