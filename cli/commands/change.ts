/** What failover and split share: send one UpdateTrafficDistribution in the Region that takes the traffic, wait, read back. */
import { UpdateTrafficDistributionCommand } from '@aws-sdk/client-connect';
import { Command, Option } from 'commander';
import { formatPart, updateTrafficDistributionRequest } from '../../src/shared/split';
import { changes, CliError, connect, describeGroup, explain, GroupRef, PendingError, readSplit, Split, waitActive } from '../connect';
import { print } from '../output';
import { Target } from '../target';
import { EXIT_CODES_HELP, parseWait, Progress } from '../usage';

export interface ChangeOptions {
  readonly json?: boolean;
  readonly dryRun?: boolean;
  /** Seconds to wait for ACTIVE (parsed and checked by parseWait). */
  readonly wait: number;
}

/**
 * A command that changes the split (failover, split): its name, description and exit codes, the
 * target's options, its `own` options, then --dry-run, --wait and --json ({@link ChangeOptions}).
 */
export function changeCommand(program: Command, target: Target, name: string, description: string, own: (command: Command) => Command): Command {
  const command = program.command(name).description(description).addHelpText('after', EXIT_CODES_HELP);
  return own(target.options(command))
    .option('--dry-run', 'print the request without sending it')
    .addOption(new Option('--wait <seconds>', 'how long to wait for the group to be ACTIVE again (0: send, do not wait)').default(300).argParser(parseWait))
    .option('--json', 'print one JSON document (for scripts)');
}

export interface Wanted {
  readonly telephony: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly signIn?: Record<string, boolean>;
}

/**
 * Reads the group in `region`, sends the split `next` wants there, waits for ACTIVE (a progress line on a
 * terminal), reads it back and prints what changed. `why` (printed after the first line) says why `region`.
 * Applied but not ACTIVE within --wait: the report says so, then a PendingError (exit code 3).
 */
export async function changeSplit(
  command: string, group: GroupRef, region: string, options: ChangeOptions,
  next: (before: Split, isDefault: boolean) => Wanted, why: string[] = [],
): Promise<void> {
  const progress = await Progress.start(options.json);
  const described = await describeGroup(group, region);
  if (described.Status === 'UPDATE_IN_PROGRESS') {
    const settled = await waitActive(group, region, options.wait,
      s => progress.show(`Waiting for ${described.Name} to finish the update in progress (${s}, in ${region}) before sending this one`));
    progress.done();
    if (!settled) {
      throw new CliError(`The group ${group.arn} was still UPDATE_IN_PROGRESS (an earlier change) after --wait ${options.wait} s: nothing was sent. `
        + 'Run the command again once it is ACTIVE, or with a longer --wait.');
    }
  } else if (described.Status !== 'ACTIVE') {
    throw explain(new Error(`the group is ${described.Status}, not ACTIVE`), 'DescribeTrafficDistributionGroup', region, group);
  }
  const before = await readSplit(group, region);
  const want = next(before, described.IsDefault === true);
  const request = updateTrafficDistributionRequest(group.arn, want.telephony, want.agent, want.signIn);
  if (options.dryRun === true) {
    print(options, [
      `Dry run: would call UpdateTrafficDistribution in ${region} with:`,
      ...why,
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
  const active = await waitActive(group, region, options.wait,
    s => progress.show(`Waiting for ${described.Name} to be ACTIVE with the new split (${s}, in ${region}, --wait ${options.wait} s)`));
  progress.done();
  const format = (changed: ReturnType<typeof changes>) => (changed.length === 0 ? ['  nothing changed (the split already was this)']
    : changed.map(c => `  ${c.part.padEnd(9)} ${c.before} -> ${c.after}`));
  if (!active) {
    // The split cannot be read while the group updates: what was asked for.
    const requested = { telephony: want.telephony, agent: want.agent ?? before.agent, signIn: want.signIn ?? before.signIn };
    const asked = changes(before, requested);
    print(options, [
      `${command}: UpdateTrafficDistribution in ${region} accepted; ${described.Name} is still UPDATE_IN_PROGRESS after --wait ${options.wait} s.`,
      ...why,
      ...format(asked).map(l => `${l} (requested)`),
    ], { command, group: group.arn, region, dryRun: false, active: false, request, before, requested, changed: asked });
    throw new PendingError(`The change was applied, but ${described.Name} was not ACTIVE yet when --wait ${options.wait} s ended: it settles on its own. `
      + `Watch it with: npx cdk-connect-global-resiliency status --group ${group.arn}`);
  }
  const after = await readSplit(group, region);
  const changed = changes(before, after);
  print(options, [
    `${command}: UpdateTrafficDistribution in ${region}; ${described.Name} is ACTIVE.`,
    ...why,
    ...format(changed),
  ], { command, group: group.arn, region, dryRun: false, active: true, request, before, after, changed });
}
