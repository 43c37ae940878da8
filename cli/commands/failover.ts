import { Command } from 'commander';
import { changeSplit } from './change';
import { checkRegion, groupRef } from '../connect';

/** `failover --group <arn> --to <region>`: calls and agents 100 % to the Region, called in that Region with the ARN. */
export function registerFailover(program: Command): void {
  program.command('failover')
    .description('Moves telephony and agents 100 % to --to (and, on a default group, disables sign-in in the other Region), '
      + 'calling UpdateTrafficDistribution in --to with the group ARN; waits until the group is ACTIVE, reads the split back '
      + 'and prints what changed')
    .requiredOption('--group <arn>', 'the ARN of the traffic distribution group')
    .requiredOption('--to <region>', 'the Region that takes the traffic (the healthy one)')
    .option('--dry-run', 'print the request without sending it')
    .option('--wait <seconds>', 'how long to wait for the group to be ACTIVE again', '300')
    .option('--json', 'print one JSON document (for scripts)')
    .action(async (options: { group: string; to: string; dryRun?: boolean; wait: string; json?: boolean }) => {
      const group = groupRef(options.group);
      checkRegion(group, options.to, '--to');
      await changeSplit('failover', group, options.to, options, (before, isDefault) => {
        const others = [...new Set([...Object.keys(before.telephony), ...group.regions])].filter(r => r !== options.to);
        const other = others.find(r => r in before.telephony) ?? others[0];
        const all = { [options.to]: 100, [other]: 0 };
        return {
          telephony: all,
          agent: all,
          signIn: isDefault ? { [options.to]: true, [other]: false } : undefined,
        };
      });
    });
}
