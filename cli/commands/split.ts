import { Command } from 'commander';
import { changeSplit } from './change';
import { SPLIT_PART_OPTION as OPTION, SPLIT_PARTS } from '../../src/shared/split';
import { checkRegion, CliError, groupRef, parseEnabled, parsePercentages } from '../connect';

interface SplitOptions {
  group: string;
  telephony?: string;
  agents?: string;
  signIn?: string;
  region?: string;
  dryRun?: boolean;
  wait: string;
  json?: boolean;
}

/** `split --group <arn> --telephony us-east-1=70,us-west-2=30 [--agents ...] [--sign-in ...]`: failback, or any split. */
export function registerSplit(program: Command): void {
  program.command('split')
    .description('Sets any split (failback, for one): calls UpdateTrafficDistribution with the group ARN in --region (by default the Region '
      + 'given the largest telephony share), waits until the group is ACTIVE, reads the split back and prints what changed. '
      + 'Parts not given are left as they are')
    .requiredOption('--group <arn>', 'the ARN of the traffic distribution group')
    .option(`${OPTION.telephony} <split>`, 'calls per Region, e.g. us-east-1=70,us-west-2=30 (steps of 10, sum 100)')
    .option(`${OPTION.agent} <split>`, 'agents per Region, e.g. us-east-1=70,us-west-2=30')
    .option(`${OPTION.signIn} <regions>`, 'sign-in per Region (default group only), e.g. us-east-1=true,us-west-2=true')
    .option('--region <region>', 'the Region to call (one of the group\'s two)')
    .option('--dry-run', 'print the request without sending it')
    .option('--wait <seconds>', 'how long to wait for the group to be ACTIVE again', '300')
    .option('--json', 'print one JSON document (for scripts)')
    .action(async (options: SplitOptions) => {
      const group = groupRef(options.group);
      if (options.telephony === undefined && options.agents === undefined && options.signIn === undefined) {
        throw new CliError(`Give at least one of ${SPLIT_PARTS.map(p => OPTION[p]).join(', ')}.`);
      }
      const telephony = options.telephony === undefined ? undefined : parsePercentages(OPTION.telephony, options.telephony, group);
      const agent = options.agents === undefined ? undefined : parsePercentages(OPTION.agent, options.agents, group);
      const signIn = options.signIn === undefined ? undefined : parseEnabled(OPTION.signIn, options.signIn, group);
      const largest = telephony === undefined ? undefined : Object.keys(telephony).sort((a, b) => telephony[b] - telephony[a])[0];
      const region = options.region ?? largest ?? group.source;
      checkRegion(group, region, '--region');
      await changeSplit('split', group, region, options, before => ({ telephony: telephony ?? before.telephony, agent, signIn }));
    });
}
