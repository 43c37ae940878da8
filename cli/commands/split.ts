import { Command } from 'commander';
import { changeCommand, changeSplit } from './change';
import { SPLIT_PART_OPTION as OPTION, SPLIT_PARTS } from '../../src/shared/split';
import { checkRegion, firstAnswering, groupRef, parseEnabled, parsePercentages, UsageError } from '../connect';
import { ACCOUNT, Target } from '../target';

interface SplitOptions {
  group?: string;
  telephony?: string;
  agents?: string;
  signIn?: string;
  region?: string;
  dryRun?: boolean;
  wait: number;
  json?: boolean;
}

/** `split --group <arn> --telephony us-east-1=70,us-west-2=30 [--agents ...] [--sign-in ...]`: failback, or any split. */
export function registerSplit(program: Command, target: Target = ACCOUNT): void {
  changeCommand(program, target, 'split',
    'Sets any split (failback, for one): calls UpdateTrafficDistribution with the group ARN in --region (by default the Region '
      + 'given the largest telephony share; without --telephony, the first of the group\'s Regions that answers, as status reads), waits '
      + 'until the group is ACTIVE, reads the split back and prints what changed. Parts not given are left as they are',
    command => command
      .option(`${OPTION.telephony} <split>`, 'calls per Region, e.g. us-east-1=70,us-west-2=30 (steps of 10, sum 100)')
      .option(`${OPTION.agent} <split>`, 'agents per Region, e.g. us-east-1=70,us-west-2=30')
      .option(`${OPTION.signIn} <regions>`, 'sign-in per Region (default group only), e.g. us-east-1=true,us-west-2=true')
      .option('--region <region>', 'the Region to call (one of the group\'s two)'))
    .action((options: SplitOptions) => target.run(options, async arn => {
      const group = groupRef(arn);
      if (options.telephony === undefined && options.agents === undefined && options.signIn === undefined) {
        throw new UsageError(`Give at least one of ${SPLIT_PARTS.map(p => OPTION[p]).join(', ')}.`);
      }
      const telephony = options.telephony === undefined ? undefined : parsePercentages(OPTION.telephony, options.telephony, group);
      const agent = options.agents === undefined ? undefined : parsePercentages(OPTION.agent, options.agents, group);
      const signIn = options.signIn === undefined ? undefined : parseEnabled(OPTION.signIn, options.signIn, group);
      const largest = telephony === undefined ? undefined : Object.keys(telephony).sort((a, b) => telephony[b] - telephony[a])[0];
      if (options.region !== undefined) {
        checkRegion(group, options.region, '--region');
      }
      // Without --telephony, the Region that takes most calls is not known: ask the first that answers (the
      // source may be the Region that is down), and say which.
      const answered = options.region ?? largest ?? await firstAnswering(group);
      const region = typeof answered === 'string' ? answered : answered.region;
      const why = typeof answered === 'string' ? [] : [`  called in ${region}, the first of the group's Regions that answered`
        + (answered.failures.length > 0 ? ` (${answered.failures.map(f => `${f.region}: ${f.error}`).join('; ')})` : '')];
      await changeSplit('split', group, region, options, before => ({ telephony: telephony ?? before.telephony, agent, signIn }), why);
    }));
}
