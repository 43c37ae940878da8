/** The Connect calls the phone number steps share: describing a number or its group, and a call on a group that must be ACTIVE. */
import { ClaimedPhoneNumberSummary, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { regionOf } from './spec';
import type { NumberSpec } from './types';
import { connect } from '../lib/clients';
import { errorName, unlessNotFound, step } from '../lib/errors';
import { log } from '../lib/log';
import { pollInline } from '../lib/poll';

/** The claim could not be made because the number is not available (taken, or not in inventory). */
export function isUnavailable(e: unknown): boolean {
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
export async function onActiveTarget<T>(spec: NumberSpec, call: (attempt: number) => Promise<T>): Promise<T> {
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

export async function describe(region: string, arn: string, what: string): Promise<ClaimedPhoneNumberSummary | undefined> {
  return step(`${what}: DescribePhoneNumber`, async () => {
    const out = await unlessNotFound(connect(region).send(new DescribePhoneNumberCommand({ PhoneNumberId: arn })));
    return out?.ClaimedPhoneNumberSummary;
  });
}

/** The group a number is on, or undefined when it is gone. */
export async function describeGroup(groupArn: string, what: string) {
  return step(`${what}: DescribeTrafficDistributionGroup`, async () => {
    const out = await unlessNotFound(connect(regionOf(groupArn)).send(
      new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: groupArn })));
    return out?.TrafficDistributionGroup;
  });
}
