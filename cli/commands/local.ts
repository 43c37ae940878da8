/**
 * The `local` commands' arguments: deploy the user's own app (a cloud assembly `cdk synth` wrote)
 * to the embedded Connect emulator; what each command runs is local/run/command.ts.
 *
 *   local deploy <assembly> [--stack NAME]    create the stack (or update it, with --state)
 *   local update <assembly> [--stack NAME]    update the stack deployed before (needs --state)
 *   local destroy [--stack NAME]              delete it (needs --state)
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LocalOptions, runLocalCommand } from '../../local/run/command';
import { CommandReport } from '../../local/run/report';

/** The default `--time-scale`: the service's durations (replication, claims, the waiter's interval) at 1/100. */
export const DEFAULT_TIME_SCALE = 0.01;

/** Adds `local deploy | update | destroy` to a commander program. */
export function registerLocalCommands(program: Command): Command {
  const local = program.command('local')
    .description('Deploy your own CDK app to an embedded Amazon Connect emulator: no account, no credentials, no Docker');
  const common = (c: Command) => c
    .option('--stack <name>', 'the stack to work on (needed when the assembly, or the state file, has several)')
    .addOption(new Option('--time-scale <factor>', "the fraction of the service's durations to run at (1 = real time)")
      .default(DEFAULT_TIME_SCALE).argParser(parseTimeScale))
    .option('--state <file>', 'keep the emulator and the deployed stacks in this JSON file between commands')
    .option('--json', 'print one JSON document instead of text')
    .option('--logs', "print the Lambda functions' logs as they are written");

  common(local.command('deploy <assembly>')
    .description('deploy a stack of a cloud assembly (the cdk.out directory of `cdk synth`)'))
    .action(async (assembly: string, opts: LocalOptions) => exitCodeOf(await runLocalCommand('deploy', opts, assembly)));
  common(local.command('update <assembly>')
    .description('update the stack deployed before (with --state) to a new cloud assembly'))
    .action(async (assembly: string, opts: LocalOptions) => exitCodeOf(await runLocalCommand('update', opts, assembly)));
  common(local.command('destroy')
    .description('delete the stack deployed before (with --state)'))
    .action(async (opts: LocalOptions) => exitCodeOf(await runLocalCommand('destroy', opts)));
  return local;
}

function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) {
    throw new InvalidArgumentError('a number above 0 and at most 1 (1 runs at the service\'s real speed)');
  }
  return n;
}

function exitCodeOf(report: CommandReport): void {
  if (!report.succeeded) {
    process.exitCode = 1;
  }
}
