/** What failover and split share: send one UpdateTrafficDistribution in the Region that takes the traffic, wait, read back. */
import { UpdateTrafficDistributionCommand } from '@aws-sdk/client-connect';
import { formatPart, updateTrafficDistributionRequest } from '../../src/shared/split';
import { changes, connect, describeGroup, explain, GroupRef, readSplit, Split, waitActive } from '../connect';
import { print } from '../output';

export interface ChangeOptions {
  readonly json?: boolean;
  readonly dryRun?: boolean;
  /** Seconds to wait for ACTIVE. */
  readonly wait: string;
}

export interface Wanted {
  readonly telephony: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly signIn?: Record<string, boolean>;
}

export async function changeSplit(
  command: string, group: GroupRef, region: string, options: ChangeOptions,
  next: (before: Split, isDefault: boolean) => Wanted,
): Promise<void> {
  const wait = Number(options.wait);
  const described = await describeGroup(group, region);
  if (described.Status === 'UPDATE_IN_PROGRESS') {
    await waitActive(group, region, wait);
  } else if (described.Status !== 'ACTIVE') {
    throw explain(new Error(`the group is ${described.Status}, not ACTIVE`), 'DescribeTrafficDistributionGroup', region, group);
  }
  const before = await readSplit(group, region);
  const want = next(before, described.IsDefault === true);
  const request = updateTrafficDistributionRequest(group.arn, want.telephony, want.agent, want.signIn);
  if (options.dryRun === true) {
    print(options, [
      `Dry run: would call UpdateTrafficDistribution in ${region} with:`,
      JSON.stringify(request, undefined, 2),
      `Now: telephony ${formatPart(before.telephony)}, agents ${formatPart(before.agent)}, sign-in ${formatPart(before.signIn)}`,
    ], { command, group: group.arn, region, dryRun: true, request, before });
    return;
  }
  try {
    await connect(region).send(new UpdateTrafficDistributionCommand(request));
  } catch (e) {
    throw explain(e, 'UpdateTrafficDistribution', region, group);
  }
  await waitActive(group, region, wait);
  const after = await readSplit(group, region);
  const changed = changes(before, after);
  print(options, [
    `${command}: UpdateTrafficDistribution in ${region}; ${described.Name} is ACTIVE.`,
    ...(changed.length === 0 ? ['  nothing changed (the split already was this)'] : changed.map(c => `  ${c.part.padEnd(9)} ${c.before} -> ${c.after}`)),
  ], { command, group: group.arn, region, dryRun: false, request, before, after, changed });
}
