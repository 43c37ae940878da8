import { Command } from 'commander';
import { changeCommand, changeSplit } from './change';
import { checkRegion, groupRef } from '../connect';
import { ACCOUNT, Target } from '../target';

/** `failover --group <arn> --to <region>`: calls and agents 100 % to the Region, called in that Region with the ARN. */
export function registerFailover(program: Command, target: Target = ACCOUNT): void {
  changeCommand(program, target, 'failover',
    'Moves telephony and agents 100 % to --to (and, on a default group, disables sign-in in the other Region), '
      + 'calling UpdateTrafficDistribution in --to with the group ARN; waits until the group is ACTIVE, reads the split back '
      + 'and prints what changed',
    command => command.requiredOption('--to <region>', 'the Region that takes the traffic (the healthy one)'))
    .action((options: { group?: string; to: string; dryRun?: boolean; wait: number; json?: boolean }) => target.run(options, async arn => {
      const group = groupRef(arn);
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
    }));
}
